import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCli, makeWorkspace, runCli } from '../run/runSupport';

/**
 * Every way a user can get `dlpo run` wrong ends with exit 2, a message that names the
 * problem and the fix, and no run folder left behind (and no network: the cases that
 * name a real provider must be refused before any request).
 */

interface Case {
  what: string;
  args: string[];
  /** Files to write in the workspace first. */
  files?: Record<string, string>;
  env?: Record<string, string>;
  /** What the message must say: the problem, and the fix. */
  says: RegExp[];
  /** What it must not say. */
  never?: RegExp;
}

const SIM = ['--simulator'];
const DATA = ['--data', 'gsm8k-sample.jsonl'];

const CASES: Case[] = [
  { what: 'missing prompt file', args: ['nope.prompt.md', ...DATA, ...SIM], says: [/Prompt file not found: \S*nope\.prompt\.md/, /Check the path/] },
  { what: 'missing dataset file', args: ['gsm8k.prompt.md', '--data', 'nope.jsonl', ...SIM], says: [/dataset not found: \S*nope\.jsonl/] },
  {
    what: 'unknown input field (flag)',
    args: ['gsm8k.prompt.md', ...DATA, '--input-field', 'prompt', ...SIM],
    says: [/has no input field "prompt"; fields are: question, answer/, /--input-field/],
  },
  {
    what: 'unknown gold field (config file)',
    args: ['gsm8k.prompt.md', ...DATA, '--config', 'gold.yaml', ...SIM],
    files: { 'gold.yaml': 'data:\n  source: gsm8k-sample.jsonl\n  goldField: solution\n' },
    says: [/has no gold field "solution"; fields are: question, answer/, /--gold-field/],
  },
  {
    what: 'dataset without a recognisable gold field',
    args: ['gsm8k.prompt.md', '--data', 'nogold.jsonl', ...SIM],
    files: { 'nogold.jsonl': '{"question": "a"}\n{"question": "b"}\n' },
    says: [/cannot tell which field is the gold answer/, /--gold-field/],
  },
  { what: 'empty dataset', args: ['gsm8k.prompt.md', '--data', 'empty.jsonl', ...SIM], files: { 'empty.jsonl': '' }, says: [/empty\.jsonl: the dataset is empty/] },
  {
    what: 'split larger than the data',
    args: ['gsm8k.prompt.md', ...DATA, '--train-size', '100', ...SIM],
    says: [/train 100 \+ val \d+ \+ test rest need \d+ examples but the dataset has 40/, /lower the sizes/],
  },
  { what: 'zero training examples', args: ['gsm8k.prompt.md', ...DATA, '--train-size', '0', ...SIM], says: [/data\.trainSize: must be ≥ 1 \(got 0\) — set --train-size/] },
  {
    what: 'invalid values in the config file, one line each',
    args: ['gsm8k.prompt.md', ...DATA, '--config', 'bad.yaml', ...SIM],
    files: { 'bad.yaml': 'batchSize: -3\nbudget:\n  maxCostUsd: -1\nforward:\n  temperature: 5\nrequestTimeoutSec: 0\n' },
    says: [/forward\.temperature: must be ≤ 2 \(got 5\)/, /batchSize: must be ≥ 1 \(got -3\) — set --batch-size/, /requestTimeoutSec: must be greater than 0/, /budget\.maxCostUsd: must be greater than 0 \(got -1\)/],
  },
  {
    what: 'misspelt config field',
    args: ['gsm8k.prompt.md', ...DATA, ...SIM],
    files: { 'dlpo.config.yaml': 'techniqes:\n  lr: 2\n' },
    says: [/techniqes: unknown field in dlpo\.config\.yaml \(did you mean techniques\?\)/],
  },
  { what: 'config file that is not YAML', args: ['gsm8k.prompt.md', ...DATA, '--config', 'broken.yaml', ...SIM], files: { 'broken.yaml': 'preset: [1,2\n' }, says: [/broken\.yaml: not valid YAML/] },
  { what: 'config file missing', args: ['gsm8k.prompt.md', ...DATA, '--config', 'absent.yaml', ...SIM], says: [/absent\.yaml: cannot read the config file \(does it exist\?\)/] },
  { what: 'unknown technique', args: ['gsm8k.prompt.md', ...DATA, '--techniques', 'tlr,warp', ...SIM], says: [/Unknown technique "warp"\. Valid techniques: tlr, tlrd, tdo, tmnt, tcl, tregu, tsa\./] },
  { what: 'unknown preset', args: ['gsm8k.prompt.md', ...DATA, '--preset', 'fastest', ...SIM], says: [/preset: must be one of best, robust, textgrad, reference, all, custom \(got "fastest"\) — set --preset/] },
  { what: 'out-of-range technique value', args: ['gsm8k.prompt.md', ...DATA, '--dropout', '1.5', ...SIM], says: [/techniques\.dropout: must be ≤ 1 \(got 1\.5\) — set --dropout/] },
  { what: 'not a number', args: ['gsm8k.prompt.md', ...DATA, '--seed', 'abc', ...SIM], says: [/--seed must be a number, got "abc"/] },
  { what: 'negative call cap', args: ['gsm8k.prompt.md', ...DATA, '--max-calls=-5', ...SIM], says: [/--max-calls must be greater than 0, got -5/] },
  { what: 'zero token cap', args: ['gsm8k.prompt.md', ...DATA, '--max-tokens=0', ...SIM], says: [/--max-tokens must be greater than 0, got 0/] },
  { what: 'negative cost cap', args: ['gsm8k.prompt.md', ...DATA, '--max-cost=-1', ...SIM], says: [/--max-cost must be greater than 0, got -1/] },
  { what: 'negative time cap', args: ['gsm8k.prompt.md', ...DATA, '--max-time=-1', ...SIM], says: [/--max-time must be greater than 0, got -1/] },
  { what: 'negative value without "="', args: ['gsm8k.prompt.md', ...DATA, '--max-calls', '-5', ...SIM], says: [/Option --max-calls needs a value; for one starting with a dash write --max-calls=VALUE/] },
  { what: 'unknown metric', args: ['gsm8k.prompt.md', ...DATA, '--metric', 'bogus', ...SIM], says: [/unknown metric "bogus"; choose one of: numeric/] },
  { what: 'empty prompt body', args: ['empty.prompt.md', ...DATA, ...SIM], files: { 'empty.prompt.md': '---\nname: x\n---\n' }, says: [/the prompt body \(after the front matter\) is empty; write the prompt text there first/] },
  { what: 'unknown flag', args: ['gsm8k.prompt.md', ...DATA, '--max-cots', '1', ...SIM], says: [/Unknown option --max-cots\. Did you mean --max-cost\?/] },
  { what: 'no API key for a real provider', args: ['gsm8k.prompt.md', ...DATA, '--model', 'gpt-x'], says: [/No API key for gpt-x: set the environment variable OPENAI_API_KEY/, /--simulator/] },
  {
    what: 'openai-compatible without a base URL (no request to api.openai.com)',
    args: ['gsm8k.prompt.md', ...DATA, '--provider', 'openai-compatible', '--model', 'm'],
    says: [/--provider openai-compatible needs --base-url/],
  },
  { what: 'base URL that is not a URL', args: ['gsm8k.prompt.md', ...DATA, '--base-url', 'localhost:11434', '--model', 'm'], says: [/--base-url must be a URL/] },
  { what: '--resume of a folder that is not a run', args: ['--resume', '.'], says: [/is not a run folder \(no readable config\.json\)/, /Pass the folder dlpo run printed/] },
  {
    what: 'unknown {{variable}} in the prompt (no run folder, no futile --resume hint)',
    args: ['vars.prompt.md', ...DATA, ...SIM],
    files: { 'vars.prompt.md': '---\nname: v\n---\nSolve {{question}}. Use {{hint}}.\n' },
    says: [/the prompt reads "hint" but row \S+ has no field "hint" \(fields: question, answer\)/],
    never: /--resume/,
  },
  {
    what: '--out naming an existing file',
    args: ['gsm8k.prompt.md', ...DATA, ...SIM, '--out', 'afile'],
    files: { afile: 'not a folder' },
    says: [/--out afile: \S+afile is a file, not a folder\. --out is the folder that holds the run folders \(default \.dlpo\/runs\); pass a folder there\./],
    never: /EEXIST/,
  },
  {
    what: '--out inside a file',
    args: ['gsm8k.prompt.md', ...DATA, ...SIM, '--out', 'afile/runs'],
    files: { afile: 'not a folder' },
    says: [/--out afile\/runs: \S+afile is a file, so the folder \S+ cannot be created/],
    never: /ENOTDIR/,
  },
  {
    what: '--cache-dir naming a file (the cache would be silently off)',
    args: ['gsm8k.prompt.md', ...DATA, '--model', 'm', '--base-url', 'http://127.0.0.1:9/v1', '--cache-dir', 'cachefile'],
    files: { cachefile: 'x' },
    says: [/--cache-dir cachefile: \S+cachefile is a file, not a folder\. The response cache is kept in a folder \(default \.dlpo\/cache; --no-cache turns it off\)/],
  },
  { what: '--resume with a trajectory flag', args: ['--resume', '.', '--lr', '3'], says: [/--resume continues the run as it was configured; drop --lr/] },
];

describe('reliability: bad input to dlpo run (exit 2, the problem and the fix, nothing left behind)', function () {
  this.timeout(180_000);
  let ws: string;

  before(async () => {
    await buildCli();
  });
  beforeEach(() => {
    ws = makeWorkspace();
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  for (const c of CASES) {
    it(c.what, async () => {
      for (const [name, text] of Object.entries(c.files ?? {})) fs.writeFileSync(path.join(ws, name), text);
      const out = c.args.includes('--out') ? [] : ['--out', 'runs'];
      const r = await runCli(['run', ...c.args, ...out], { cwd: ws, env: c.env ?? {}, timeoutMs: 30_000 });
      assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
      for (const re of c.says) assert.match(r.stderr, re);
      if (c.never) assert.doesNotMatch(r.stderr, c.never);
      assert.equal(r.stdout, '', 'nothing on stdout');
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      const runs = path.join(ws, 'runs');
      assert.ok(!fs.existsSync(runs) || fs.readdirSync(runs).length === 0, `no run folder left behind: ${fs.existsSync(runs) ? fs.readdirSync(runs).join(', ') : ''}`);
    });
  }
});
