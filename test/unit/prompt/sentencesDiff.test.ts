import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { segmentSentences } from '../../../src/core/prompt/sentences';
import { applySentenceEdits, diffSentences, editTouches, expectedUnits } from '../../../src/core/prompt/sentenceDiff';
import { unitKey, unitTextKey } from '../../../src/core/prompt/unitMatching';
import { mdPairArb, prosePairArb } from '../../support/promptArbitraries';

const texts = (s: string) => segmentSentences(s).map((u) => u.text);
const keys = (s: string) => segmentSentences(s).map(unitKey);
const subsetOf = <T>(all: readonly T[], mask: readonly boolean[]) => all.filter((_, i) => mask[i % mask.length]);

/** Ordered lists of a document (as unit runs at one column) whose numbers do not count up by one. */
function badlyNumberedLists(text: string): string[] {
  const units = segmentSentences(text);
  const problems: string[] = [];
  let run: number[] = [];
  const close = () => {
    if (run.some((v, k) => v !== run[0] + k)) problems.push(run.join(','));
    run = [];
  };
  for (const u of units) {
    const m = /^(\d+)[.)]/.exec(u.text);
    if (u.kind === 'list-item' && m) run.push(Number(m[1]));
    else close();
  }
  close();
  return problems;
}

describe('diffSentences / applySentenceEdits', () => {
  it('pairs a rewrite with the unit it rewrites', () => {
    const edits = diffSentences('Be brief. Show work. Answer.', 'Be brief. Show all work. Answer.');
    assert.deepEqual(edits, [{ op: 'modify', beforeIndex: 1, afterIndex: 1, before: 'Show work.', after: 'Show all work.' }]);
  });

  it('reports adds with their anchor and the proposal’s whitespace, deletes with their index', () => {
    const edits = diffSentences('A one. B two. C three.', 'New start. A one. C three. D four.');
    assert.deepEqual(edits, [
      { op: 'add', afterIndex: 0, text: 'New start.', anchor: -1, gap: '', kind: 'sentence' },
      { op: 'delete', beforeIndex: 1, text: 'B two.' },
      { op: 'add', afterIndex: 3, text: 'D four.', anchor: 2, gap: ' ', kind: 'sentence' },
    ]);
    assert.equal(applySentenceEdits('A one. B two. C three.', edits), 'New start. A one. C three. D four.');
  });

  it('a deleted first sentence does not glue the next one onto the heading', () => {
    const before = '## Role\n\nBe polite. Solve it.';
    const [del] = diffSentences(before, '## Role\n\nSolve it.');
    assert.equal(applySentenceEdits(before, [del]), '## Role\n\nSolve it.');
  });

  it('never glues a line without final punctuation to the next unit', () => {
    const before = 'Intro line\n\nSecond.';
    const edits = diffSentences(before, 'Intro line\nAdded here\n\nSecond.');
    const applied = applySentenceEdits(before, edits);
    assert.deepEqual(texts(applied), ['Intro line', 'Added here', 'Second.']);
  });

  it('rejects edits that do not belong to the text', () => {
    assert.throws(() => applySentenceEdits('One. Two.', [{ op: 'delete', beforeIndex: 1, text: 'Three.' }]));
    assert.throws(() => applySentenceEdits('One. Two.', [{ op: 'add', afterIndex: 0, text: 'X.', anchor: 5 }]));
    assert.throws(() => applySentenceEdits('One. Two.', [{ op: 'move', beforeIndex: 0, count: 2, afterIndex: 0, anchor: -1, text: 'One.' }]));
  });

  it('the empty subset gives the old text, byte for byte (property)', () => {
    fc.assert(fc.property(mdPairArb, ({ before }) => assert.equal(applySentenceEdits(before, []), before)), { numRuns: 300 });
  });

  it('the full set gives the proposal’s units, kinds and block structure (property)', () => {
    fc.assert(
      fc.property(mdPairArb, ({ before, after }) => {
        const applied = applySentenceEdits(before, diffSentences(before, after));
        assert.deepEqual(keys(applied), keys(after));
        assert.deepEqual(diffSentences(after, applied), []);
      }),
      { numRuns: 400 },
    );
  });

  it('applying every edit to prose reproduces it exactly (property)', () => {
    fc.assert(
      fc.property(prosePairArb, ({ before, after }) => {
        assert.equal(applySentenceEdits(before, diffSentences(before, after)), after);
      }),
      { numRuns: 300 },
    );
  });

  it('any subset gives a well-formed document: the expected units, each from the old or proposed text, none lost or doubled, lists numbered (property)', () => {
    fc.assert(
      fc.property(mdPairArb, fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }), ({ before, after }, mask) => {
        const all = diffSentences(before, after);
        const subset = subsetOf(all, mask);
        const applied = applySentenceEdits(before, subset);
        const result = segmentSentences(applied);
        // The block structure is the one the subset describes (kinds included).
        const expected = expectedUnits(before, subset);
        assert.deepEqual(result.map((u) => unitTextKey(u.text)), expected.map(unitTextKey));
        assert.deepEqual(
          result.map((u) => u.kind),
          expected.map((t) => segmentSentences(t)[0].kind),
        );
        // Every unit comes from the old text or the proposal.
        const known = new Set([...keys(before), ...keys(after)]);
        for (const u of result) assert.ok(known.has(unitKey(u)), `unit from nowhere: ${JSON.stringify(u.text)}`);
        // Every unit the subset does not touch is still there, once, in order.
        const touched = new Set(subset.flatMap(editTouches));
        let from = 0;
        const resultKeys = result.map(unitKey);
        segmentSentences(before).forEach((u, i) => {
          if (touched.has(i)) return;
          const at = resultKeys.indexOf(unitKey(u), from);
          assert.ok(at >= 0, `untouched unit ${i} lost`);
          from = at + 1;
        });
        // Lists numbered in sequence stay so (lists written 1., 1., 1. are left as written).
        if (badlyNumberedLists(before).length === 0) assert.deepEqual(badlyNumberedLists(applied), []);
      }),
      { numRuns: 500 },
    );
  });

  it('with no repeated unit, a subset diffs back to no more edits than it has (property)', () => {
    const distinct = (t: string) => new Set(keys(t)).size === keys(t).length;
    fc.assert(
      fc.property(mdPairArb, fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }), ({ before, after }, mask) => {
        fc.pre(distinct(before) && distinct(after));
        const subset = subsetOf(diffSentences(before, after), mask);
        const rediff = diffSentences(before, applySentenceEdits(before, subset));
        assert.ok(rediff.length <= subset.length, `${rediff.length} > ${subset.length}`);
      }),
      { numRuns: 400 },
    );
  });

  it('a single edit diffs back to exactly that edit when no sentence repeats (property, prose)', () => {
    const distinct = (t: string) => new Set(texts(t)).size === texts(t).length;
    fc.assert(
      fc.property(prosePairArb, fc.nat(), ({ before, after }, pick) => {
        fc.pre(distinct(before));
        const all = diffSentences(before, after);
        if (all.length === 0) return;
        const one = all[pick % all.length];
        const rediff = diffSentences(before, applySentenceEdits(before, [one]));
        assert.equal(rediff.length, 1);
        assert.equal(rediff[0].op, one.op);
      }),
      { numRuns: 300 },
    );
  });
});

describe('diffSentences on long unrelated texts', () => {
  it('gives up aligning past the edit limit and still applies exactly', () => {
    const before = Array.from({ length: 2500 }, (_, i) => `Sentence ${i} talks about apples.`).join(' ');
    const after = Array.from({ length: 2500 }, (_, i) => `Line ${i} is about pears.`).join(' ');
    const edits = diffSentences(before, after);
    assert.ok(edits.length >= 2500);
    assert.equal(applySentenceEdits(before, edits), after);
  });
});
