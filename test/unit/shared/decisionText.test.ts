import { strict as assert } from 'node:assert';
import { decisionLabel, tsaExplanation } from '../../../src/shared/decisionText';

const tsa = (delta: number, probability: number, draw: number | null, accepted: boolean) => ({
  candidateScore: 0.6 + delta,
  lastScore: 0.6,
  delta,
  temperature: 16,
  probability,
  draw,
  accepted,
});

describe('decision labels and TSA in plain language', () => {
  it('labels a decision as it happened', () => {
    const review = (by: 'tsa' | 'user' | 'auto' | 'trainer', accepted: boolean, edited = false) => ({ review: { by, accepted, edited }, tsa: null });
    assert.equal(decisionLabel(review('user', true)), 'accepted');
    assert.equal(decisionLabel(review('user', true, true)), 'edited and accepted');
    assert.equal(decisionLabel(review('user', false)), 'rejected');
    assert.equal(decisionLabel(review('tsa', true)), 'TSA accepted');
    assert.equal(decisionLabel(review('tsa', false)), 'TSA rejected');
    assert.equal(decisionLabel(review('auto', true)), 'accepted');
    // The user overrode TSA's advice: the label is the user's decision.
    assert.equal(decisionLabel({ review: { by: 'user', accepted: false, edited: false }, tsa: { accepted: true } }), 'rejected');
    // No reviewer at all (a CLI run): TSA's decision stands.
    assert.equal(decisionLabel({ review: null, tsa: { accepted: false } }), 'TSA rejected');
    assert.equal(decisionLabel({ review: null, tsa: null }), null);
  });

  it('explains TSA: better, a drop explored with a probability and a draw, a drop too big', () => {
    assert.equal(
      tsaExplanation(tsa(0.04, 1, null, true)),
      'Better by 0.04 on the training data (64.0% against 60.0% for the last accepted prompt): TSA always accepts a candidate that is not worse.',
    );
    assert.equal(
      tsaExplanation(tsa(-0.23, 0.996, 0.41, true)),
      'Worse by 0.23 on the training data (37.0% against 60.0% for the last accepted prompt). At temperature 16, still high enough that worse candidates are explored, TSA takes it with probability 99.6%; the draw 0.41 fell within that chance: accepted.',
    );
    assert.match(tsaExplanation(tsa(-0.1, 0.2, 0.7, false)), /seldom explored, TSA takes it with probability 20%; the draw 0.70 fell outside that chance: rejected\.$/);
    assert.match(tsaExplanation(tsa(-0.5, 0, null, false)), /^Worse by 0\.50 .*a bigger drop than TSA ever explores, so rejected\.$/);
  });
});
