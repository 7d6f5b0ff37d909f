import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { comparableJournal } from '../../../src/core/run/journal';
import { startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import { buildCli, dlpoScript, eventsOf, makeWorkspace, readDataset, runCli } from '../run/runSupport';
import { only } from './faultServer';

/**
 * `--resume` can point a run at a moved endpoint. Before, `--base-url`, `--model`,
 * `--provider`, `--api-key-env` and `--simulator` were silently ignored on resume, so a
 * run whose local server came back on another port could not continue. Now they apply,
 * the resumed session's `run-start` lists the change, and a different model is warned
 * about (its scores are not comparable with the earlier ones).
 */

const KEY = 'sk-test-DLPO-moved-31aa';
const ARGS = ['--data', 'gsm8k-sample.jsonl', '--train-size', '9', '--val-size', '3', '--test-size', '3', '--batch-size', '3', '--no-cache', '--json'];
/** The journal to compare, with the servers' ports taken out of the model labels (the two runs used different servers). */
const comparable = (runDir: string) => JSON.parse(JSON.stringify(comparableJournal(eventsOf(runDir))).replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>'));
const startServer = () => startLoopbackServer({ script: dlpoScript(readDataset()), models: ['test-model', 'other-model'] });

describe('reliability: --resume after the endpoint moved', function () {
  this.timeout(180_000);
  let ws: string;
  let baseline: unknown;

  before(async () => {
    await buildCli();
    ws = makeWorkspace();
    const server = await startServer();
    try {
      const r = await runCli(['run', 'gsm8k.prompt.md', ...ARGS, '--out', 'base', '--base-url', server.baseUrl, '--model', 'test-model', '--api-key-env', 'K1'], { cwd: ws, env: { K1: KEY } });
      assert.equal(r.code, 0, r.stderr);
      baseline = comparable(JSON.parse(r.stdout).runDir);
    } finally {
      await server.close();
    }
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  /** A run stopped by a call cap against a server that then goes away. */
  async function stoppedRun(out: string): Promise<string> {
    const old = await startServer();
    try {
      const r = await runCli(['run', 'gsm8k.prompt.md', ...ARGS, '--out', out, '--max-calls', '30', '--base-url', old.baseUrl, '--model', 'test-model', '--api-key-env', 'K1'], { cwd: ws, env: { K1: KEY } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).stoppedBy, 'budget-calls');
      return JSON.parse(r.stdout).runDir;
    } finally {
      await old.close();
    }
  }

  it('--base-url and --api-key-env apply on resume: the run continues at the new port, the change is journaled, the result is the same', async () => {
    const runDir = await stoppedRun('moved');
    const oldUrl = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8')).forward.baseUrl;
    const moved = await startServer();
    try {
      assert.notEqual(moved.baseUrl, oldUrl, 'another port');
      const r = await runCli(['run', '--resume', runDir, '--max-calls', '1000', '--no-cache', '--json', '--base-url', moved.baseUrl, '--api-key-env', 'K2'], { cwd: ws, env: { K2: KEY } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).stoppedBy, 'completed');
      assert.ok(moved.chatRequests().length > 0, 'the resumed run talked to the new port');
      assert.ok(moved.chatRequests().every((q) => q.auth.present), 'with the key from the new variable');
      assert.match(r.stderr, new RegExp(`Changed on resume: forward\\.baseUrl: ${oldUrl.replace(/[.]/g, '\\.')} → ${moved.baseUrl.replace(/[.]/g, '\\.')}`));
      assert.doesNotMatch(r.stderr, /not comparable/, 'same model: no warning');
      const events = eventsOf(runDir);
      const resumed = only(events, 'run-start')[1];
      assert.deepEqual(resumed.changed, [
        `forward.baseUrl: ${oldUrl} → ${moved.baseUrl}`,
        'forward.apiKeyEnv: K1 → K2',
        `backward.baseUrl: ${oldUrl} → ${moved.baseUrl}`,
        'backward.apiKeyEnv: K1 → K2',
      ]);
      const config = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8'));
      assert.equal(config.forward.baseUrl, moved.baseUrl, 'config.json now names the new endpoint');
      assert.deepEqual(comparable(runDir), baseline, 'same model, same replies: the journal of the uninterrupted run');
    } finally {
      await moved.close();
    }
  });

  it('--model on resume applies (keeping the provider) and warns that results are no longer comparable', async () => {
    const runDir = await stoppedRun('model');
    const moved = await startServer();
    try {
      const r = await runCli(['run', '--resume', runDir, '--max-calls', '1000', '--no-cache', '--json', '--base-url', moved.baseUrl, '--model', 'other-model'], { cwd: ws, env: { K1: KEY } });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(moved.chatRequests().length > 0 && moved.chatRequests().every((q) => (q.body as { model: string }).model === 'other-model'), 'every request asks for the new model');
      assert.match(r.stderr, /warning: The forward model changed from test-model to other-model on resume: results after this point come from a different model and are not comparable with those before it\./);
      const events = eventsOf(runDir);
      const resumed = only(events, 'run-start')[1];
      assert.match(resumed.forwardModel, /other-model/);
      assert.ok(resumed.changed!.includes('forward.model: test-model → other-model'));
      assert.ok(!resumed.changed!.some((c) => c.includes('provider')), 'the provider was kept');
      assert.equal(only(events, 'error').filter((e) => e.kind === 'resume' && !e.fatal).length, 2, 'forward and backward warnings are journaled');
    } finally {
      await moved.close();
    }
  });

  it('--simulator on resume switches both models to the offline simulator, with the warning and the label', async () => {
    const runDir = await stoppedRun('sim');
    const r = await runCli(['run', '--resume', runDir, '--max-calls', '1000', '--json', '--simulator'], { cwd: ws });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.simulator, true);
    assert.match(r.stderr, /The forward model changed from test-model to simulator on resume/);
    const resumed = only(eventsOf(runDir), 'run-start')[1];
    assert.ok(resumed.changed!.includes('forward.provider: openai-compatible → simulator'));
    assert.ok(resumed.changed!.some((c) => c.startsWith('forward.baseUrl: http') && c.endsWith('→ (none)')), 'the old base URL is dropped with the provider');
  });
});
