import { strict as assert } from 'node:assert';
import { diffSentences } from '../../../src/core/prompt/sentenceDiff';
import { planInlineDiff } from '../../../src/core/review/inlineDiffPlan';
import { rebaseCandidate } from '../../../src/core/review/rebaseCandidate';

const candidateOf = (before: string, after: string) => ({ before, after, edits: diffSentences(before, after) });
const slice = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);

describe('planInlineDiff', () => {
  it('strikes a run of changed sentences and shows the run’s new wording after it, like a diff hunk', () => {
    const before = 'Be brief. Show work. Answer with a number. Stop.';
    const c = candidateOf(before, 'Be brief. Show all work. State units. Stop.');
    const plan = planInlineDiff(before, rebaseCandidate(c, before));
    assert.deepEqual(
      plan.removed.map((r) => slice(before, r)),
      ['Show work.', 'Answer with a number.'],
    );
    const hunkEnd = before.indexOf(' Stop.');
    assert.deepEqual(plan.removed.map((r) => r.hunkEnd), [hunkEnd, hunkEnd]);
    assert.deepEqual(
      plan.inserted.map((i) => [i.at, i.side, i.texts]),
      [[hunkEnd, 'after', ['Show all work.', 'State units.']]],
    );
    assert.deepEqual(plan.conflicts, []);
  });

  it('keeps separate hunks separate', () => {
    const before = 'A one. B two. C three.';
    const plan = planInlineDiff(before, rebaseCandidate(candidateOf(before, 'A uno. B two. C three. D four.'), before));
    assert.deepEqual(plan.removed.map((r) => slice(before, r)), ['A one.']);
    assert.deepEqual(plan.inserted.map((i) => [slice(before, { start: 0, end: i.at }), i.texts]), [
      ['A one.', ['A uno.']],
      ['A one. B two. C three.', ['D four.']],
    ]);
  });

  it('does not show a rewrite next to an unrelated struck sentence when a hunk mixes removals and rewrites', () => {
    const before = 'You are a tutor. Read the question twice. Show work. Answer.';
    const after = 'You are a tutor. Show each step of your work. Answer.';
    const plan = planInlineDiff(before, rebaseCandidate(candidateOf(before, after), before));
    assert.deepEqual(plan.removed.map((r) => slice(before, r)), ['Read the question twice.', 'Show work.']);
    assert.deepEqual(plan.inserted.map((i) => [slice(before, { start: 0, end: i.at }).slice(-10), i.texts]), [['Show work.', ['Show each step of your work.']]]);
  });

  it('shows insertions at the start in front of the first sentence', () => {
    const before = 'A one. B two.';
    const plan = planInlineDiff(before, rebaseCandidate(candidateOf(before, 'Zero first. A one. B two.'), before));
    assert.deepEqual(plan.inserted, [{ at: 0, side: 'before', texts: ['Zero first.'], edits: [{ op: 'add', afterIndex: 0, text: 'Zero first.', anchor: -1, gap: '', kind: 'sentence' }] }]);
    assert.deepEqual(plan.removed, []);
  });

  it('shows a moved section struck where it was and in full where it goes', () => {
    const before = '## Rules\n\nBe exact.\n\n## Format\n\nReply in JSON.';
    const c = candidateOf(before, '## Format\n\nReply in JSON.\n\n## Rules\n\nBe exact.');
    assert.deepEqual(c.edits.map((e) => e.op), ['move']);
    const plan = planInlineDiff(before, rebaseCandidate(c, before));
    assert.deepEqual(plan.removed.map((r) => slice(before, r)), ['## Rules', 'Be exact.']);
    assert.deepEqual(plan.inserted.map((i) => [i.at, i.texts]), [[before.length, ['## Rules\nBe exact.']]]);
  });

  it('draws against the user’s current text and leaves conflicting edits out', () => {
    const before = 'A one. B two. C three.';
    const c = candidateOf(before, 'A uno. B two. C tres.');
    const current = 'Preface here. A one. B two. C changed.';
    const plan = planInlineDiff(current, rebaseCandidate(c, current));
    assert.deepEqual(plan.removed.map((r) => slice(current, r)), ['A one.']);
    assert.deepEqual(plan.inserted.map((i) => i.texts), [['A uno.']]);
    assert.deepEqual(plan.conflicts.map((x) => x.edit.op), ['modify']);
  });
});
