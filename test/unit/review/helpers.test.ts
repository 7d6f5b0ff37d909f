import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { relatedGradientSentences } from '../../../src/core/review/gradientRelevance';
import { minimalReplacement } from '../../../src/core/review/minimalReplacement';
import { tsaAdviceLabel, tsaOutcomeMessage } from '../../../src/core/review/reviewLabels';
import { revertedAround, stepTechniqueNotes } from '../../../src/core/review/techniqueNotes';
import type { RunEvent } from '../../../src/core/run/events';

describe('review helpers', () => {
  it('finds the gradient sentences that share the most content words with a changed sentence', () => {
    const gradient =
      'The prompt never asks for units. Several answers gave a number without units of measure. The model also forgot to show its work. Keep the answer format.';
    const related = relatedGradientSentences('Always state the units of measure.', gradient, 2);
    assert.deepEqual(related.map((r) => r.text), ['Several answers gave a number without units of measure.', 'The prompt never asks for units.']);
    assert.deepEqual(related[0].shared, ['units', 'measure']);
    assert.deepEqual(relatedGradientSentences('Be nice.', gradient), []);
  });

  it('describes what TLR cut and TDO protected around a sentence', () => {
    const events: RunEvent[] = [
      { type: 'technique-applied', step: 3, technique: 'tlr', summary: 'TLR cut 3 edits to 1', details: {} },
      { type: 'technique-applied', step: 2, technique: 'tdo', summary: 'other step', details: {} },
      {
        type: 'candidate', step: 3, before: 'A. B.', after: 'A. C.', edits: [],
        reverted: [
          { edit: { op: 'modify', beforeIndex: 0, afterIndex: 0, before: 'A.', after: 'Aa.' }, by: 'tdo' },
          { edit: { op: 'add', afterIndex: 2, text: 'D.', anchor: 1 }, by: 'tlr' },
        ],
      },
    ];
    const notes = stepTechniqueNotes(events, 3);
    assert.deepEqual(notes.summaries, [{ technique: 'tlr', summary: 'TLR cut 3 edits to 1' }]);
    assert.deepEqual(revertedAround(notes, 0), ['TDO protected this sentence from the rewrite “Aa.”']);
    assert.deepEqual(revertedAround(notes, 1), ['TLR cut a sentence that would follow: “D.”']);
  });

  it('labels TSA advice and outcomes', () => {
    const tsa = { candidateScore: 0.6, lastScore: 0.64, delta: -0.04, temperature: 16, probability: 0.8231, draw: 0.41, accepted: true };
    assert.equal(tsaAdviceLabel(tsa), 'would accept, p 0.82');
    assert.equal(tsaAdviceLabel({ ...tsa, accepted: false, probability: 0.1 }), 'would reject, p 0.10');
    assert.equal(tsaAdviceLabel(null), 'TSA off, would accept');
    assert.equal(tsaOutcomeMessage(3, tsa, true), 'DLPO step 3: TSA accepted the candidate (Δ −0.04 · T 16 · p 0.823 · draw 0.41)');
  });

  it('minimalReplacement turns the old text into the new one with one replacement', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const r = minimalReplacement(a, b);
        assert.equal(a.slice(0, r.start) + r.text + a.slice(r.end), b);
        assert.ok(r.start <= r.end);
      }),
      { numRuns: 300 },
    );
    assert.deepEqual(minimalReplacement('Be brief. Show work.', 'Be brief. Show all work.'), { start: 15, end: 15, text: 'all ' });
  });
});
