import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main';
import { FIXTURES } from '../run/runSupport';

/** `dlpo experiment` input errors: exit 2, nothing on stdout, a message that names the fix. */

async function dlpo(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  err.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const code = await main(args, { stdout: out, stderr: err, env: { PATH: process.env.PATH }, cwd, signal: new AbortController().signal });
  return { code, stdout, stderr };
}

describe('dlpo experiment: bad input exits 2 with the fix', function () {
  this.timeout(60_000);
  let ws: string;
  before(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-exp-usage-'));
    for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(ws, f));
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  const cases: [string, string[], RegExp, ((dir: string) => void)?][] = [
    ['nothing to run', [], /Nothing to run: pass a dlpo\.experiment\.yaml\|json, or --paper/],
    ['an unknown paper table', ['--paper', 'table-9'], /Unknown paper experiment "table-9"\. Choose one of: table-robustness, table-batch, ablation/],
    ['a paper table without data', ['--paper', 'ablation', '--prompt', 'gsm8k.prompt.md'], /needs the prompt and the data: add --prompt FILE --data DATASET/],
    ['a missing prompt file', ['--paper', 'ablation', '--prompt', 'nope.prompt.md', '--data', 'gsm8k-sample.jsonl', '--simulator'], /Prompt file not found/],
    ['a misspelt key in the file', ['bad.yaml'], /bad\.yaml is not a valid experiment:[\s\S]*seed/, (d) => fs.writeFileSync(path.join(d, 'bad.yaml'), 'prompt: gsm8k.prompt.md\ndata: { source: gsm8k-sample.jsonl }\nseed: 3\nconfigs: [{ name: a }]\n')],
    ['a folder that is not an experiment', ['--resume', '.'], /not an experiment folder \(no readable experiment\.json\)/],
    ['model flags on resume', ['--resume', '.', '--model', 'gpt-4o'], /drop --model/],
    ['--out naming a file', ['--paper', 'ablation', '--prompt', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', '--simulator', '--out', 'afile'], /--out afile: \S+afile is a file, not a folder\. --out is the folder that holds the experiment folders/, (d) => fs.writeFileSync(path.join(d, 'afile'), 'x')],
    ['--cache-dir naming a file', ['--paper', 'ablation', '--prompt', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', '--simulator', '--cache-dir', 'afile'], /--cache-dir afile: \S+afile is a file, not a folder\. The response cache is kept in a folder/, (d) => fs.writeFileSync(path.join(d, 'afile'), 'x')],
    ['too many seeds', ['--paper', 'ablation', '--prompt', 'gsm8k.prompt.md', '--data', 'gsm8k', '--seeds', '1000'], /--seeds must be at most 100/],
    ['no key for a real model', ['--paper', 'ablation', '--prompt', 'gsm8k.prompt.md', '--data', 'gsm8k', '--model', 'gpt-4o-mini'], /No API key for gpt-4o-mini: set the environment variable OPENAI_API_KEY/],
  ];
  for (const [what, args, message, setup] of cases) {
    it(what, async () => {
      setup?.(ws);
      const r = await dlpo(['experiment', ...args], ws);
      assert.equal(r.code, 2, `${r.stderr}\n${r.stdout}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      assert.ok(!fs.existsSync(path.join(ws, '.dlpo', 'experiments')) || fs.readdirSync(path.join(ws, '.dlpo', 'experiments')).length === 0, 'nothing was written');
    });
  }

  it('--help describes the grid budget and the paper tables', async () => {
    const r = await dlpo(['experiment', '--help'], ws);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Budget for the WHOLE grid/);
    assert.match(r.stdout, /--out DIR\s+where experiment folders go/);
    assert.match(r.stdout, /table-robustness/);
  });
});
