import { strict as assert } from 'node:assert';
import type { RunEvent } from '../../../src/core/run/events';
import { doneOutcome, scoreTrail, startFailureOutcome } from '../../../src/extension/run/outcomeMessage';
import { EMPTY_PROGRESS, foldProgress, progressMessage, statusBarText } from '../../../src/extension/run/runProgress';
import { logLine } from '../../../src/extension/run/eventLog';
import { LlmError } from '../../../src/core/llm/errors';

const start = (simulator: boolean, budget = {}): RunEvent => ({
  type: 'run-start', runId: 'r', time: 't', promptFile: 'math.prompt.md', prompt: 'p', preset: 'best', techniques: ['tsa'],
  forwardModel: 'f', backwardModel: 'b', simulator, seed: 1, totalSteps: 10, sizes: { train: 50, val: 10, test: 10 }, budget,
});
const usage = (costUsd: number): RunEvent => ({
  type: 'usage', role: 'forward', purpose: 'forward', model: 'm', promptTokens: 1, completionTokens: 1, costUsd, cached: false,
  totals: { calls: 3, cachedCalls: 0, promptTokens: 3, completionTokens: 3, costUsd },
});
const done = (stoppedBy: 'completed' | 'budget-cost' | 'cancelled' | 'error', steps = 7): RunEvent & { type: 'done' } => ({
  type: 'done', stoppedBy, message: 'm', steps, bestStep: 4, bestPrompt: 'b', finalPrompt: 'f',
  scores: { start: { val: 0.5, test: null }, best: { val: 0.71, test: 0.68 }, final: { val: 0.7, test: 0.6 } },
  usage: { calls: 10, cachedCalls: 1, promptTokens: 10, completionTokens: 10, costUsd: 0.99 },
});

function fold(events: RunEvent[], now = 0) {
  return events.reduce((p, e) => foldProgress(p, e, now), EMPTY_PROGRESS);
}

describe('run progress, status bar and outcome wording', () => {
  it('shows step, validation score and cost', () => {
    const p = fold([start(false), { type: 'step-start', step: 3, epoch: 0, batch: [], lr: null }, { type: 'eval', step: 3, split: 'val', score: 0.62, n: 10, prompt: 'current' }, usage(0.04)]);
    assert.equal(statusBarText(p, 0), '$(sync~spin) DLPO step 3/10 · val 62% · $0.04');
    assert.equal(progressMessage(p), 'step 3/10 · val 62% · $0.04');
  });

  it('counts down a rate-limit wait and says when a candidate waits for review', () => {
    const p = fold([start(false), { type: 'waiting', reason: 'rate-limit', seconds: 20, message: '429' }], 1000);
    assert.equal(statusBarText(p, 1000), '$(watch) DLPO waiting 20 s (rate limit)');
    assert.equal(statusBarText(p, 6000), '$(watch) DLPO waiting 15 s (rate limit)');
    const after = foldProgress(p, usage(0.1), 30_000);
    assert.equal(after.waiting, null);
    const review = fold([start(false), { type: 'waiting', reason: 'review', seconds: 0, message: 'review' }]);
    assert.match(statusBarText(review, 0), /candidate waiting/);
  });

  it('labels simulator figures as such', () => {
    const p = fold([start(true), usage(0)]);
    assert.match(statusBarText(p, 0), /offline simulator/);
    assert.match(doneOutcome(done('completed'), [start(true)], 'math.prompt.md').text, /offline simulator/);
  });

  it('words a cost cap stop with the cap, the step and the best score, and offers the right actions', () => {
    const o = doneOutcome(done('budget-cost'), [start(false, { maxCostUsd: 1 })], 'math.prompt.md');
    assert.equal(o.text, 'Stopped: cost cap $1.00 reached at step 7. Best so far: val 71%. math.prompt.md has the final prompt.');
    assert.deepEqual(o.actions, ['applyBest', 'openBest', 'raiseCap']);
    assert.deepEqual(doneOutcome(done('cancelled'), [start(false)], 'x').actions, ['applyBest', 'openBest', 'resume']);
    const sameCap = { ...done('budget-cost'), finalPrompt: 'b' };
    assert.deepEqual(doneOutcome(sameCap, [start(false, { maxCostUsd: 1 })], 'math.prompt.md').actions, ['openBest', 'raiseCap']);
  });

  it('gives start → best → final on val and test, and offers Apply best / Keep final when the file does not end with the best prompt', () => {
    const d = { ...done('completed'), scores: { start: { val: 0.54, test: 0.643 }, best: { val: 0.92, test: 0.571 }, final: { val: 0.88, test: 0.55 } } };
    const o = doneOutcome(d, [start(false)], 'math.prompt.md');
    assert.equal(
      o.text,
      'DLPO finished math.prompt.md: start → best (step 4) → final: val 54.0% → 92.0% → 88.0%, test 64.3% → 57.1% → 55.0%. math.prompt.md has the final prompt. Cost $0.99.',
    );
    assert.deepEqual(o.actions, ['applyBest', 'keepFinal', 'openPanel']);
    // Best and final are one prompt: one arrow less, nothing to apply.
    const same = { ...d, finalPrompt: d.bestPrompt, scores: { ...d.scores, final: d.scores.best } };
    assert.equal(scoreTrail(same), 'start → best (step 4, also final): val 54.0% → 92.0%, test 64.3% → 57.1%');
    assert.deepEqual(doneOutcome(same, [start(false)], 'math.prompt.md').actions, ['openPanel']);
    // No test split: no test figures rather than dashes.
    const noTest = { ...d, scores: { start: { val: 0.5, test: null }, best: { val: 0.6, test: null }, final: { val: 0.55, test: null } } };
    assert.equal(scoreTrail(noTest), 'start → best (step 4) → final: val 50.0% → 60.0% → 55.0%');
  });

  it('offers Set API Key for an auth failure, before or during the run', () => {
    const before = startFailureOutcome(new LlmError('auth', 'OpenAI rejected the API key (401).'), 'x');
    assert.deepEqual(before.actions, ['setApiKey']);
    assert.match(before.text, /401/);
    const during = doneOutcome(done('error', 1), [start(false), { type: 'error', kind: 'auth', message: 'OpenAI rejected the API key (401).', fatal: true }], 'x');
    assert.equal(during.actions[0], 'setApiKey');
  });

  it('writes readable log lines and skips streamed tokens', () => {
    assert.equal(logLine({ type: 'gradient-delta', step: 1, part: 'critique', text: 'x' }), null);
    assert.match(logLine(start(true))!.text, /offline simulator/);
    assert.match(logLine(done('completed'))!.text, /Done \(completed\)/);
  });
});
