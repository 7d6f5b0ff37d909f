import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { segmentSentences } from '../../../src/core/prompt/sentences';
import { applySentenceEdits, diffSentences, expectedUnits } from '../../../src/core/prompt/sentenceDiff';
import { chooseProtected, describeProtected, dropoutList, partitionByProtection } from '../../../src/core/dlpo/techniques/dropout';
import { Rng } from '../../../src/core/run/rng';
import { unitTextKey } from '../../../src/core/prompt/unitMatching';
import { mdPairArb } from '../../support/promptArbitraries';

describe('TDO: textual dropout', () => {
  const text = 'A one. B two. C three. D four. E five.';

  it('protects ceil(n·p) sentences chosen by the seeded dropout stream', () => {
    const units = segmentSentences(text);
    const a = chooseProtected(units, 0.5, Rng.derive(1001, 'dropout'));
    const b = chooseProtected(units, 0.5, Rng.derive(1001, 'dropout'));
    assert.equal(a.length, 3);
    assert.deepEqual(a, b);
    assert.deepEqual(a, a.slice().sort((x, y) => x - y));
    assert.equal(chooseProtected(units, 0.2, Rng.derive(1, 'dropout')).length, 1);
    assert.equal(chooseProtected(units, 1, Rng.derive(1, 'dropout')).length, 5);
    assert.deepEqual(chooseProtected(units, 0, Rng.derive(1, 'dropout')), []);
    const seeds = new Set(Array.from({ length: 20 }, (_, s) => chooseProtected(units, 0.4, Rng.derive(s, 'dropout')).join(',')));
    assert.ok(seeds.size > 3, 'different seeds protect different sentences');
  });

  it('lists the protected sentences and names them 1-based', () => {
    const units = segmentSentences(text);
    assert.equal(dropoutList(units, [1, 4]), 'B two.\nE five.');
    assert.equal(describeProtected([1, 4]), 'TDO protected sentences 2, 5');
  });

  it('reverts a change to a protected sentence and keeps the others', () => {
    const after = 'A changed. B two. C three. D gone now. E five. F new.';
    const edits = diffSentences(text, after);
    const { allowed, reverted } = partitionByProtection(edits, [0, 3]);
    assert.deepEqual(reverted.map((e) => e.op), ['modify', 'modify']);
    assert.equal(applySentenceEdits(text, allowed), 'A one. B two. C three. D four. E five. F new.');
  });

  it('never changes a protected sentence (property)', () => {
    fc.assert(
      fc.property(mdPairArb, fc.double({ min: 0.05, max: 1, noNaN: true }), fc.integer(), ({ before, after }, p, seed) => {
        const units = segmentSentences(before);
        const protectedIdx = chooseProtected(units, p, Rng.derive(seed, 'dropout'));
        const { allowed, reverted } = partitionByProtection(diffSentences(before, after), protectedIdx);
        for (const e of allowed) if (e.op !== 'add') assert.ok(!protectedIdx.includes(e.beforeIndex));
        const result = applySentenceEdits(before, allowed);
        // Compared as units: a protected list item may be renumbered, never rewritten.
        const resultUnits = segmentSentences(result).map((u) => unitTextKey(u.text));
        assert.deepEqual(resultUnits, expectedUnits(before, allowed).map(unitTextKey));
        // Each protected unit is still there, in its order relative to the other protected ones.
        let from = 0;
        for (const i of protectedIdx) {
          const at = resultUnits.indexOf(unitTextKey(units[i].text), from);
          assert.ok(at >= 0, `protected sentence ${i + 1} ("${units[i].text}") was changed`);
          from = at + 1;
        }
        assert.equal(allowed.length + reverted.length, diffSentences(before, after).length);
      }),
      { numRuns: 400 },
    );
  });
});
