import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoopbackServer } from '../../support/loopbackServer';
import { buildCli, eventsOf, httpArgs, makeWorkspace, runCli, spawnCli, startDlpoServer } from '../run/runSupport';
import { only } from './faultServer';

/**
 * One writer per run folder, through the CLI as processes: two `dlpo run --resume` of
 * the same stopped run started at the same moment. Before the lock, both exited 0 and
 * the journal held steps 2–4 twice and two `done` lines; now one is refused (exit 2,
 * naming the other's pid) and the journal is that of one resume.
 */

const KEY = 'sk-test-DLPO-lock-77c1';
const ARGS = ['--data', 'gsm8k-sample.jsonl', '--train-size', '9', '--val-size', '3', '--test-size', '3', '--batch-size', '3', '--no-cache', '--json'];

describe('reliability: one writer per run folder', function () {
  this.timeout(180_000);
  let server: LoopbackServer;
  let ws: string;

  before(async () => {
    await buildCli();
    // Replies take a while, so the winning resume is still running when the other one starts.
    server = await startDlpoServer(30);
    ws = makeWorkspace();
  });
  after(async () => {
    await server.close();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('two concurrent --resume of one folder: one is refused with exit 2 naming the other process; the journal has no duplicate steps', async () => {
    const first = await runCli(['run', 'gsm8k.prompt.md', ...ARGS, '--out', 'runs', '--max-calls', '25', ...httpArgs(server)], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
    assert.equal(first.code, 0, first.stderr);
    const { runDir, stoppedBy } = JSON.parse(first.stdout);
    assert.equal(stoppedBy, 'budget-calls');
    const stepsBefore = only(eventsOf(runDir), 'checkpoint').length;

    const resume = () => spawnCli(['run', '--resume', runDir, '--max-calls', '1000', '--no-cache', '--json'], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
    const a = resume();
    const b = resume();
    const [ra, rb] = await Promise.all([a.done, b.done]);
    const results = [
      { pid: a.child.pid!, r: ra },
      { pid: b.child.pid!, r: rb },
    ];
    const refused = results.filter((x) => x.r.code === 2);
    const ran = results.filter((x) => x.r.code === 0);
    assert.equal(refused.length, 1, `exactly one refused: ${results.map((x) => `${x.r.code}: ${x.r.stderr}`).join('\n---\n')}`);
    assert.equal(ran.length, 1);
    assert.match(refused[0].r.stderr, /dlpo run: Another process is writing to the run in /);
    assert.match(refused[0].r.stderr, new RegExp(`dlpo run --resume \\(pid ${ran[0].pid} on `), 'names the other process');
    assert.equal(refused[0].r.stdout, '');
    assert.equal(JSON.parse(ran[0].r.stdout).stoppedBy, 'completed');

    const events = eventsOf(runDir);
    const steps = only(events, 'step-start').map((e) => e.step);
    assert.deepEqual(steps, [...new Set(steps)], `no step twice: ${steps.join(', ')}`);
    assert.equal(only(events, 'done').length, 1, 'one done line');
    assert.equal(only(events, 'run-start').length, 2, 'the first session and one resume');
    assert.ok(only(events, 'checkpoint').length > stepsBefore);
    assert.ok(!fs.existsSync(path.join(runDir, 'run.lock')), 'the lock is released at the end');

    // The finished run is not locked: a third resume is refused only because it has finished.
    const third = await runCli(['run', '--resume', runDir], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
    assert.equal(third.code, 2);
    assert.match(third.stderr, /has already finished/);
  });
});
