import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJournal } from '../../../src/core/run/journal';
import { sha256 } from '../../support/loopbackServer';
import { buildCli, httpArgs, makeWorkspace, runCli, spawnCli, waitUntil } from '../run/runSupport';
import { nthRequestOf, only, runDirUnder, startFaultServer, type FaultServer } from './faultServer';

/**
 * Calls a crashed session made after its last checkpoint — answered ones, and those still
 * in flight when the process died — are counted again on resume, from the journal's
 * `usage` and `request` records: the resumed run's totals equal the server's own count of
 * requests across both sessions. Before, the checkpoint's totals were restored and every
 * call after it (step 2 up to the crash) vanished from the totals and the caps.
 */

const KEY = 'sk-test-DLPO-crash-acct-51d2';
const ARGS = ['--data', 'gsm8k-sample.jsonl', '--train-size', '6', '--val-size', '3', '--test-size', '3', '--batch-size', '3', '--no-cache'];

/** This test's requests only (by the key they carry): a stray client of a recycled port cannot skew the counts. */
const ours = (fault: FaultServer) => fault.server.chatRequests().filter((r) => r.auth.sha256 === sha256(KEY));

describe('reliability: accounting across a crash (kill -9 while requests are in flight)', function () {
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

  it('kill -9 mid-step 2 with a request hanging: the resumed totals count every request the server saw', async () => {
    // Step 2's first critique hangs (every step critiques its 3 examples): by then step 2's
    // forward calls were answered after step 1's checkpoint, and the hung one is in flight.
    fault.armed = { when: nthRequestOf('critique', 4), mode: { kind: 'hang' } };
    const { child, done } = spawnCli(['run', 'gsm8k.prompt.md', ...ARGS, '--out', 'crash', ...httpArgs(fault.server)], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
    try {
      await waitUntil(() => fault.faulted.some((i) => fault.server.requests[i]?.endedAt === undefined), 30_000, 'a request to hang');
    } finally {
      child.kill('SIGKILL');
    }
    await done;
    fault.mode = { kind: 'ok' };
    const runDir = runDirUnder(ws, 'crash')!;
    const firstSession = ours(fault).length;
    const checkpoint = JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoint.json'), 'utf8'));
    assert.equal(checkpoint.step, 1);
    assert.ok(checkpoint.usage.calls < firstSession, 'the checkpoint alone misses the calls made after it');
    const killed = readJournal(path.join(runDir, 'events.jsonl')).events;
    const requests = only(killed, 'request');
    assert.equal(requests.length, firstSession, 'every request the server saw was journaled as sent');

    const resumed = await runCli(['run', '--resume', runDir, '--no-cache', '--json'], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
    assert.equal(resumed.code, 0, resumed.stderr);
    const out = JSON.parse(resumed.stdout);
    assert.equal(out.stoppedBy, 'completed');
    assert.equal(out.usage.calls, ours(fault).length, 'the totals count every request of both sessions');
    const inFlight = fault.faulted.filter((i) => fault.server.requests[i].auth.sha256 === sha256(KEY)).length;
    assert.match(resumed.stderr, new RegExp(`made ${firstSession - checkpoint.usage.calls} calls after its last checkpoint \\(${inFlight} still in flight when it stopped, charged their prompt\\)`));
    const checkpointAfter = JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoint.json'), 'utf8'));
    assert.equal(checkpointAfter.budgetSpent.calls, ours(fault).length, 'and so does the budget');
  });
});
