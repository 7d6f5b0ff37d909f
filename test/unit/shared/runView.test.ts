import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RunEvent } from '../../../src/core/run/events';
import {
  MAX_LONG_TEXT,
  RESULTS_PER_STEP,
  applyRunEvents,
  budgetBars,
  createRunView,
  decisionLine,
  runViewOf,
  techniqueChip,
  tsaLine,
} from '../../../src/shared/runView';
import { syntheticRunEvents } from './syntheticRun';

/** Splits a list at the given cut points. */
function chunked<T>(list: T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % (list.length + 1)))].sort((a, b) => a - b);
  const out: T[][] = [];
  let last = 0;
  for (const p of points) {
    out.push(list.slice(last, p));
    last = p;
  }
  out.push(list.slice(last));
  return out;
}

describe('run view reducer', () => {
  it('gives the same view live (in any chunking) as replayed from the whole journal', () => {
    const events = syntheticRunEvents({ steps: 12, eventsPerStep: 40 });
    const replay = runViewOf(events);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 10_000 }), { maxLength: 40 }), (cuts) => {
        const live = createRunView();
        for (const chunk of chunked(events, cuts)) applyRunEvents(live, structuredClone(chunk));
        assert.deepEqual(live, replay);
      }),
      { numRuns: 60 },
    );
  });

  it('equals a replay also when events arrive one by one, mid-stream included', () => {
    const events = syntheticRunEvents({ steps: 3, eventsPerStep: 60, unfinished: true });
    const live = createRunView();
    for (const e of events) applyRunEvents(live, [e]);
    assert.deepEqual(live, runViewOf(events));
    assert.equal(live.done, null);
  });

  it('coalesces streamed gradient tokens into one text per part, then keeps the final gradient', () => {
    const events: RunEvent[] = [
      { type: 'step-start', step: 1, epoch: 0, batch: ['a'], lr: null },
      { type: 'gradient-delta', step: 1, part: 'critique', text: 'The prompt ' },
      { type: 'gradient-delta', step: 1, part: 'critique', text: 'lacks a format.' },
    ];
    const v = runViewOf(events);
    assert.equal(v.steps[0].stream.critique.text, 'The prompt lacks a format.');
    assert.equal(v.steps[0].streamingPart, 'critique');
    applyRunEvents(v, [{ type: 'gradient', step: 1, text: 'Ask for "Answer: N".', critiques: 1 }]);
    assert.equal(v.steps[0].gradient?.text.text, 'Ask for "Answer: N".');
    assert.equal(v.steps[0].stream.critique.text, '', 'the stream is dropped once the final text is in');
    assert.equal(v.steps[0].streamingPart, null);
  });

  it('bounds memory: long texts are clipped with their length kept, results capped with failures first', () => {
    const huge = 'x'.repeat(MAX_LONG_TEXT * 3);
    const events: RunEvent[] = [{ type: 'step-start', step: 1, epoch: 0, batch: [], lr: null }];
    for (let i = 0; i < 50; i++) events.push({ type: 'gradient-delta', step: 1, part: 'critique', text: huge.slice(0, 5000) });
    for (let i = 0; i < 30; i++) {
      events.push({ type: 'forward-result', step: 1, exampleId: `e${i}`, input: huge, output: 'o', gold: 'g', score: i % 10 === 9 ? 0 : 1, reason: 'r' });
    }
    const v = runViewOf(events);
    const s = v.steps[0];
    assert.equal(s.stream.critique.text.length, MAX_LONG_TEXT);
    assert.equal(s.stream.critique.length, 250_000);
    assert.equal(s.results.length, RESULTS_PER_STEP);
    assert.equal(s.resultCount, 30);
    assert.equal(s.failureCount, 3);
    assert.deepEqual(
      s.results.filter((r) => r.failed).map((r) => r.exampleId),
      ['e9', 'e19', 'e29'],
      'every failure is kept while passes remain to replace',
    );
    assert.ok(s.results.every((r) => r.input.text.length <= 4000 && r.input.length === huge.length));
  });

  it('builds the curves: scores per step, accepted vs rejected markers and the best-so-far line', () => {
    const events: RunEvent[] = [
      { type: 'eval', step: 0, split: 'val', score: 0.5, n: 10, prompt: 'start' },
      { type: 'step-start', step: 1, epoch: 0, batch: [], lr: null },
      { type: 'loss', step: 1, batchScore: 0.4, failures: 3, n: 5 },
      { type: 'tsa-decision', step: 1, candidateScore: 0.6, lastScore: 0.5, delta: 0.1, temperature: 64, probability: 1, draw: null, accepted: true },
      { type: 'review', step: 1, by: 'tsa', accepted: true },
      { type: 'eval', step: 1, split: 'val', score: 0.7, n: 10, prompt: 'current' },
      { type: 'step-start', step: 2, epoch: 0, batch: [], lr: null },
      { type: 'tsa-decision', step: 2, candidateScore: 0.3, lastScore: 0.6, delta: -0.3, temperature: 32, probability: 0.01, draw: 0.5, accepted: false },
      { type: 'review', step: 2, by: 'tsa', accepted: false },
      { type: 'eval', step: 2, split: 'val', score: 0.6, n: 10, prompt: 'current' },
      { type: 'prompt-length', step: 2, sentences: 7, tokens: 90 },
      { type: 'eval', step: 2, split: 'test', score: 0.65, n: 40, prompt: 'best' },
    ];
    const v = runViewOf(events);
    assert.deepEqual(
      v.curves.map((p) => [p.step, p.val, p.bestVal, p.decision, p.candidate]),
      [
        [0, 0.5, 0.5, null, null],
        [1, 0.7, 0.7, 'accepted', 0.6],
        [2, 0.6, 0.7, 'rejected', 0.3],
      ],
    );
    assert.equal(v.curves[1].batch, 0.4);
    assert.equal(v.curves[2].sentences, 7);
    assert.equal(v.curves[2].test, 0.65);
    assert.equal(v.testScores.best, 0.65);
    assert.equal(v.startScores.val, 0.5);
  });

  it("takes the start scores from step 0's evaluation and puts test scores where they belong", () => {
    const v = runViewOf([
      { type: 'eval', step: 0, split: 'val', score: 0.25, n: 4, prompt: 'current' },
      { type: 'eval', step: 0, split: 'train', score: 0.5, n: 4, prompt: 'current' },
      { type: 'step-start', step: 1, epoch: 0, batch: [], lr: null },
      { type: 'eval', step: 1, split: 'val', score: 0.5, n: 4, prompt: 'current' },
      { type: 'eval', step: 1, split: 'test', score: 0.2, n: 4, prompt: 'start' },
      { type: 'eval', step: 1, split: 'test', score: 0.6, n: 4, prompt: 'best' },
      { type: 'eval', step: 1, split: 'test', score: 0.55, n: 4, prompt: 'final' },
    ]);
    assert.deepEqual(v.startScores, { train: 0.5, val: 0.25, test: 0.2 });
    assert.deepEqual(v.testScores, { best: 0.6, final: 0.55 });
    assert.deepEqual(v.curves.map((p) => [p.step, p.val, p.test]), [[0, 0.25, 0.2], [1, 0.5, 0.55]]);
  });

  it('keeps the best-so-far line right when an earlier step gets a late validation score', () => {
    const v = runViewOf([
      { type: 'eval', step: 2, split: 'val', score: 0.4, n: 1, prompt: 'current' },
      { type: 'eval', step: 1, split: 'val', score: 0.9, n: 1, prompt: 'current' },
    ]);
    assert.deepEqual(v.curves.map((p) => p.bestVal), [0.9, 0.9]);
  });

  it('marks the candidate waiting for review and clears it on the decision', () => {
    const base = syntheticRunEvents({ steps: 1, unfinished: true }).filter((e) => e.type !== 'review' && e.type !== 'tsa-decision' && e.type !== 'eval' && e.type !== 'prompt-length' && e.type !== 'checkpoint');
    const v = runViewOf([...base, { type: 'waiting', reason: 'review', seconds: 0, message: 'Review the candidate' }]);
    assert.equal(v.steps[0].awaitingReview, true);
    assert.equal(decisionLine(v.steps[0]), 'Waiting for your review');
    applyRunEvents(v, [{ type: 'review', step: 1, by: 'user', accepted: true, prompt: 'edited' }]);
    assert.equal(v.steps[0].awaitingReview, false);
    assert.equal(v.waiting, null);
    assert.equal(decisionLine(v.steps[0]), 'Accepted by you (edited before accepting)');
  });

  it('starts a step card afresh when a resumed run redoes the step', () => {
    const events: RunEvent[] = [
      { type: 'step-start', step: 3, epoch: 0, batch: ['a'], lr: null },
      { type: 'loss', step: 3, batchScore: 0.2, failures: 4, n: 5 },
      { type: 'step-start', step: 3, epoch: 0, batch: ['b'], lr: null },
    ];
    const v = runViewOf(events);
    assert.equal(v.steps.length, 1);
    assert.equal(v.steps[0].loss, null);
    assert.deepEqual(v.steps[0].batch, ['b']);
  });

  it('computes budget bars with the remaining amount', () => {
    const v = runViewOf(syntheticRunEvents({ steps: 4 }));
    const [calls, tokens, cost, time] = budgetBars(v, 900);
    assert.equal(calls.max, 48);
    assert.equal(calls.used, v.usage.calls);
    assert.equal(calls.remaining, 48 - v.usage.calls);
    assert.ok(calls.fraction! > 0 && calls.fraction! < 1);
    assert.equal(tokens.max, null, 'no token cap → no fraction');
    assert.equal(tokens.fraction, null);
    assert.ok(Math.abs(cost.remaining! - (5 - v.usage.costUsd)) < 1e-12);
    assert.equal(time.fraction, 0.25);
    assert.equal(time.remaining, 2700);
  });

  it('formats the TSA line and technique chips as the panel shows them', () => {
    assert.equal(tsaLine({ candidateScore: 0.6, lastScore: 0.64, delta: -0.04, temperature: 16, probability: 0.9975, draw: 0.41, accepted: true }), 'Δ −0.04 · T 16 · p 0.998 · draw 0.41 → accepted');
    assert.equal(tsaLine({ candidateScore: 0.7, lastScore: 0.6, delta: 0.1, temperature: 0.5, probability: 1, draw: null, accepted: true }), 'Δ +0.10 · T 0.5 · p 1 → accepted');
    assert.equal(techniqueChip({ technique: 'tdo', summary: 'TDO protected 2 of 7 sentences' }), 'TDO protected 2 of 7 sentences');
    assert.equal(techniqueChip({ technique: 'tlr', summary: 'cut 4 edits to 2' }), 'TLR cut 4 edits to 2');
  });
});
