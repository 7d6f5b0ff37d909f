import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { diffSentences, editPosition } from '../../../src/core/prompt/sentenceDiff';
import { describeCut, learningRateInstruction, learningRateRegime, limitEdits } from '../../../src/core/dlpo/techniques/learningRate';
import { docPairArb } from '../../support/promptArbitraries';

describe('TLR: textual learning rate', () => {
  it('follows the reference’s three regimes', () => {
    assert.equal(learningRateRegime(1, 0), 'sentence-budget');
    assert.equal(learningRateRegime(4, 10), 'sentence-budget');
    assert.equal(learningRateRegime(5, 10), 'unconstrained');
    assert.equal(learningRateRegime(10, 10), 'unconstrained');
    assert.equal(learningRateRegime(11, 3), 'unconstrained');
    assert.equal(learningRateRegime(11, 4), 'bold');
  });

  it('states the budget with the worked example for R ≤ 4, nothing for 5-10 unless enforced, bold changes above 10', () => {
    const small = learningRateInstruction(2, 0, false)!;
    assert.match(small, /Your learning rate is 2\./);
    assert.match(small, /2 \(rewritten\) \+ 1 \(added\) \+ 1 \(deleted\) = 4/);
    // The worked example must not look like the budget to a reader that takes the first "learning rate is N".
    assert.equal(/learning rate (?:is|of|=|:)\s*(\d+)/i.exec(small)?.[1], '2');
    assert.equal(learningRateInstruction(7, 0, false), null);
    assert.match(learningRateInstruction(7, 0, true)!, /at most 7 edits/);
    assert.match(learningRateInstruction(12, 4, false)!, /transformative/);
    assert.equal(learningRateInstruction(0, 0, true), null);
  });

  it('cuts an over-budget proposal to the first R edits in document order', () => {
    const before = 'One here. Two here. Three here. Four here.';
    const after = 'One changed. Two here. Three changed. Four changed. Five added.';
    const edits = diffSentences(before, after);
    assert.equal(edits.length, 4);
    const cut = limitEdits(before, edits, 2);
    assert.equal(cut.text, 'One changed. Two here. Three changed. Four here.');
    assert.equal(cut.kept.length, 2);
    assert.equal(cut.dropped.length, 2);
    assert.equal(describeCut(4, 2), 'TLR cut 4 edits to 2');
  });

  it('never lets more than R sentence edits through (property)', () => {
    fc.assert(
      fc.property(docPairArb, fc.integer({ min: 0, max: 6 }), ({ before, after }, r) => {
        const edits = diffSentences(before, after);
        const cut = limitEdits(before, edits, r);
        assert.ok(diffSentences(before, cut.text).length <= r);
        assert.equal(cut.kept.length + cut.dropped.length, edits.length);
        assert.ok(cut.kept.length <= r);
        if (edits.length <= r) {
          assert.equal(cut.kept.length, edits.length);
          assert.deepEqual(diffSentences(after, cut.text), []);
        }
        // Kept edits all come before dropped ones in document order.
        const lastKept = Math.max(-Infinity, ...cut.kept.map(editPosition));
        const firstDropped = Math.min(Infinity, ...cut.dropped.map(editPosition));
        assert.ok(lastKept <= firstDropped);
      }),
      { numRuns: 400 },
    );
  });
});
