import { strict as assert } from 'node:assert';
import { TechniqueOptionsSchema } from '../../../src/core/config/runConfig';
import { decayedLearningRate, learningRateForStep } from '../../../src/core/dlpo/techniques/lrDecay';

describe('TLRD: learning-rate decay', () => {
  it('R = max(D − accepted steps, 1)', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 10].map((k) => decayedLearningRate(5, k)),
      [5, 4, 3, 2, 1, 1, 1, 1],
    );
    assert.deepEqual(
      [0, 1, 2].map((k) => decayedLearningRate(1, k)),
      [1, 1, 1],
    );
  });

  it('TLRD takes precedence over a fixed lr; neither on = no budget', () => {
    const t = (o: object) => TechniqueOptionsSchema.parse(o);
    assert.equal(learningRateForStep(t({ lr: 2, lrDecay: 6 }), 1), 5);
    assert.equal(learningRateForStep(t({ lr: 2 }), 9), 2);
    assert.equal(learningRateForStep(t({}), 0), null);
  });

  it("lrDecayFirstStep 'lr' (reference) keeps the fixed lr until the first accepted update", () => {
    const t = (o: object) => TechniqueOptionsSchema.parse(o);
    // optimizer_v2/optimizer.py 127: learning_rate starts as --lr; 353-358: rewritten only after an accepted step.
    assert.equal(learningRateForStep(t({ lr: 2, lrDecay: 6 }), 0, 'lr'), 2);
    assert.equal(learningRateForStep(t({ lrDecay: 6 }), 0, 'lr'), null);
    assert.equal(learningRateForStep(t({ lr: 2, lrDecay: 6 }), 1, 'lr'), 5);
    assert.equal(learningRateForStep(t({ lr: 2, lrDecay: 6 }), 0, 'decayed'), 6);
    assert.equal(learningRateForStep(t({ lr: 2, lrDecay: 6 }), 0), 6);
  });
});
