import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEvent, RunEventOf } from '../../../src/core/run/events';
import { comparableJournal } from '../../../src/core/run/journal';
import type { LoopbackServer } from '../../support/loopbackServer';
import { buildCli, eventsOf, httpArgs, makeWorkspace, runCli, spawnCli, startDlpoServer, waitUntil } from './runSupport';

/**
 * Crash and interruption: a `dlpo run` child killed with SIGKILL (or stopped with
 * SIGINT) in the middle of step 2, then `--resume`, must end with the same final prompt
 * and the same journal as the run that was never interrupted — apart from the documented
 * resume marker and accounting records (comparableJournal, docs/runs.md).
 */

const KEY = 'sk-test-DLPO-resume-5d1e0b7c';
const ARGS = ['--train-size', '9', '--val-size', '4', '--test-size', '4', '--batch-size', '3', '--preset', 'best'];

function only<T extends RunEvent['type']>(events: RunEvent[], type: T): RunEventOf<T>[] {
  return events.filter((e): e is RunEventOf<T> => e.type === type);
}

function runDirIn(ws: string, out: string): string {
  const dirs = fs.readdirSync(path.join(ws, out));
  assert.equal(dirs.length, 1, `one run in ${out}`);
  return path.join(ws, out, dirs[0]);
}

describe('dlpo run: kill -9 / Ctrl-C, then --resume', function () {
  this.timeout(180_000);
  let server: LoopbackServer;
  let ws: string;
  let baseline: { events: RunEvent[]; finalPrompt: string; finalFile: string };

  before(async () => {
    await buildCli();
    // A little latency per reply so a step lasts long enough to be interrupted in the middle.
    server = await startDlpoServer(40);
    ws = makeWorkspace();
    const r = await runCli(['run', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', ...ARGS, '--out', 'base', '--cache-dir', 'cache-base', ...httpArgs(server)], {
      cwd: ws,
      env: { DLPO_TEST_KEY: KEY },
    });
    assert.equal(r.code, 0, r.stderr);
    const dir = runDirIn(ws, 'base');
    const events = eventsOf(dir);
    assert.equal(only(events, 'step-start').length, 3);
    baseline = { events, finalPrompt: only(events, 'done')[0].finalPrompt, finalFile: fs.readFileSync(path.join(dir, 'final.prompt.md'), 'utf8') };
  });
  after(async () => {
    await server.close();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  async function interruptThenResume(how: 'SIGKILL' | 'SIGINT', out: string) {
    const cache = `cache-${out}`;
    const { child, done } = spawnCli(['run', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', ...ARGS, '--out', out, '--cache-dir', cache, ...httpArgs(server)], {
      cwd: ws,
      env: { DLPO_TEST_KEY: KEY },
    });
    const journalOf = () => {
      const root = path.join(ws, out);
      if (!fs.existsSync(root)) return '';
      const dirs = fs.readdirSync(root);
      const file = dirs[0] ? path.join(root, dirs[0], 'events.jsonl') : '';
      return file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    };
    // Mid-step 2: step 1 is checkpointed and step 2's batch has been scored.
    await waitUntil(() => /"type":"loss","step":2/.test(journalOf()), 60_000, 'step 2 to be under way');
    child.kill(how);
    const first = await done;
    const dir = runDirIn(ws, out);
    if (how === 'SIGKILL') {
      assert.equal(first.signal, 'SIGKILL');
    } else {
      assert.equal(first.code, 130, first.stderr);
      assert.match(first.stderr, /--resume/);
    }
    const checkpoint = JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8'));
    assert.equal(checkpoint.step, 1, 'the last complete step is checkpointed');
    assert.equal(checkpoint.finished, false);

    const resumed = await runCli(['run', '--resume', dir, '--cache-dir', cache], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
    assert.equal(resumed.code, 0, resumed.stderr);
    const events = eventsOf(dir);
    const starts = only(events, 'run-start');
    assert.equal(starts.length, 2);
    assert.equal(starts[1].resumedFromStep, 1);
    assert.equal(only(events, 'done').length, 1, 'the interrupted session left no done behind');
    assert.equal(only(events, 'done')[0].finalPrompt, baseline.finalPrompt);
    assert.equal(fs.readFileSync(path.join(dir, 'final.prompt.md'), 'utf8'), baseline.finalFile);
    assert.deepEqual(comparableJournal(events), comparableJournal(baseline.events));
    const usage = only(events, 'usage');
    assert.ok(usage.some((u) => u.cached), 'the resumed session reused cached replies of the interrupted step');
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    assert.equal(report.sessions, 2);
    // A finished run cannot be resumed again.
    const again = await runCli(['run', '--resume', dir], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already finished/);
    const changed = await runCli(['run', '--resume', dir, '--lr', '3'], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
    assert.equal(changed.code, 2);
    assert.match(changed.stderr, /drop --lr/);
  }

  it('kill -9 mid-step, then --resume: same final prompt and same journal as the uninterrupted run', async () => {
    await interruptThenResume('SIGKILL', 'killed');
  });

  it('Ctrl-C (SIGINT) mid-step: exit 130 with a checkpoint; --resume completes identically', async () => {
    await interruptThenResume('SIGINT', 'interrupted');
  });
});
