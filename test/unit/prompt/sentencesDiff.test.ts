import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { segmentSentences } from '../../../src/core/prompt/sentences';
import { applySentenceEdits, diffSentences, expectedUnits } from '../../../src/core/prompt/sentenceDiff';
import { docPairArb, prosePairArb } from '../../support/promptArbitraries';

const texts = (s: string) => segmentSentences(s).map((u) => u.text);

describe('diffSentences / applySentenceEdits', () => {
  it('pairs a delete and an add at the same place into one modify', () => {
    const edits = diffSentences('Be brief. Show work. Answer.', 'Be brief. Show all work. Answer.');
    assert.deepEqual(edits, [{ op: 'modify', beforeIndex: 1, afterIndex: 1, before: 'Show work.', after: 'Show all work.' }]);
  });

  it('reports adds with their anchor and deletes with their index', () => {
    const edits = diffSentences('A one. B two. C three.', 'New start. A one. C three. D four.');
    assert.deepEqual(edits, [
      { op: 'add', afterIndex: 0, text: 'New start.', anchor: -1 },
      { op: 'delete', beforeIndex: 1, text: 'B two.' },
      { op: 'add', afterIndex: 3, text: 'D four.', anchor: 2 },
    ]);
    assert.equal(applySentenceEdits('A one. B two. C three.', edits), 'New start. A one. C three. D four.');
  });

  it('keeps markdown well-formed when a list item is added after prose', () => {
    const before = 'Solve it.\n\n- Show work';
    const after = 'Solve it.\n- Check units\n\n- Show work';
    const edits = diffSentences(before, after);
    assert.deepEqual(edits.map((e) => e.op), ['add']);
    const applied = applySentenceEdits(before, edits);
    assert.deepEqual(texts(applied), ['Solve it.', '- Check units', '- Show work']);
    assert.deepEqual(segmentSentences(applied).map((u) => u.kind), ['sentence', 'list-item', 'list-item']);
  });

  it('never glues a sentence without final punctuation to the next one', () => {
    const before = 'Intro line\nSecond.';
    const edits = diffSentences(before, 'Intro line\nAdded here.\nSecond.');
    const applied = applySentenceEdits(before, edits);
    assert.deepEqual(texts(applied), ['Intro line', 'Added here.', 'Second.']);
  });

  it('rejects edits that do not belong to the text', () => {
    assert.throws(() => applySentenceEdits('One. Two.', [{ op: 'delete', beforeIndex: 1, text: 'Three.' }]));
    assert.throws(() => applySentenceEdits('One. Two.', [{ op: 'add', afterIndex: 0, text: 'X.', anchor: 5 }]));
  });

  it('apply-none returns before exactly (property)', () => {
    fc.assert(fc.property(docPairArb, ({ before }) => assert.equal(applySentenceEdits(before, []), before)), { numRuns: 300 });
  });

  it('apply-all gives after’s units in order, with after’s kinds (property)', () => {
    fc.assert(
      fc.property(docPairArb, ({ before, after }) => {
        const applied = applySentenceEdits(before, diffSentences(before, after));
        assert.deepEqual(texts(applied), texts(after));
        assert.deepEqual(
          segmentSentences(applied).map((u) => u.kind),
          segmentSentences(after).map((u) => u.kind),
        );
        assert.deepEqual(diffSentences(after, applied), []);
      }),
      { numRuns: 400 },
    );
  });

  it('apply-all reproduces prose exactly (property)', () => {
    fc.assert(
      fc.property(prosePairArb, ({ before, after }) => {
        assert.equal(applySentenceEdits(before, diffSentences(before, after)), after);
      }),
      { numRuns: 400 },
    );
  });

  it('any subset of edits gives exactly that subset’s units, and a re-diff counts at most two edits per applied edit (property)', () => {
    fc.assert(
      fc.property(docPairArb, fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }), ({ before, after }, mask) => {
        const all = diffSentences(before, after);
        const subset = all.filter((_, i) => mask[i % mask.length]);
        const applied = applySentenceEdits(before, subset);
        assert.deepEqual(texts(applied), expectedUnits(before, subset));
        // With repeated sentences the diff may align a modify as an add plus a delete
        // elsewhere (e.g. "G. ## A ## A" → "G. G. ## A"); TLR re-checks its cut for that reason.
        const rediff = diffSentences(before, applied);
        assert.ok(rediff.length <= 2 * subset.length, `${rediff.length} > 2 × ${subset.length}`);
        // Every sentence the subset did not touch is still there, unchanged and in order.
        const touched = new Set(subset.flatMap((e) => (e.op === 'add' ? [] : [e.beforeIndex])));
        const result = texts(applied);
        let from = 0;
        segmentSentences(before).forEach((u, i) => {
          if (touched.has(i)) return;
          const at = result.indexOf(u.text, from);
          assert.ok(at >= 0, `untouched sentence ${i} lost`);
          from = at + 1;
        });
      }),
      { numRuns: 400 },
    );
  });

  it('with no repeated sentence, a subset diffs back to no more edits than it has (property)', () => {
    const distinct = (t: string) => new Set(texts(t)).size === texts(t).length;
    fc.assert(
      fc.property(docPairArb, fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }), ({ before, after }, mask) => {
        fc.pre(distinct(before) && distinct(after));
        const subset = diffSentences(before, after).filter((_, i) => mask[i % mask.length]);
        const rediff = diffSentences(before, applySentenceEdits(before, subset));
        assert.ok(rediff.length <= subset.length, `${rediff.length} > ${subset.length}`);
      }),
      { numRuns: 400 },
    );
  });

  it('the documented repeated-sentence case: one modify re-diffs as an add and a delete', () => {
    const before = 'Give answer.\n## Always\n## Always';
    const subset = diffSentences(before, 'Give answer. Give answer.').filter((e) => e.op === 'modify' && e.beforeIndex === 1);
    const applied = applySentenceEdits(before, subset);
    assert.deepEqual(texts(applied), ['Give answer.', 'Give answer.', '## Always']);
    assert.equal(diffSentences(before, applied).length, 2);
  });

  it('a single edit diffs back to exactly that edit when no sentence repeats (property, prose)', () => {
    const distinct = (t: string) => new Set(texts(t)).size === texts(t).length;
    fc.assert(
      fc.property(prosePairArb, fc.nat(), ({ before, after }, pick) => {
        fc.pre(distinct(before));
        const all = diffSentences(before, after);
        if (all.length === 0) return;
        const one = all[pick % all.length];
        const applied = applySentenceEdits(before, [one]);
        const rediff = diffSentences(before, applied);
        assert.equal(rediff.length, 1);
        assert.equal(rediff[0].op, one.op);
      }),
      { numRuns: 300 },
    );
  });
});

describe('diffSentences on long unrelated texts', () => {
  it('gives up pairing past the edit limit and still applies exactly', () => {
    const before = Array.from({ length: 2500 }, (_, i) => `Sentence ${i} talks about apples.`).join(' ');
    const after = Array.from({ length: 2500 }, (_, i) => `Line ${i} is about pears.`).join(' ');
    const edits = diffSentences(before, after);
    assert.equal(edits.length, 2500);
    assert.equal(applySentenceEdits(before, edits), after);
  });
});
