import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJournal } from '../../../src/core/run/journal';
import { reply, startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import { buildCli, dlpoScript, makeWorkspace, readDataset, runCli } from '../run/runSupport';
import { only } from './faultServer';

/**
 * The smaller faults of issue 17 item 9, each through the CLI as a process: token
 * counts the server did not report are marked estimated, a 401 from a keyless endpoint
 * says no key is set, `dlpo eval` prints its retry waits, and `--lr` applies with TLRD.
 * (Unknown `{{variables}}`, `--out <file>` and `--cache-dir <file>` are cases of
 * badInput.test.ts.)
 */

const SMALL = ['--data', 'gsm8k-sample.jsonl', '--train-size', '3', '--val-size', '2', '--test-size', '2', '--batch-size', '3', '--no-cache'];
const local = (server: LoopbackServer) => ['--base-url', server.baseUrl, '--model', 'test-model'];

describe('reliability: smaller CLI faults (issue 17 item 9)', function () {
  this.timeout(180_000);
  let ws: string;

  before(async () => {
    await buildCli();
    ws = makeWorkspace();
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('token counts of a server that sends no usage are marked estimated in the summary, report.md, report.json and the journal', async () => {
    const script = dlpoScript(readDataset());
    const server = await startLoopbackServer({
      script: async (req) => {
        const r = await script(req);
        return r.type === 'text' ? { ...r, usage: 'missing' } : r;
      },
    });
    try {
      const r = await runCli(['run', 'gsm8k.prompt.md', ...SMALL, '--out', 'est', ...local(server)], { cwd: ws });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /tokens [\d,]+ in \/ [\d,]+ out \(estimated: the server sent no usage\)/);
      const runDir = /run directory: (\S+)/.exec(r.stdout)![1];
      const events = readJournal(path.join(runDir, 'events.jsonl')).events;
      const usage = only(events, 'usage');
      assert.ok(usage.length > 0 && usage.every((u) => u.estimated === true), 'every usage event says estimated');
      const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8'));
      assert.equal(report.estimatedCalls, usage.length);
      assert.match(fs.readFileSync(path.join(runDir, 'report.md'), 'utf8'), /- Tokens: [\d,]+ prompt, [\d,]+ completion \(estimated: the server sent no usage\)/);

      const evalRun = await runCli(['eval', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', '--limit', '2', '--no-cache', ...local(server)], { cwd: ws });
      assert.equal(evalRun.code, 0, evalRun.stderr);
      assert.match(evalRun.stdout, /\d+ out \(estimated: the server sent no usage\)/);
    } finally {
      await server.close();
    }
    // A server that reports usage: no such note.
    const honest = await startLoopbackServer({ script: dlpoScript(readDataset()) });
    try {
      const r = await runCli(['run', 'gsm8k.prompt.md', ...SMALL, '--out', 'honest', '--json', ...local(honest)], { cwd: ws });
      assert.equal(r.code, 0, r.stderr);
      const runDir = JSON.parse(r.stdout).runDir;
      assert.equal(JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8')).estimatedCalls, 0);
      assert.doesNotMatch(fs.readFileSync(path.join(runDir, 'report.md'), 'utf8'), /estimated/);
    } finally {
      await honest.close();
    }
  });

  it('a 401 from an endpoint no key was set for says that no key is set and how to set one (run and eval)', async () => {
    const server = await startLoopbackServer({ script: () => reply.error(401, { message: 'Missing bearer token' }) });
    try {
      const r = await runCli(['run', 'gsm8k.prompt.md', ...SMALL, '--out', 'nokey', ...local(server)], { cwd: ws });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /asks for an API key \(401\), but no key is set \(the environment variable OPENAI_API_KEY is empty\)/);
      assert.match(r.stderr, /pass --api-key-env NAME/);
      assert.doesNotMatch(r.stderr, /rejected the API key/);

      const e = await runCli(['eval', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', '--limit', '2', '--no-cache', ...local(server)], { cwd: ws });
      assert.equal(e.code, 1, e.stderr);
      assert.match(e.stderr, /dlpo eval: .*asks for an API key \(401\), but no key is set/);
      assert.doesNotMatch(e.stderr, /rejected the API key/);

      // With a key that the server turns down, the message still says the key was rejected.
      const withKey = await runCli(['run', 'gsm8k.prompt.md', ...SMALL, '--out', 'badkey', ...local(server), '--api-key-env', 'MY_KEY'], { cwd: ws, env: { MY_KEY: 'sk-wrong-0000' } });
      assert.equal(withKey.code, 1);
      assert.match(withKey.stderr, /rejected the API key \(401\)\. Check the key in the environment variable MY_KEY/);
    } finally {
      await server.close();
    }
  });

  it('dlpo eval prints a line for each retry wait, as dlpo run does', async () => {
    const script = dlpoScript(readDataset());
    let first = true;
    const server = await startLoopbackServer({
      script: async (req) => {
        if (first) {
          first = false;
          return reply.error(429, { retryAfter: 1 });
        }
        return script(req);
      },
    });
    try {
      const r = await runCli(['eval', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', '--limit', '2', '--no-cache', '--max-concurrency', '1', ...local(server)], { cwd: ws });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /waiting 1 s: test-model \([^)]*\): rate-limited \(429\); retrying in 1 s \(attempt 2 of 5\)/);
      const quiet = await runCli(['eval', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', '--limit', '1', '--no-cache', '--quiet', ...local(server)], { cwd: ws });
      assert.doesNotMatch(quiet.stderr, /waiting/);
    } finally {
      await server.close();
    }
  });

  it('--lr with TLRD on is the budget until the first accepted step (as the reference does), and says so', async () => {
    const r = await runCli(['run', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', '--train-size', '9', '--val-size', '3', '--test-size', '3', '--batch-size', '3', '--preset', 'all', '--lr', '1', '--simulator', '--out', 'lr'], { cwd: ws });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /--lr 1 with TLRD: at most 1 sentence edit\(s\) per step until the first accepted step, then R = max\(5 − accepted steps, 1\)/);
    const runDir = /run directory: (\S+)/.exec(r.stdout)![1];
    const config = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8'));
    assert.equal(config.method.lrDecayFirstStep, 'lr');
    const events = readJournal(path.join(runDir, 'events.jsonl')).events;
    const steps = only(events, 'step-start');
    const reviews = only(events, 'review');
    const firstAccept = reviews.find((x) => x.accepted)?.step ?? Infinity;
    for (const s of steps) {
      const accepted = reviews.filter((x) => x.accepted && x.step < s.step).length;
      assert.equal(s.lr, s.step <= firstAccept ? 1 : Math.max(5 - accepted, 1), `step ${s.step}`);
    }
    for (const c of only(events, 'candidate').filter((c) => c.step <= firstAccept)) assert.ok(c.edits.length <= 1, `step ${c.step}: ${c.edits.length} edits under R = 1`);
    // Without --lr the preset's schedule is untouched: R = 5 from step 1.
    const plain = await runCli(['run', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', '--train-size', '3', '--val-size', '3', '--test-size', '3', '--batch-size', '3', '--preset', 'all', '--simulator', '--out', 'nolr'], { cwd: ws });
    assert.equal(plain.code, 0, plain.stderr);
    const plainDir = /run directory: (\S+)/.exec(plain.stdout)![1];
    assert.equal(only(readJournal(path.join(plainDir, 'events.jsonl')).events, 'step-start')[0].lr, 5);
    assert.doesNotMatch(plain.stderr, /with TLRD/);
  });
});
