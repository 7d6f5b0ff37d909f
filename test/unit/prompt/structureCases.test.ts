import { strict as assert } from 'node:assert';
import { partitionByProtection } from '../../../src/core/dlpo/techniques/dropout';
import { limitEdits } from '../../../src/core/dlpo/techniques/learningRate';
import { applySentenceEdits, diffSentences } from '../../../src/core/prompt/sentenceDiff';
import { segmentSentences } from '../../../src/core/prompt/sentences';

/**
 * The cases of issue 15, each as the user met it: a proposal on a structured prompt, cut
 * by TLR to R = `--lr` edits or filtered by TDO, must still be a document the user would
 * accept. Every R-subset is tried where the rule could pick any of them.
 */

const texts = (s: string) => segmentSentences(s).map((u) => u.text);

/** Every way of keeping `r` of the edits: each must be well-formed, not only the one TLR picks. */
function* subsetsOfSize<T>(items: readonly T[], r: number, from = 0): Generator<T[]> {
  if (r === 0) {
    yield [];
    return;
  }
  for (let i = from; i <= items.length - r; i++) for (const rest of subsetsOfSize(items, r - 1, i + 1)) yield [items[i], ...rest];
}

describe('structure cases (issue 15)', () => {
  it('1. an inserted, renumbered list item is one edit, and no item is lost', () => {
    const before = '1. Read the question.\n2. Identify the quantities.\n3. Compute the answer.';
    const after = '1. Read the question.\n2. Restate what is asked.\n3. Identify the quantities.\n4. Compute the answer.';
    const edits = diffSentences(before, after);
    assert.deepEqual(edits.map((e) => e.op), ['add']);
    assert.equal(limitEdits(before, edits, 1).text, after);
  });

  it('2. a deletion next to a rewrite is paired by content: R = 1 never doubles the sentence', () => {
    const before = 'Be polite. Solve the problem step by step. Give the answer.';
    const after = 'Solve the problem carefully, step by step. Give the answer.';
    const edits = diffSentences(before, after);
    assert.deepEqual(edits.map((e) => e.op).sort(), ['delete', 'modify']);
    for (const [one] of subsetsOfSize(edits, 1)) {
      const result = texts(applySentenceEdits(before, [one]));
      assert.equal(result.filter((t) => /^Solve the problem/.test(t)).length, 1, JSON.stringify(result));
    }
  });

  it('3. a table that gains a column is one edit: header, separator and rows change together', () => {
    const before = 'Answer with a table.\n\n| name | score |\n|---|---|\n| a | 1 |\n| b | 2 |\n\nKeep it short.';
    const after = 'Answer with a table.\n\n| name | score | note |\n|---|---|---|\n| a | 1 | ok |\n| b | 2 | ok |\n\nKeep it brief.';
    const edits = diffSentences(before, after);
    assert.equal(edits.length, 2);
    for (const [one] of subsetsOfSize(edits, 1)) {
      const table = segmentSentences(applySentenceEdits(before, [one])).find((u) => u.kind === 'table')!;
      const widths = new Set(table.text.split('\n').map((row) => row.split('|').length));
      assert.equal(widths.size, 1, `rows of different widths: ${table.text}`);
    }
  });

  it('4. a reflowed hard-wrapped sentence is no edit at all, and a reworded one is one edit', () => {
    const before = 'You are a careful assistant who reads\nthe whole question before answering and\nchecks each step.\n\nBe brief.';
    assert.deepEqual(diffSentences(before, before.replace(/reads\n|and\n/g, (m) => m.replace('\n', ' '))), []);
    const after = 'You are a careful assistant who reads the whole question before answering and verifies each step.\n\nBe very brief.';
    const edits = diffSentences(before, after);
    assert.deepEqual(edits.map((e) => e.op), ['modify', 'modify']);
    const cut = limitEdits(before, edits, 1);
    assert.equal(texts(cut.text).length, 2, 'no old line is left behind next to the new sentence');
  });

  it('5. two swapped sections are one move: R = 1 keeps both sections with their bodies', () => {
    const before = '# Prompt\n\n## Rules\n\nBe exact. Cite sources.\n\n## Format\n\nReply in JSON.\n\n- one object\n- no prose\n';
    const after = '# Prompt\n\n## Format\n\nReply in JSON.\n\n- one object\n- no prose\n\n## Rules\n\nBe exact. Cite sources.\n';
    const edits = diffSentences(before, after);
    assert.deepEqual(edits.map((e) => e.op), ['move']);
    assert.equal(limitEdits(before, edits, 1).text, after);
    assert.equal(applySentenceEdits(before, []), before);
  });

  it('6. TDO: a protected unit the model moves stays in place once; renumbering around a protected item is no edit', () => {
    const before = 'Read the task. Check the units. Answer in one line.';
    const moved = 'Check the units. Answer in one line. Read the task.';
    const edits = diffSentences(before, moved);
    assert.deepEqual(edits.map((e) => e.op), ['move']);
    const { allowed } = partitionByProtection(edits, [0]);
    assert.deepEqual(texts(applySentenceEdits(before, allowed)), ['Read the task.', 'Check the units.', 'Answer in one line.']);

    const list = '1. Read the question.\n2. Identify the quantities.\n3. Compute the answer.';
    const renumbered = '1. Read the question.\n2. Restate it.\n3. Identify the quantities.\n4. Compute the answer.';
    const listEdits = diffSentences(list, renumbered);
    assert.deepEqual(listEdits.map((e) => e.op), ['add'], 'the renumbered items are not edits');
    const protectedLast = partitionByProtection(listEdits, [2]);
    const result = applySentenceEdits(list, protectedLast.allowed);
    assert.equal(result, renumbered);
    assert.equal(texts(result).filter((t) => /Compute the answer/.test(t)).length, 1);
  });

  it('7. segmentation: abbreviations, labels, list continuation, fences in items, front matter and wrapper fences', () => {
    assert.equal(texts('Use a tool, e.g. Python, i.e. One that runs. Ask Dr. Lee vs. Dr. Kim about U.S. Law.').length, 2);
    assert.deepEqual(texts('Step 1. Read. Step 2. Answer.'), ['Step 1. Read.', 'Step 2. Answer.']);
    assert.deepEqual(texts('- Item one\n  continues here.\n- Item two'), ['- Item one\n  continues here.', '- Item two']);
    const fenceInItem = segmentSentences('1. Run:\n   ```\n   make\n   ```\n\n## After\n\n- a\n- b');
    assert.deepEqual(fenceInItem.map((u) => u.kind), ['list-item', 'code', 'heading', 'list-item', 'list-item']);
    assert.ok(fenceInItem.every((u) => u.text.length < 40));
    assert.equal(segmentSentences('\n---\nmode: agent\n---\nDo it.')[0].kind, 'front-matter');
    assert.deepEqual(segmentSentences('````prompt\n---\nmode: ask\n---\nDo it.\n````').map((u) => u.editable), [false, false, true, false]);
  });

  it('TLR keeps the R edits the gradient speaks about, in document order among equals', () => {
    const before = 'Be brief. Show the steps. Give the answer.';
    const after = 'Be very brief. Show every step. Give the final answer in a box.';
    const edits = diffSentences(before, after);
    assert.equal(edits.length, 3);
    assert.equal(limitEdits(before, edits, 1, 'The answers were not put in a box, so they could not be graded.').text, 'Be brief. Show the steps. Give the final answer in a box.');
    assert.equal(limitEdits(before, edits, 1).text, 'Be very brief. Show the steps. Give the answer.');
  });
});
