import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mergeConfigOrThrow } from '../../../src/core/config/mergeConfig';
import type { RunConfig } from '../../../src/core/config/runConfig';
import type { RunEvent } from '../../../src/core/run/events';
import { comparableJournal, readJournal } from '../../../src/core/run/journal';
import { startRun } from '../../../src/core/run/runner';
import type { CandidateForReview, CandidateReviewer, ReviewDecision } from '../../../src/core/run/runTypes';
import { FIXTURES } from './runSupport';

/**
 * A candidate waiting for review is checkpointed before the wait: a run stopped while it
 * waits (a window reload) resumes at that same candidate, asks for the decision again,
 * and ends exactly like a run that was never interrupted.
 */
describe('review survives an interruption (offline simulator)', function () {
  this.timeout(60_000);
  let dir: string;
  let promptFile: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-review-resume-'));
    promptFile = path.join(dir, 'gsm8k.prompt.md');
    fs.copyFileSync(path.join(FIXTURES, 'gsm8k.prompt.md'), promptFile);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const config = (): RunConfig =>
    mergeConfigOrThrow([
      {
        source: 'test',
        values: { promptFile, data: { source: path.join(FIXTURES, 'gsm8k-sample.jsonl'), trainSize: 9, valSize: 5, testSize: 5 }, batchSize: 3, preset: 'all' },
      },
    ]);
  const eventsIn = (runDir: string): RunEvent[] => readJournal(path.join(runDir, 'events.jsonl')).events;

  /** Accepts every other candidate, as a user would decide: the same choices in every run. */
  const choosing = (asked: CandidateForReview[]): CandidateReviewer => ({
    review: async (c) => {
      asked.push(c);
      return { accepted: c.step % 2 === 1, by: 'user' } satisfies ReviewDecision;
    },
  });

  it('checkpoints the waiting candidate, and a resume asks for the same decision and ends like an uninterrupted run', async () => {
    const fullAsked: CandidateForReview[] = [];
    const full = await startRun({ config: config(), runsDir: path.join(dir, 'full'), reviewer: choosing(fullAsked) });
    assert.equal(full.done.stoppedBy, 'completed');
    assert.ok(fullAsked.length >= 2, `the run proposed ${fullAsked.length} candidates`);
    const waitAt = fullAsked[1];

    // The same run, stopped while the second candidate waits (what a window reload does).
    const ac = new AbortController();
    const asked: CandidateForReview[] = [];
    let callsAtWait = -1;
    const events: RunEvent[] = [];
    const stopped = await startRun({
      config: config(),
      runsDir: path.join(dir, 'stopped'),
      signal: ac.signal,
      onEvent: (e) => events.push(e),
      reviewer: {
        review: (c, signal) => {
          asked.push(c);
          if (c.step < waitAt.step) return choosing([]).review(c, signal);
          const lastUsage = [...events].reverse().find((e) => e.type === 'usage');
          callsAtWait = lastUsage?.type === 'usage' ? lastUsage.totals.calls : 0;
          const waiting = new Promise<ReviewDecision>((_, reject) => signal.addEventListener('abort', () => reject(new Error('closed')), { once: true }));
          ac.abort();
          return waiting;
        },
      },
    });
    assert.equal(stopped.done.stoppedBy, 'cancelled');
    const ckpt = JSON.parse(fs.readFileSync(path.join(stopped.runDir, 'checkpoint.json'), 'utf8'));
    assert.equal(ckpt.finished, false);
    assert.equal(ckpt.step, waitAt.step - 1, 'the waiting step is not complete');
    assert.equal(ckpt.state.pending.step, waitAt.step, 'the checkpoint holds the waiting candidate');
    assert.equal(ckpt.state.pending.after, waitAt.after);
    const beforeWait = events.findIndex((e) => e.type === 'checkpoint' && e.step === waitAt.step - 1 && events.indexOf(e) > events.findIndex((x) => x.type === 'candidate' && x.step === waitAt.step));
    assert.ok(beforeWait > 0, 'a checkpoint line follows the waiting candidate in the journal');

    // Resume: the first thing asked is the same candidate, with no model call before it.
    const resumedAsked: CandidateForReview[] = [];
    const resumedEvents: RunEvent[] = [];
    const resumed = await startRun({
      config: config(),
      runsDir: path.join(dir, 'stopped'),
      resumeDir: stopped.runDir,
      reviewer: choosing(resumedAsked),
      onEvent: (e) => resumedEvents.push(e),
    });
    assert.equal(resumed.done.stoppedBy, 'completed');
    assert.deepEqual({ ...resumedAsked[0], runId: '' }, { ...waitAt, runId: '' }, 'the resumed run asks about the candidate that was waiting');
    assert.equal(resumedAsked[0].runId, stopped.runId);
    const firstReview = resumedEvents.findIndex((e) => e.type === 'review');
    assert.ok(
      resumedEvents.slice(0, firstReview).every((e) => e.type !== 'usage' || e.totals.calls === callsAtWait),
      'no model call happens before the decision',
    );
    assert.ok(!resumedEvents.slice(0, firstReview).some((e) => e.type === 'step-start'), 'the step is not started again');
    assert.deepEqual(resumedAsked.map((c) => c.step), fullAsked.slice(1).map((c) => c.step));
    assert.equal(resumed.done.finalPrompt, full.done.finalPrompt);
    assert.deepEqual(resumed.done.scores, full.done.scores);
    assert.deepEqual(comparableJournal(eventsIn(resumed.runDir)), comparableJournal(eventsIn(full.runDir)));
  });
});
