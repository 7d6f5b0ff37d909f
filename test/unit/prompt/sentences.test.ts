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

  it('keeps headings, list items, table rows and whole code fences as single units', () => {
    const text = [
      '# Role',
      '',
      'You are careful. You check.',
      '- First item. Still the item.',
      '2) Second item',
      '| a | b |',
      '```python',
      'x = 1. y = 2.',
      '',
      'print(x)',
      '```',
      'Done.',
    ].join('\n');
    const units = segmentSentences(text);
    assert.deepEqual(
      units.map((u) => [u.kind, u.text]),
      [
        ['heading', '# Role'],
        ['sentence', 'You are careful.'],
        ['sentence', 'You check.'],
        ['list-item', '- First item. Still the item.'],
        ['list-item', '2) Second item'],
        ['table-row', '| a | b |'],
        ['code', '```python\nx = 1. y = 2.\n\nprint(x)\n```'],
        ['sentence', 'Done.'],
      ],
    );
  });

  it('treats an unclosed fence as code to the end, and ~~~ fences alike', () => {
    const units = segmentSentences('Intro.\n~~~\nraw ``` text\n~~~\n```\nopen');
    assert.deepEqual(
      units.map((u) => u.kind),
      ['sentence', 'code', 'code'],
    );
    assert.equal(units[2].text, '```\nopen');
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
