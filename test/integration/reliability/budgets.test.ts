import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJournal } from '../../../src/core/run/journal';
import { buildCli, httpArgs, makeWorkspace, runCli } from '../run/runSupport';
import { only, startFaultServer, type FaultServer } from './faultServer';

/**
 * The call, token and time caps through `dlpo run` (the cost cap has its own test in
 * test/integration/run/dlpoRun.test.ts): the run stops before a cap is passed, exits 0,
 * names the cap in its summary, report and stderr with the flag to raise, and a resume
 * with a higher cap carries on from the checkpoint.
 */

const KEY = 'sk-test-DLPO-budget-0a9f33';
const ARGS = ['--data', 'gsm8k-sample.jsonl', '--train-size', '6', '--val-size', '3', '--test-size', '3', '--batch-size', '3', '--no-cache', '--json'];

describe('reliability: budget caps through dlpo run', function () {
  this.timeout(180_000);
  let fault: FaultServer;
  let ws: string;

  before(async () => {
    await buildCli();
    fault = await startFaultServer();
    ws = makeWorkspace();
  });
  after(async () => {
    await fault.server.close();
    fs.rmSync(ws, { recursive: true, force: true });
  });
  beforeEach(() => fault.server.reset());

  const run = (out: string, extra: string[]) =>
    runCli(['run', 'gsm8k.prompt.md', ...ARGS, '--out', out, ...httpArgs(fault.server), ...extra], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });

  it('--max-calls: no request beyond the cap reaches the server; resuming with a higher cap completes', async () => {
    const r = await run('calls', ['--max-calls', '20']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.stoppedBy, 'budget-calls');
    assert.ok(out.usage.calls <= 20, `${out.usage.calls} calls`);
    assert.ok(fault.server.chatRequests().length <= 20, 'the server saw no request past the cap');
    assert.match(r.stderr, /Budget reached: the next call would pass the cap of 20 calls/);
    assert.match(r.stderr, /To continue, raise the cap and resume: dlpo run --resume \S+ --max-calls N/);
    assert.match(fs.readFileSync(path.join(out.runDir, 'report.md'), 'utf8'), /Stopped: Budget reached: the next call would pass the cap of 20 calls/);
    const checkpoint = JSON.parse(fs.readFileSync(path.join(out.runDir, 'checkpoint.json'), 'utf8'));
    assert.equal(checkpoint.finished, false);

    const resumed = await runCli(['run', '--resume', out.runDir, '--max-calls', '500', '--no-cache', '--json'], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).stoppedBy, 'completed');
    const starts = only(readJournal(path.join(out.runDir, 'events.jsonl')).events, 'run-start');
    assert.equal(starts.length, 2);
    assert.deepEqual(starts[1].budget, { maxCalls: 500 }, 'the raised cap is journaled');
  });

  it('--max-tokens: the tokens spent stay under the cap', async () => {
    const cap = 5_000;
    const r = await run('tokens', ['--max-tokens', String(cap)]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.stoppedBy, 'budget-tokens');
    assert.ok(out.usage.promptTokens + out.usage.completionTokens <= cap, JSON.stringify(out.usage));
    assert.ok(out.usage.calls > 0);
    // Not earlier than needed: the refused call's worst case really did not fit what was left.
    const m = /the next call \(up to (\d+) tokens\) would pass the cap of 5000 tokens \((\d+) used/.exec(r.stderr);
    assert.ok(m, r.stderr);
    assert.ok(Number(m[1]) + Number(m[2]) > cap, m[0]);
    assert.match(r.stderr, /--max-tokens N/);
  });

  it('--max-time: the run stops once its wall time is used, before the next call', async () => {
    // A slow server (150 ms a reply, ≥ 20 rounds of calls): the whole run needs well over the 1 s cap.
    const slow = await startFaultServer(150);
    let r;
    try {
      r = await runCli(['run', 'gsm8k.prompt.md', ...ARGS, '--out', 'time', ...httpArgs(slow.server), '--max-time', '1'], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
    } finally {
      await slow.server.close();
    }
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.stoppedBy, 'budget-time');
    assert.match(r.stderr, /Budget reached: the run has used its 1 s of wall time/);
    assert.match(r.stderr, /--max-time SEC/);
    const checkpoint = JSON.parse(fs.readFileSync(path.join(out.runDir, 'checkpoint.json'), 'utf8'));
    assert.ok(checkpoint.budgetSpent.elapsedMs >= 1000, 'the elapsed time is checkpointed so the cap spans resumes');
    const done = only(readJournal(path.join(out.runDir, 'events.jsonl')).events, 'done')[0];
    assert.equal(done.stoppedBy, 'budget-time');
  });
});
