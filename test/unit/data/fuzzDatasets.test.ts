import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { DatasetError } from '../../../src/core/data/datasetError';
import { resolveFieldMapping, toExamples } from '../../../src/core/data/fieldMapping';
import { parseDatasetText } from '../../../src/core/data/loadDatasetFile';
import { splitExamples, defaultSplitSizes } from '../../../src/core/data/splits';

/**
 * Fuzzing the dataset loaders: text assembled from the pieces dataset files are made of
 * (JSON objects good and broken, CSV cells with quotes and commas, YAML test lists, BOM,
 * CRLF) plus arbitrary strings, under every supported extension. The only error allowed
 * is DatasetError, and it must name the file.
 */

const JSONL_LINES = [
  '{"question":"1+1?","answer":"2"}',
  '{"input":"x","target":3}',
  '{"q": "a", "a": null}',
  '{"question": {"nested": true}, "answer": [1]}',
  '[1,2,3]',
  '"just a string"',
  '{"question":"unterminated',
  '{}',
  'null',
  '',
  '\uFEFF{"question":"bom","answer":"1"}',
];
const CSV_LINES = ['question,answer', 'input,target,extra', '"a, b",1', '"multi\nline",2', 'x', 'x,y,z', '"unclosed,3', ',', '"",""'];
const YAML_LINES = ['tests:', '  - vars: { question: "2+2?" }', '    assert: [{ type: equals, value: "4" }]', '- vars: {q: a}', '  assert: [{type: regex, value: "^a"}]', '- {}', 'key: [unclosed', '&a [*a, *a]'];

const textArb = fc.oneof(
  fc.array(fc.constantFrom(...JSONL_LINES), { maxLength: 8 }).map((l) => l.join('\n')),
  fc.array(fc.constantFrom(...CSV_LINES), { maxLength: 8 }).map((l) => l.join('\r\n')),
  fc.array(fc.constantFrom(...YAML_LINES), { maxLength: 8 }).map((l) => l.join('\n')),
  fc.json(),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
);
const nameArb = fc.constantFrom('d.jsonl', 'd.json', 'd.csv', 'd.tsv', 'd.yaml', 'd.txt', 'd');

describe('fuzz: dataset loaders', function () {
  this.timeout(60_000);

  it('parse → map → split: only DatasetError, naming the file', () => {
    fc.assert(
      fc.property(textArb, nameArb, fc.integer({ min: 0, max: 1000 }), (text, name, seed) => {
        try {
          const data = parseDatasetText(text, name);
          assert.ok(Array.isArray(data.rows));
          const mapping = resolveFieldMapping(data);
          const examples = toExamples(data, mapping);
          for (const e of examples) {
            assert.equal(typeof e.input, 'string');
            assert.ok(e.input.trim().length > 0);
            assert.equal(typeof e.gold, 'string');
          }
          const splits = splitExamples(examples, defaultSplitSizes(examples.length), seed);
          assert.equal(splits.train.length + splits.val.length + splits.test.length, examples.length);
        } catch (e) {
          if (!(e instanceof DatasetError)) throw e;
          assert.ok(e.message.includes(name) || e.where.file === undefined, e.message);
        }
      }),
      { numRuns: 800 },
    );
  });

  it('big and hostile inputs finish', () => {
    const inputs: [string, string][] = [
      ['a.jsonl', `${'{"question":"q","answer":"1"}\n'.repeat(50_000)}`],
      ['a.csv', `question,answer\n${'"q ""quoted"", with comma",1\n'.repeat(50_000)}`],
      ['a.json', `${'['.repeat(5_000)}${']'.repeat(5_000)}`],
      ['a.yaml', `a: &a [${'*a, '.repeat(1_000)}]`],
      ['a.csv', `"${'x'.repeat(1_000_000)}`],
    ];
    for (const [name, text] of inputs) {
      try {
        const d = parseDatasetText(text, name);
        toExamples(d, resolveFieldMapping(d));
      } catch (e) {
        if (!(e instanceof DatasetError)) throw e;
      }
    }
  });
});
