import { strict as assert } from 'node:assert';
import type { OptimizerMethodFactory } from '../../../src/core/optimizer/optimizerMethod';
import { eventsOf, runTrainer } from '../../support/dlpoHarness';

/**
 * The harness runs any method through the OptimizerMethod interface: a method that
 * proposes one fixed rewrite per step gets the harness's start scores, evaluation after
 * each step, best prompt, review events and final test scores, without any DLPO code.
 */
describe('optimization methods plug into the harness', () => {
  const appendOnce: OptimizerMethodFactory = (ctx) => ({
    trainScoresEachStep: false,
    startTrainScore: false,
    begin() {},
    afterEvaluation() {},
    resume: async (pending, work) => (await ctx.review(work, pending)).accepted,
    async step(step, work) {
      ctx.emit({ type: 'step-start', step, epoch: 0, batch: [], lr: null });
      const after = `${work.prompt} Step ${step}.`;
      ctx.emit({ type: 'candidate', step, before: work.prompt, after, edits: [], reverted: [] });
      const decision = await ctx.review(work, { step, before: work.prompt, after, edits: [], gradient: '', tsa: null, candidateTrain: null });
      if (decision.accepted) work.prompt = after;
      return decision.accepted;
    },
  });

  it('runs a method that is not DLPO: steps, reviews, evaluation, best and test scores come from the harness', async () => {
    const { events, outcome, backward } = await runTrainer({ steps: 2, prompt: 'Add the numbers.', extra: { method: appendOnce } });
    assert.equal(backward.calls.length, 0, 'no DLPO backward call');
    assert.deepEqual(eventsOf(events, 'review').map((r) => [r.step, r.by, r.accepted]), [[1, 'auto', true], [2, 'auto', true]]);
    assert.deepEqual(eventsOf(events, 'eval').filter((e) => e.split === 'val').map((e) => e.step), [0, 1, 2]);
    assert.equal(outcome.done.finalPrompt, 'Add the numbers. Step 1. Step 2.');
    assert.equal(outcome.done.stoppedBy, 'completed');
    assert.notEqual(outcome.done.scores.final.test, null);
  });
});
