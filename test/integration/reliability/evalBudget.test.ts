import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { answerFromGold, startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import { runDlpo } from '../tasks/cliHarness';

const SAMPLE = path.resolve(__dirname, '../../../examples/gsm8k-sample.jsonl');
const PROMPT = '---\ndescription: math\n---\n\nYou will answer a mathematical reasoning question. Think step by step.\n';

/**
 * Budget caps in `dlpo eval`: it makes the calls the cap allows, lets those already sent
 * finish, and reports what they scored (before: `--max-calls 3` made no request, exited 1
 * and told the user to resume a run that eval cannot resume).
 */
describe('reliability: dlpo eval under a budget cap', function () {
  this.timeout(60_000);
  let dir: string;
  let server: LoopbackServer;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-evalcap-'));
    fs.writeFileSync(path.join(dir, 'math.prompt.md'), PROMPT);
    fs.copyFileSync(SAMPLE, path.join(dir, 'sample.jsonl'));
    const items = fs
      .readFileSync(SAMPLE, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { question: string; answer: string })
      .map((r) => ({ input: r.question, gold: r.answer.slice(r.answer.lastIndexOf('####') + 4).trim() }));
    const gold = answerFromGold({ items, wrongFraction: 0.3 });
    server = await startLoopbackServer({ script: async (req) => ({ ...(await gold(req)), delayMs: 30 }) as never });
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => server.reset());

  const args = (...extra: string[]) => ['eval', 'math.prompt.md', '--data', 'sample.jsonl', '--split', 'all', '--base-url', server.baseUrl, '--model', 'test-model', '--no-cache', '--max-concurrency', '8', ...extra];

  it('--max-calls 3: three requests, their scores reported, exit 0, no --resume suggested', async () => {
    const r = await runDlpo(args('--max-calls', '3'), { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.chatRequests().length, 3);
    assert.match(r.stdout, /^accuracy \S+ \(\d\/3\) on 3 of the 30 examples of the all split/m);
    assert.match(r.stdout, /usage: 3 calls/);
    assert.match(r.stderr, /Budget reached: the next call would pass the cap of 3 calls \(3 made\)\. 3 of 30 examples were scored; to score them all, raise --max-calls and run dlpo eval again\./);
    assert.doesNotMatch(r.stderr, /resume/i);
  });

  it('--json says the evaluation is partial and why', async () => {
    const r = await runDlpo(args('--max-calls', '4', '--json'), { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.n, 4);
    assert.equal(out.examples, 30);
    assert.equal(out.stoppedBy, 'budget-calls');
    assert.equal(out.usage.calls, 4);
    assert.equal(server.chatRequests().length, 4);
  });

  it('a cap too small for a single call: exit 1, nothing sent, no --resume suggested', async () => {
    const r = await runDlpo(args('--max-tokens', '20'), { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(server.chatRequests().length, 0);
    assert.match(r.stderr, /0 of 30 examples were scored; to score them all, raise --max-tokens and run dlpo eval again/);
    assert.doesNotMatch(r.stderr, /resume/i);
  });

  it('--min-accuracy is not judged on a partial evaluation (exit 1)', async () => {
    const r = await runDlpo(args('--max-calls', '2', '--min-accuracy', '0'), { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--min-accuracy is not checked on a partial evaluation/);
  });
});
