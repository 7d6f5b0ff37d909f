import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mergeConfigOrThrow } from '../../../src/core/config/mergeConfig';
import type { RunConfig } from '../../../src/core/config/runConfig';
import type { RunEvent } from '../../../src/core/run/events';
import { comparableJournal, readJournal } from '../../../src/core/run/journal';
import { RunSetupError, startRun } from '../../../src/core/run/runner';
import { FIXTURES } from './runSupport';

/** startRun in-process with the offline simulator: budget stop and resume, refusals, files. */
describe('startRun (offline simulator)', function () {
  this.timeout(60_000);
  let dir: string;
  let promptFile: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-runner-'));
    promptFile = path.join(dir, 'gsm8k.prompt.md');
    fs.copyFileSync(path.join(FIXTURES, 'gsm8k.prompt.md'), promptFile);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const config = (extra: Record<string, unknown> = {}): RunConfig =>
    mergeConfigOrThrow([
      {
        source: 'test',
        values: { promptFile, data: { source: path.join(FIXTURES, 'gsm8k-sample.jsonl'), trainSize: 9, valSize: 5, testSize: 5 }, batchSize: 3, preset: 'all', ...extra },
      },
    ]);

  const eventsIn = (runDir: string): RunEvent[] => readJournal(path.join(runDir, 'events.jsonl')).events;

  it('a run stopped by a call cap resumes with a higher cap and ends exactly like an uncapped run', async () => {
    const full = await startRun({ config: config(), runsDir: path.join(dir, 'full') });
    assert.equal(full.done.stoppedBy, 'completed');
    const stopped = await startRun({ config: config({ budget: { maxCalls: Math.floor(full.done.usage.calls / 2) } }), runsDir: path.join(dir, 'capped') });
    assert.equal(stopped.done.stoppedBy, 'budget-calls');
    assert.ok(stopped.done.usage.calls <= Math.floor(full.done.usage.calls / 2));
    const report = JSON.parse(fs.readFileSync(path.join(stopped.runDir, 'report.json'), 'utf8'));
    assert.equal(report.stoppedBy, 'budget-calls');
    assert.match(report.stopMessage, /cap of \d+ calls/);

    const resumed = await startRun({ config: config(), runsDir: path.join(dir, 'capped'), resumeDir: stopped.runDir });
    assert.equal(resumed.runDir, stopped.runDir);
    assert.equal(resumed.done.stoppedBy, 'completed');
    assert.equal(resumed.done.finalPrompt, full.done.finalPrompt);
    assert.deepEqual(resumed.done.scores, full.done.scores);
    assert.deepEqual(comparableJournal(eventsIn(resumed.runDir)), comparableJournal(eventsIn(full.runDir)));
  });

  it('refuses to resume a finished run or one whose config was edited', async () => {
    const first = await startRun({ config: config({ budget: { maxCalls: 40 } }), runsDir: dir });
    assert.equal(first.done.stoppedBy, 'budget-calls');
    const cfgFile = path.join(first.runDir, 'config.json');
    const saved = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));
    fs.writeFileSync(cfgFile, JSON.stringify({ ...saved, seed: saved.seed + 1 }));
    await assert.rejects(startRun({ config: config(), runsDir: dir, resumeDir: first.runDir }), (e: unknown) => e instanceof RunSetupError && /no longer matches the checkpoint/.test(e.message));
    fs.writeFileSync(cfgFile, JSON.stringify(saved));
    const done = await startRun({ config: config(), runsDir: dir, resumeDir: first.runDir });
    assert.equal(done.done.stoppedBy, 'completed');
    await assert.rejects(startRun({ config: config(), runsDir: dir, resumeDir: first.runDir }), /already finished/);
  });

  it('never writes the prompt file and keeps its front matter in best/final', async () => {
    const before = fs.readFileSync(promptFile);
    const r = await startRun({ config: config(), runsDir: dir });
    assert.deepEqual(fs.readFileSync(promptFile), before);
    const final = fs.readFileSync(path.join(r.runDir, 'final.prompt.md'), 'utf8');
    assert.ok(final.startsWith('---\nname: gsm8k-solver\n'));
    assert.ok(final.endsWith(`${r.done.finalPrompt}\n`));
    const events = eventsIn(r.runDir);
    assert.equal(events[0].type, 'run-start');
    assert.equal(events.at(-1)!.type, 'done');
    assert.ok(events[0].type === 'run-start' && events[0].simulator);
    // The simulator rewards what its critiques ask for, so optimization visibly helps.
    assert.ok(r.done.scores.best.val! > r.done.scores.start.val!, JSON.stringify(r.done.scores));
  });

  it('Ctrl-C (abort) ends with a resumable checkpoint', async () => {
    const ac = new AbortController();
    let steps = 0;
    const r = await startRun({
      config: config(),
      runsDir: dir,
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'checkpoint' && ++steps === 1) ac.abort();
      },
    });
    assert.equal(r.done.stoppedBy, 'cancelled');
    const ckpt = JSON.parse(fs.readFileSync(path.join(r.runDir, 'checkpoint.json'), 'utf8'));
    assert.equal(ckpt.finished, false);
    assert.equal(ckpt.step, 1);
    const resumed = await startRun({ config: config(), runsDir: dir, resumeDir: r.runDir });
    assert.equal(resumed.done.stoppedBy, 'completed');
  });
});
