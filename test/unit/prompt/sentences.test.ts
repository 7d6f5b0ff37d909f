import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { segmentSentences } from '../../../src/core/prompt/sentences';

describe('segmentSentences', () => {
  it('splits prose with Intl.Segmenter and keeps decimals and offsets', () => {
    const text = '  You solve math. Answer 3.5 if asked!  Is it done? Yes.';
    const units = segmentSentences(text);
    assert.deepEqual(
      units.map((u) => u.text),
      ['You solve math.', 'Answer 3.5 if asked!', 'Is it done?', 'Yes.'],
    );
    for (const u of units) {
      assert.equal(text.slice(u.start, u.end), u.text);
      assert.equal(u.kind, 'sentence');
    }
  });

  it('reads units from the markdown structure: headings, list items with their continuation, tables, code, quotes', () => {
    const text = [
      '# Role',
      '',
      'You are careful. You check.',
      '',
      '- First item. Still the item.',
      '  continued on the next line',
      '- Second item',
      '',
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '',
      '```python',
      'x = 1. y = 2.',
      '',
      'print(x)',
      '```',
      '',
      '> Quoted. Still quoted.',
      '',
      'Done.',
    ].join('\n');
    assert.deepEqual(
      segmentSentences(text).map((u) => [u.kind, u.text]),
      [
        ['heading', '# Role'],
        ['sentence', 'You are careful.'],
        ['sentence', 'You check.'],
        ['list-item', '- First item. Still the item.\n  continued on the next line'],
        ['list-item', '- Second item'],
        ['table', '| a | b |\n|---|---|\n| 1 | 2 |'],
        ['code', '```python\nx = 1. y = 2.\n\nprint(x)\n```'],
        ['quote', '> Quoted. Still quoted.'],
        ['sentence', 'Done.'],
      ],
    );
  });

  it('does not split at abbreviations, initials, labels or decimals, and splits CJK sentences', () => {
    const t = (s: string) => segmentSentences(s).map((u) => u.text);
    assert.deepEqual(t('Use tools, e.g. Python. Then stop.'), ['Use tools, e.g. Python.', 'Then stop.']);
    assert.deepEqual(t('That is, i.e. This one. Ask Dr. Smith. Compare A vs. B first.'), ['That is, i.e. This one.', 'Ask Dr. Smith.', 'Compare A vs. B first.']);
    assert.deepEqual(t('The U.S. Army is big. Yes.'), ['The U.S. Army is big.', 'Yes.']);
    assert.deepEqual(t('Step 1. Read it. Step 2. Think.'), ['Step 1. Read it.', 'Step 2. Think.']);
    assert.deepEqual(t('Pick a. First option or b. Second option.'), ['Pick a. First option or b. Second option.']);
    assert.deepEqual(t('Pi is 3.14 here. Next.'), ['Pi is 3.14 here.', 'Next.']);
    assert.deepEqual(t('你好。我很好！谢谢？'), ['你好。', '我很好！', '谢谢？']);
  });

  it('keeps a hard-wrapped sentence whole, and splits instruction lines without punctuation', () => {
    const t = (s: string) => segmentSentences(s).map((u) => u.text);
    assert.deepEqual(t('You read the whole question\nbefore answering and\nchecks each step.'), ['You read the whole question\nbefore answering and\nchecks each step.']);
    assert.deepEqual(t('Output format: JSON\nBe brief\nNever guess'), ['Output format: JSON', 'Be brief', 'Never guess']);
  });

  it('keeps a fence inside a list item in the item, and the heading and list after it apart', () => {
    const text = '1. Run this:\n   ```sh\n   npm test\n   ```\n2. Read the output.\n\n## Next\n\n- one\n- two';
    assert.deepEqual(
      segmentSentences(text).map((u) => [u.kind, u.text]),
      [
        ['list-item', '1. Run this:'],
        ['code', '```sh\n   npm test\n   ```'],
        ['list-item', '2. Read the output.'],
        ['heading', '## Next'],
        ['list-item', '- one'],
        ['list-item', '- two'],
      ],
    );
  });

  it('never makes front matter, comments, template lines or a wrapper fence editable', () => {
    const withBlank = '\n---\nmode: agent\ntools: [a]\n---\nDo it.';
    assert.deepEqual(segmentSentences(withBlank).map((u) => [u.kind, u.editable]), [['front-matter', false], ['sentence', true]]);
    const wrapped = '````prompt\n---\nmode: ask\n---\n# Task\n\nExplain it.\n````\n';
    assert.deepEqual(
      segmentSentences(wrapped).map((u) => [u.kind, u.editable]),
      [['wrapper', false], ['front-matter', false], ['heading', true], ['sentence', true], ['wrapper', false]],
    );
    const template = 'Hello.\n{% for d in docs %}\n- {{ d.title }}\n{% endfor %}\n<!-- note to self -->\n\n{{#each items}}\nItem.\n{{/each}}';
    assert.deepEqual(
      segmentSentences(template).map((u) => u.kind),
      ['sentence', 'template', 'list-item', 'template', 'comment', 'template', 'sentence', 'template'],
    );
  });

  it('counts offsets in UTF-16 code units (emoji, CJK)', () => {
    const text = '😀 Smile first. 你好。再见。 Then go.';
    for (const u of segmentSentences(text)) assert.equal(text.slice(u.start, u.end), u.text);
  });

  it('returns nothing for blank text', () => {
    assert.deepEqual(segmentSentences(''), []);
    assert.deepEqual(segmentSentences(' \n\n\t'), []);
  });

  it('covers every non-whitespace character exactly once, in order (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'B', ' ', '.', '!', '\n', '#', '-', '|', '`', '3', '?', 'é') }), (text) => {
        const units = segmentSentences(text);
        let pos = 0;
        for (const u of units) {
          assert.ok(u.start >= pos && u.end > u.start);
          assert.equal(text.slice(pos, u.start).trim(), '');
          assert.equal(text.slice(u.start, u.end), u.text);
          assert.equal(u.text, u.text.trim());
          pos = u.end;
        }
        assert.equal(text.slice(pos).trim(), '');
      }),
      { numRuns: 300 },
    );
  });
});
