import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJournal } from '../../../src/core/run/journal';
import { buildCli, httpArgs, makeWorkspace, runCli, spawnCli, waitUntil } from '../run/runSupport';
import { nthRequestOf, only, runDirUnder, startFaultServer, type FaultServer } from './faultServer';

/**
 * Ctrl-C in the CLI while the model hangs: a `dlpo run` child against a loopback server
 * that stops answering in the middle of step 2. SIGINT (and SIGTERM, and SIGHUP when the
 * terminal window is closed) must end the hung HTTP requests (the server sees the client
 * go away before the process exits, and within a second of the signal), write a final
 * checkpoint, leave the prompt file byte-identical, exit 130 and say how to resume; the
 * resume then completes.
 */

const KEY = 'sk-test-DLPO-sigint-4c0ffee9d2';
const ARGS = ['--data', 'gsm8k-sample.jsonl', '--train-size', '6', '--val-size', '3', '--test-size', '3', '--batch-size', '3', '--no-cache'];

describe('reliability: Ctrl-C while the endpoint hangs (dlpo run child process)', function () {
  this.timeout(120_000);
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

  it('SIGINT ends the hung requests at once, exits 130 with a checkpoint, and --resume completes', async () => {
    await interruptDuringHang('SIGINT', 'runs');
  });

  // SIGTERM: a process manager stopping the job; SIGHUP: the terminal window was closed.
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} stops the same way: exit 130, hung requests closed, checkpoint kept, resumable`, async () => {
      await interruptDuringHang(signal, signal.toLowerCase());
    });
  }

  async function interruptDuringHang(signal: NodeJS.Signals, out: string) {
    fault.mode = { kind: 'ok' };
    fault.faulted = [];
    const promptFile = path.join(ws, 'gsm8k.prompt.md');
    const original = fs.readFileSync(promptFile);
    // Every step critiques its 3 examples, so the 4th critique request is step 2's first.
    fault.armed = { when: nthRequestOf('critique', 4), mode: { kind: 'hang' } };
    const { child, done } = spawnCli(['run', 'gsm8k.prompt.md', ...ARGS, '--request-timeout', '120', '--out', out, ...httpArgs(fault.server)], {
      cwd: ws,
      env: { DLPO_TEST_KEY: KEY },
    });
    let exitedAt = 0;
    child.on('exit', () => (exitedAt = Date.now()));
    try {
      await waitUntil(() => fault.faulted.some((i) => fault.server.requests[i]?.endedAt === undefined), 30_000, 'a request to hang');
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
    const signalledAt = Date.now();
    child.kill(signal);
    const r = await done;
    fault.mode = { kind: 'ok' };

    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /dlpo: stopping…/);
    assert.match(r.stderr, /Interrupted\. A checkpoint was written; continue with: dlpo run --resume \S+/);
    assert.deepEqual(fs.readFileSync(promptFile), original, 'the prompt file is byte-identical');
    const hung = fault.faulted.map((i) => fault.server.requests[i]);
    assert.ok(hung.length > 0);
    for (const req of hung) {
      assert.equal(req.clientDisconnected, true, `request ${req.index} was abandoned, not answered`);
      assert.ok(req.endedAt! <= exitedAt, `the server saw request ${req.index} end before the process exited`);
      // A behaviour bound with slack for a loaded machine: the promise is "within a second".
      assert.ok(req.endedAt! - signalledAt < 1000, `request ${req.index} ended ${req.endedAt! - signalledAt} ms after ${signal}`);
    }
    assert.equal(fault.server.inFlight, 0);

    const runDir = runDirUnder(ws, out)!;
    const checkpoint = JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoint.json'), 'utf8'));
    assert.equal(checkpoint.step, 1);
    assert.equal(checkpoint.finished, false);
    const events = readJournal(path.join(runDir, 'events.jsonl')).events;
    assert.equal(only(events, 'done')[0].stoppedBy, 'cancelled');
    assert.ok(fs.existsSync(path.join(runDir, 'report.md')), 'the report of the stopped run is written');

    const resumed = await runCli(['run', '--resume', runDir, '--no-cache'], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
    assert.equal(resumed.code, 0, resumed.stderr);
    const after = readJournal(path.join(runDir, 'events.jsonl')).events;
    assert.equal(only(after, 'done').length, 1);
    assert.equal(only(after, 'done')[0].stoppedBy, 'completed');
    assert.deepEqual(fs.readFileSync(promptFile), original, 'still byte-identical after the resumed run');
  }
});
