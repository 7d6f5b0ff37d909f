import { strict as assert } from 'node:assert';
import type { RunEvent } from '../../../src/core/run/events';
import { promptVersions } from '../../../src/core/review/promptHistory';

const runStart: RunEvent = {
  type: 'run-start', runId: 'r1', time: '2026-11-23T10:00:00.000Z', promptFile: 'p.prompt.md', prompt: 'P0.',
  preset: 'best', techniques: ['tsa'], forwardModel: 'sim', backwardModel: 'sim', simulator: true, seed: 1, totalSteps: 3,
  sizes: { train: 4, val: 2, test: 2 }, budget: {},
};
const step = (s: number): RunEvent => ({ type: 'step-start', step: s, epoch: 0, batch: [], lr: null });
const candidate = (s: number, before: string, after: string): RunEvent => ({ type: 'candidate', step: s, before, after, edits: [], reverted: [] });
const tsa = (s: number, accepted: boolean): RunEvent => ({
  type: 'tsa-decision', step: s, candidateScore: 0.5, lastScore: 0.4, delta: 0.1, temperature: 16, probability: 1, draw: null, accepted,
});
const review = (s: number, accepted: boolean, by: 'user' | 'tsa' = 'user', prompt?: string): RunEvent => ({ type: 'review', step: s, by, accepted, ...(prompt ? { prompt } : {}) });
const evalAt = (s: number, split: 'val' | 'train', score: number, prompt: 'current' | 'start' = 'current'): RunEvent => ({ type: 'eval', step: s, split, score, n: 2, prompt });

describe('promptVersions', () => {
  it('lists the start prompt and every accepted candidate with its score, skipping rejected ones', () => {
    const events: RunEvent[] = [
      runStart, evalAt(0, 'val', 0.5, 'start'),
      step(0), candidate(0, 'P0.', 'P1.'), tsa(0, true), review(0, true, 'tsa'), evalAt(0, 'val', 0.6),
      step(1), candidate(1, 'P1.', 'P2.'), tsa(1, false), review(1, false, 'tsa'),
      step(2), candidate(2, 'P1.', 'P3.'), review(2, true, 'user', 'P3 edited by me.'), evalAt(2, 'train', 0.7),
    ];
    const times = new Map([[2, '2026-11-23T10:05:00.000Z']]);
    assert.deepEqual(promptVersions(events, times), [
      { step: null, prompt: 'P0.', by: 'start', score: 0.5, scoreSplit: 'val', time: '2026-11-23T10:00:00.000Z' },
      { step: 0, prompt: 'P1.', by: 'tsa', score: 0.6, scoreSplit: 'val', time: undefined },
      { step: 2, prompt: 'P3 edited by me.', by: 'user', score: 0.7, scoreSplit: 'train', time: '2026-11-23T10:05:00.000Z' },
    ]);
  });

  it('falls back to TSA’s decision for journals without review events, once the step is over', () => {
    const events: RunEvent[] = [runStart, step(0), candidate(0, 'P0.', 'P1.'), tsa(0, true), step(1), candidate(1, 'P1.', 'P2.'), tsa(1, false), step(2), candidate(2, 'P1.', 'P3.')];
    assert.deepEqual(promptVersions(events).map((v) => v.prompt), ['P0.', 'P1.']);
  });

  it('does not list a candidate that is still waiting for review', () => {
    const events: RunEvent[] = [runStart, step(0), candidate(0, 'P0.', 'P1.'), tsa(0, true)];
    assert.deepEqual(promptVersions(events).map((v) => v.step), [null]);
  });
});
