import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { numberOption, parseCommandArgs } from '../../../src/cli/args';
import { UsageError, type CliCommand, type CliIO } from '../../../src/cli/command';
import { LlmError } from '../../../src/core/llm/errors';
import { main } from '../../../src/cli/main';
import { MODEL_OPTION_SPECS, checkModelSpec, parseModelOptions, resolveApiKey } from '../../../src/cli/modelOptions';
import { createProgress, renderLine } from '../../../src/cli/progress';
import { version } from '../../../package.json';

function memoryIO(signal = new AbortController().signal) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  const io: CliIO = { stdout: out, stderr: err, env: {}, cwd: process.cwd(), signal };
  return { io, out: () => stdout, err: () => stderr };
}

function parseFlags(argv: string[]) {
  return parseModelOptions(parseCommandArgs(argv, MODEL_OPTION_SPECS, { command: 'run' }).values);
}

describe('cli frame', () => {
  describe('main', () => {
    it('--version prints the package version', async () => {
      const m = memoryIO();
      assert.equal(await main(['--version'], m.io), 0);
      assert.equal(m.out().trim(), version);
    });

    it('--help lists the commands and exit codes', async () => {
      const m = memoryIO();
      assert.equal(await main(['--help'], m.io), 0);
      for (const word of ['run', 'inspect', 'experiment', 'Exit codes']) assert.ok(m.out().includes(word), word);
    });

    it('an unknown command is bad usage (exit 2) and names the commands', async () => {
      const m = memoryIO();
      assert.equal(await main(['frobnicate'], m.io), 2);
      assert.match(m.err(), /unknown command "frobnicate"/);
    });
  });

  describe('parseCommandArgs', () => {
    it('an unknown flag is a UsageError with a suggestion', () => {
      assert.throws(
        () => parseCommandArgs(['--max-cals', '3'], MODEL_OPTION_SPECS, { command: 'run' }),
        (e: unknown) => e instanceof UsageError && /Unknown option --max-cals\. Did you mean --max-calls\?/.test(e.message),
      );
    });
    it('a missing value names the flag', () => {
      assert.throws(() => parseCommandArgs(['--model'], MODEL_OPTION_SPECS, { command: 'run' }), /Option --model needs a value/);
    });
    it('numberOption checks kind and range', () => {
      assert.equal(numberOption('3', 'n', { integer: true }), 3);
      assert.throws(() => numberOption('3.5', 'n', { integer: true }), /--n must be a whole number/);
      assert.throws(() => numberOption('-1', 'max-cost', { positive: true }), /--max-cost must be greater than 0/);
      assert.throws(() => numberOption('abc', 'x'), /--x must be a number/);
    });
  });

  describe('parseModelOptions', () => {
    it('maps model, budget, cache and output flags to RunConfig fields', () => {
      const o = parseFlags([
        '--base-url', 'http://127.0.0.1:11434/v1', '--model', 'llama3', '--backward-model', 'qwen2.5',
        '--api-key-env', 'MY_KEY', '--max-concurrency', '4', '--request-timeout', '30', '--cache-dir', '/tmp/c',
        '--max-calls', '100', '--max-tokens', '50000', '--max-cost', '1.5', '--max-time', '600', '--out', 'runs', '--json',
      ]);
      assert.deepEqual(o.config.forward, { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', apiKeyEnv: 'MY_KEY', model: 'llama3' });
      assert.equal(o.config.backward?.model, 'qwen2.5');
      assert.equal(o.config.maxConcurrency, 4);
      assert.equal(o.config.requestTimeoutSec, 30);
      assert.deepEqual(o.config.cache, { enabled: true, dir: '/tmp/c' });
      assert.deepEqual(o.config.budget, { maxCalls: 100, maxTokens: 50000, maxCostUsd: 1.5, maxTimeSec: 600 });
      assert.equal(o.outDir, 'runs');
      assert.equal(o.json, true);
      assert.equal(o.quiet, false);
    });
    it('--model alone means OpenAI; --azure-endpoint means Azure; --simulator both simulator', () => {
      assert.equal(parseFlags(['--model', 'gpt-4o-mini']).config.forward?.provider, 'openai');
      assert.equal(parseFlags(['--model', 'dep', '--azure-endpoint', 'https://x.openai.azure.com']).config.forward?.provider, 'azure');
      const sim = parseFlags(['--simulator']).config;
      assert.equal(sim.forward?.provider, 'simulator');
      assert.equal(sim.backward?.provider, 'simulator');
    });
    it('sets nothing that was not given', () => {
      assert.deepEqual(parseFlags([]).config, {});
      assert.deepEqual(parseFlags(['--no-cache']).config, { cache: { enabled: false } });
    });
    it('rejects bad values with the flag named', () => {
      assert.throws(() => parseFlags(['--provider', 'anthropic']), /--provider must be one of/);
      assert.throws(() => parseFlags(['--base-url', 'localhost:1234']), /--base-url must be a URL/);
      assert.throws(() => parseFlags(['--max-cost', '0']), /--max-cost must be greater than 0/);
      assert.throws(() => parseFlags(['--max-calls=-3']), /--max-calls must be greater than 0/);
      assert.throws(() => parseFlags(['--max-calls', '-3']), /--max-calls=VALUE/);
      assert.throws(() => parseFlags(['--max-concurrency', '0']), /--max-concurrency must be at least 1/);
      assert.throws(() => parseFlags(['--simulator', '--model', 'x']), /--simulator/);
      assert.throws(() => parseFlags(['--no-cache', '--cache-dir', 'x']), /contradict/);
    });
    it('checkModelSpec says what a provider still needs', () => {
      assert.throws(() => checkModelSpec({ provider: 'azure', model: 'dep' }, 'forward'), /--azure-endpoint/);
      assert.throws(() => checkModelSpec({ provider: 'openai-compatible', model: 'm' }, 'forward'), /--base-url/);
      assert.throws(() => checkModelSpec({ provider: 'openai', model: 'simulator' }, 'backward'), /--backward-model/);
      checkModelSpec({ provider: 'simulator', model: 'simulator' }, 'forward');
    });
  });

  describe('resolveApiKey', () => {
    it('reads the named variable, defaulting to OPENAI_API_KEY (AZURE_OPENAI_API_KEY for azure)', () => {
      assert.equal(resolveApiKey({ provider: 'openai', model: 'm' }, { OPENAI_API_KEY: 'k1' }), 'k1');
      assert.equal(resolveApiKey({ provider: 'openai', model: 'm', apiKeyEnv: 'MINE' }, { MINE: 'k2' }), 'k2');
      assert.equal(resolveApiKey({ provider: 'azure', model: 'd' }, { AZURE_OPENAI_API_KEY: 'k3' }), 'k3');
      assert.equal(resolveApiKey({ provider: 'simulator', model: 's' }, {}), undefined);
    });
    it('a missing key is a UsageError naming the variable to set', () => {
      assert.throws(
        () => resolveApiKey({ provider: 'openai', model: 'gpt-4o' }, {}),
        (e: unknown) => e instanceof UsageError && /set the environment variable OPENAI_API_KEY/.test(e.message),
      );
      assert.throws(() => resolveApiKey({ provider: 'openai-compatible', model: 'm', apiKeyEnv: 'LOCAL_KEY' }, {}), /LOCAL_KEY/);
    });
    it('keyless local servers may go without a key', () => {
      assert.equal(resolveApiKey({ provider: 'openai-compatible', model: 'llama3' }, {}), undefined);
    });
  });

  describe('progress', () => {
    const sink = (tty: boolean) => {
      let text = '';
      return { stream: { isTTY: tty, columns: 80, write: (c: string) => ((text += c), true) }, text: () => text };
    };
    it('draws a bar on a TTY and plain, de-duplicated lines elsewhere', () => {
      assert.equal(renderLine(3, 12, 'step', true), `[${'#'.repeat(6)}${'-'.repeat(18)}] 3/12  step`);
      const plain = sink(false);
      const p = createProgress(plain.stream);
      p.update(1, 4, 'a');
      p.update(1, 4, 'a');
      p.update(2, 4, 'b');
      assert.equal(plain.text(), '[1/4] a\n[2/4] b\n');
      const tty = sink(true);
      const t = createProgress(tty.stream);
      t.update(1, 2);
      t.log('note');
      t.end();
      assert.ok(tty.text().includes('\r\x1b[2K['));
      assert.ok(tty.text().includes('note\n'));
    });
    it('--quiet prints nothing but errors', () => {
      const s = sink(false);
      const p = createProgress(s.stream, { quiet: true });
      p.update(1, 2, 'x');
      p.log('y');
      p.error('boom');
      assert.equal(s.text(), 'boom\n');
    });
  });
});

describe('cli frame: main with given commands', () => {
  const command = (run: CliCommand['run']): CliCommand => ({ name: 'x', summary: 's', usage: 'Usage: dlpo x', run });

  it('a UsageError prints its message and exits 2', async () => {
    const m = memoryIO();
    const code = await main(['x'], m.io, [command(async () => { throw new UsageError('--data is required.'); })]);
    assert.equal(code, 2);
    assert.match(m.err(), /dlpo x: --data is required\./);
  });

  it('an LlmError prints message and action and exits 1', async () => {
    const m = memoryIO();
    const code = await main(['x'], m.io, [
      command(async () => {
        throw new LlmError('auth', 'gpt (OpenAI) rejected the API key (401). Check the key in the environment variable K.', { action: 'Set a valid key.' });
      }),
    ]);
    assert.equal(code, 1);
    assert.match(m.err(), /rejected the API key \(401\)/);
    assert.match(m.err(), /Set a valid key\./);
  });

  it('an aborted signal turns the exit code into 130', async () => {
    const controller = new AbortController();
    const m = memoryIO(controller.signal);
    const code = await main(['x'], m.io, [command(async () => { controller.abort(); return 1; })]);
    assert.equal(code, 130);
  });

  it('<command> --help prints its usage and exits 0 without running it', async () => {
    const m = memoryIO();
    let ran = false;
    assert.equal(await main(['x', '--help'], m.io, [command(async () => { ran = true; return 0; })]), 0);
    assert.equal(ran, false);
    assert.match(m.out(), /Usage: dlpo x/);
  });
});
