import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mergeConfigOrThrow } from '../../../src/core/config/mergeConfig';
import type { RunConfig } from '../../../src/core/config/runConfig';
import type { RunEvent } from '../../../src/core/run/events';
import { comparableJournal, readJournal } from '../../../src/core/run/journal';
import { startRun } from '../../../src/core/run/runner';
import type { RunResult } from '../../../src/core/run/runTypes';
import { FIXTURES } from '../run/runSupport';
import { only, startFaultServer, type FaultServer } from './faultServer';

/**
 * Stop (the extension's button, an AbortSignal into startRun) while a request hangs at
 * the server: the in-flight HTTP request ends at once (the server sees the client go
 * away), the run ends `cancelled` with a final checkpoint, the prompt file is untouched,
 * and resuming later ends exactly like a run that was never stopped.
 */

const KEY = 'sk-test-DLPO-cancel-93be51aa07';

describe('reliability: Stop during a hanging request (startRun, real HTTP)', function () {
  this.timeout(120_000);
  let fault: FaultServer;
  let dir: string;
  let promptFile: string;
  let baseline: RunResult;

  const config = (): RunConfig =>
    mergeConfigOrThrow([
      {
        source: 'test',
        values: {
          promptFile,
          data: { source: path.join(FIXTURES, 'gsm8k-sample.jsonl'), trainSize: 6, valSize: 3, testSize: 3 },
          batchSize: 3,
          preset: 'best',
          // Far longer than the test waits: only the Stop can end a hung request here.
          requestTimeoutSec: 120,
          cache: { enabled: false },
          forward: { provider: 'openai-compatible', baseUrl: fault.server.baseUrl, model: 'test-model', apiKeyEnv: 'DLPO_TEST_KEY' },
          backward: { provider: 'openai-compatible', baseUrl: fault.server.baseUrl, model: 'test-model', apiKeyEnv: 'DLPO_TEST_KEY' },
        },
      },
    ]);
  const eventsIn = (runDir: string): RunEvent[] => readJournal(path.join(runDir, 'events.jsonl')).events;
  const apiKeys = { forward: KEY, backward: KEY };

  before(async () => {
    fault = await startFaultServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-rel-cancel-'));
    promptFile = path.join(dir, 'gsm8k.prompt.md');
    fs.copyFileSync(path.join(FIXTURES, 'gsm8k.prompt.md'), promptFile);
    baseline = await startRun({ config: config(), runsDir: path.join(dir, 'baseline'), apiKeys, cwd: dir });
    assert.equal(baseline.done.stoppedBy, 'completed');
  });
  after(async () => {
    await fault.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fault.mode = { kind: 'ok' };
    fault.faulted = [];
  });

  /**
   * Starts a run, turns the server into a hang when `hangWhen` says so (from the first
   * request when absent), presses Stop as soon as a hung request is in flight, and returns
   * what happened.
   */
  async function stopDuringHang(out: string, hangWhen?: (e: RunEvent) => boolean) {
    const original = fs.readFileSync(promptFile);
    const ac = new AbortController();
    let stoppedAt = 0;
    let pressed = false;
    const watcher = setInterval(() => {
      const hung = fault.faulted.some((i) => fault.server.requests[i]?.endedAt === undefined);
      if (hung && !pressed) {
        pressed = true;
        stoppedAt = Date.now();
        ac.abort();
      }
    }, 10);
    if (!hangWhen) fault.mode = { kind: 'hang' };
    let result: RunResult;
    try {
      result = await startRun({
        config: config(),
        runsDir: path.join(dir, out),
        apiKeys,
        cwd: dir,
        signal: ac.signal,
        onEvent: (e) => {
          if (hangWhen?.(e)) fault.mode = { kind: 'hang' };
        },
      });
    } finally {
      clearInterval(watcher);
    }
    const returnedAt = Date.now();
    fault.mode = { kind: 'ok' };
    assert.ok(pressed, 'a request hung and Stop was pressed');
    const hung = fault.faulted.map((i) => fault.server.requests[i]);
    assert.ok(hung.length > 0);
    assert.deepEqual(fs.readFileSync(promptFile), original, 'the prompt file is byte-identical');
    return { result, hung, stoppedAt, returnedAt };
  }

  async function assertEndedByStop(r: Awaited<ReturnType<typeof stopDuringHang>>) {
    assert.equal(r.result.done.stoppedBy, 'cancelled', r.result.done.message);
    for (const req of r.hung) {
      // The socket's close reaches the server a moment after the client's promise settles.
      const ended = await fault.server.waitForEnd(req.index, 5000);
      assert.equal(ended.clientDisconnected, true, `request ${req.index} was abandoned by the client, not answered`);
      // In-process the Stop reaches the socket at once; 1 s is the promise to the user.
      assert.ok(ended.endedAt! - r.stoppedAt < 1000, `request ${req.index} ended ${ended.endedAt! - r.stoppedAt} ms after Stop`);
    }
    // Far below the 120 s request timeout: it was the Stop that ended the run.
    assert.ok(r.returnedAt - r.stoppedAt < 20_000, `startRun returned ${r.returnedAt - r.stoppedAt} ms after Stop`);
    assert.equal(fault.server.inFlight, 0, 'nothing left in flight at the server');
  }

  it('mid-step 2: the hung requests end within a second, checkpoint of step 1, resume ends like the uninterrupted run', async () => {
    const r = await stopDuringHang('mid', (e) => e.type === 'loss' && e.step === 2);
    await assertEndedByStop(r);
    const ckpt = JSON.parse(fs.readFileSync(path.join(r.result.runDir, 'checkpoint.json'), 'utf8'));
    assert.equal(ckpt.step, 1);
    assert.equal(ckpt.finished, false);
    const events = eventsIn(r.result.runDir);
    assert.equal(events.at(-1)!.type, 'done');
    assert.equal(only(events, 'checkpoint').at(-1)!.step, 1);

    const resumed = await startRun({ config: config(), runsDir: path.join(dir, 'mid'), resumeDir: r.result.runDir, apiKeys, cwd: dir });
    assert.equal(resumed.done.stoppedBy, 'completed');
    assert.equal(resumed.done.finalPrompt, baseline.done.finalPrompt);
    assert.deepEqual(resumed.done.scores, baseline.done.scores);
    assert.deepEqual(comparableJournal(eventsIn(resumed.runDir)), comparableJournal(eventsIn(baseline.runDir)));
  });

  it('during the very first evaluation: a final checkpoint is written and resume still ends like the uninterrupted run', async () => {
    const r = await stopDuringHang('first');
    await assertEndedByStop(r);
    assert.ok(fs.existsSync(path.join(r.result.runDir, 'checkpoint.json')), 'a final checkpoint exists');
    const ckpt = JSON.parse(fs.readFileSync(path.join(r.result.runDir, 'checkpoint.json'), 'utf8'));
    assert.equal(ckpt.step, 0);
    assert.equal(ckpt.finished, false);

    const resumed = await startRun({ config: config(), runsDir: path.join(dir, 'first'), resumeDir: r.result.runDir, apiKeys, cwd: dir });
    assert.equal(resumed.done.stoppedBy, 'completed');
    assert.deepEqual(resumed.done.scores, baseline.done.scores, 'the start scores were computed after all');
    assert.equal(resumed.done.finalPrompt, baseline.done.finalPrompt);
    assert.deepEqual(comparableJournal(eventsIn(resumed.runDir)), comparableJournal(eventsIn(baseline.runDir)));
  });

  it('mid-step 1 (before any step completed): the final checkpoint leaves out the partial step, resume ends like the uninterrupted run', async () => {
    const r = await stopDuringHang('step1', (e) => e.type === 'loss' && e.step === 1);
    await assertEndedByStop(r);
    const ckpt = JSON.parse(fs.readFileSync(path.join(r.result.runDir, 'checkpoint.json'), 'utf8'));
    assert.equal(ckpt.step, 0);
    assert.equal(ckpt.finished, false);
    const resumed = await startRun({ config: config(), runsDir: path.join(dir, 'step1'), resumeDir: r.result.runDir, apiKeys, cwd: dir });
    assert.equal(resumed.done.stoppedBy, 'completed');
    assert.equal(resumed.done.finalPrompt, baseline.done.finalPrompt);
    assert.deepEqual(comparableJournal(eventsIn(resumed.runDir)), comparableJournal(eventsIn(baseline.runDir)));
  });

  it('during the final test scoring: the partial scoring is left out of the checkpoint, resume ends like the uninterrupted run', async () => {
    // The start prompt's test score is in; the best prompt's test scoring hangs.
    const r = await stopDuringHang('final', (e) => e.type === 'eval' && e.split === 'test' && e.prompt === 'start');
    await assertEndedByStop(r);
    const ckpt = JSON.parse(fs.readFileSync(path.join(r.result.runDir, 'checkpoint.json'), 'utf8'));
    assert.equal(ckpt.step, 2);
    assert.equal(ckpt.finished, false);
    const resumed = await startRun({ config: config(), runsDir: path.join(dir, 'final'), resumeDir: r.result.runDir, apiKeys, cwd: dir });
    assert.equal(resumed.done.stoppedBy, 'completed');
    assert.deepEqual(resumed.done.scores, baseline.done.scores);
    assert.deepEqual(comparableJournal(eventsIn(resumed.runDir)), comparableJournal(eventsIn(baseline.runDir)));
  });
});
