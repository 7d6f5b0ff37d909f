import { strict as assert } from 'node:assert';
import { DatasetError } from '../../../src/core/data/datasetError';
import { parseDatasetText } from '../../../src/core/data/loadDatasetFile';
import { resolveFieldMapping, toExamples } from '../../../src/core/data/fieldMapping';

function fails(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DatasetError, `expected DatasetError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('dataset loaders', () => {
  it('JSONL: objects per line, blank lines and CRLF fine, BOM stripped', () => {
    const d = parseDatasetText('\uFEFF{"question":"1+1?","answer":"2"}\r\n\r\n{"question":"2+2?","answer":4}\r\n', 'd.jsonl');
    assert.equal(d.rows.length, 2);
    assert.deepEqual(d.fields, ['question', 'answer']);
    assert.equal(d.rows[1].line, 3);
  });

  it('JSONL: a malformed line names its line number', () => {
    fails(() => parseDatasetText('{"q":"a","a":"1"}\n{"q":"b", "a":\n{"q":"c","a":"3"}\n', 'bad.jsonl'), /bad\.jsonl line 2: not valid JSON/);
    fails(() => parseDatasetText('{"q":"a"}\n[1,2]\n', 'arr.jsonl'), /line 2: expected a JSON object/);
    fails(() => parseDatasetText('{"q":"a"}\n"text"\n', 'str.jsonl'), /line 2: expected a JSON object.*string/);
  });

  it('JSON array and BIG-Bench {examples: []}', () => {
    assert.equal(parseDatasetText('[{"input":"a","target":"b"}]', 'x.json').rows.length, 1);
    const bbh = parseDatasetText('{"canary":"c","examples":[{"input":"a","target":"b"},{"input":"c","target":"d"}]}', 'bbh.json');
    assert.equal(bbh.rows.length, 2);
    fails(() => parseDatasetText('[{"a":1}, 3]', 'x.json'), /record 2: expected an object/);
    fails(() => parseDatasetText('{"a": }', 'x.json'), /not valid JSON/);
  });

  it('CSV with quotes, embedded commas and newlines', () => {
    const d = parseDatasetText('question,answer\n"Is 1,000 > 999?",yes\n"two\nlines",no\n', 'd.csv');
    assert.equal(d.rows.length, 2);
    assert.equal(d.rows[0].values.question, 'Is 1,000 > 999?');
    assert.equal(d.rows[1].values.question, 'two\nlines');
  });

  it('CSV: a row missing a column names its line', () => {
    fails(() => parseDatasetText('question,answer\nq1,a1\nq2\nq3,a3\n', 'd.csv'), /d\.csv line 3: this row has 1 cells, unlike the header; a column is missing/);
  });

  it('CSV: a header without the gold column says which fields exist', () => {
    const d = parseDatasetText('question,notes\nq1,n1\n', 'd.csv');
    fails(() => resolveFieldMapping(d), /cannot tell which field is the gold answer.*fields are: question, notes.*--gold-field/);
    fails(() => resolveFieldMapping(d, { goldField: 'answer' }), /has no gold field "answer"; fields are: question, notes/);
  });

  it('TSV', () => {
    const d = parseDatasetText('input\ttarget\nhello\tworld\n', 'd.tsv');
    assert.equal(d.rows[0].values.target, 'world');
  });

  it('promptfoo tests: vars and assertions, kept as the suite (their assertions are the metric)', () => {
    const yaml = [
      'tests:',
      '  - vars: { question: "2+2?" }',
      '    assert: [{ type: equals, value: "4" }]',
      '  - vars: { question: "3+3?" }',
      '    assert:',
      '      - type: equals',
      '        value: "6"',
      '      - type: contains',
      '        value: "6"',
    ].join('\n');
    const d = parseDatasetText(yaml, 'tests.yaml');
    assert.equal(d.format, 'promptfoo');
    assert.equal(d.suggestedMetric?.name, 'promptfoo');
    assert.equal(d.promptfoo?.tests.length, 2);
    // Rows give --metric a gold: a lone value, else every assertion listed.
    const ex = toExamples(d, resolveFieldMapping(d));
    assert.deepEqual(ex.map((e) => [e.input, e.gold]), [['2+2?', '4'], ['3+3?', 'equals: 6; contains: 6']]);
    const config = parseDatasetText(JSON.stringify({ prompts: ['p.txt'], tests: [{ vars: { q: 'x' }, assert: [{ type: 'contains', value: 'y' }] }] }), 'promptfooconfig.json');
    assert.equal(config.format, 'promptfoo');
    fails(() => parseDatasetText('- vars: {q: a}\n  assert: [{type: javascript, value: "x"}]\n', 't.yaml'), /record 1, field "assert\[0\]": test 1: the assertion "javascript" cannot run in DLPO/);
    // A tests: list of file references is a promptfoo config (it used to throw a TypeError).
    fails(() => parseDatasetText('tests:\n  - file://nowhere/*.yaml\n', 'promptfooconfig.yaml'), /matches no test file/);
  });
});

describe('field mapping', () => {
  it('infers question/answer, input/target, problem/solution', () => {
    for (const [input, gold] of [['question', 'answer'], ['input', 'target'], ['problem', 'solution'], ['prompt', 'expected']]) {
      const d = parseDatasetText(JSON.stringify({ [input]: 'x', [gold]: 'y', other: 'z' }), 'd.jsonl');
      const m = resolveFieldMapping(d);
      assert.deepEqual([m.inputField, m.goldField], [input, gold]);
    }
  });

  it('explicit fields win; every field is bound into vars', () => {
    const d = parseDatasetText('{"q":"x","a":"1","ctx":"c"}', 'd.jsonl');
    const [e] = toExamples(d, resolveFieldMapping(d, { inputField: 'q', goldField: 'a' }));
    assert.equal(e.input, 'x');
    assert.equal(e.gold, '1');
    assert.deepEqual(e.vars, { q: 'x', a: '1', ctx: 'c' });
    assert.equal(e.id, 'd.jsonl#0');
  });

  it('own ids are used only when present and distinct in every row', () => {
    const own = parseDatasetText('{"id":"a","question":"x","answer":"1"}\n{"id":"b","question":"y","answer":"2"}', 'd.jsonl');
    assert.deepEqual(toExamples(own, resolveFieldMapping(own)).map((e) => e.id), ['a', 'b']);
    const dup = parseDatasetText('{"id":"a","question":"x","answer":"1"}\n{"id":"a","question":"y","answer":"2"}', 'd.jsonl');
    assert.deepEqual(toExamples(dup, resolveFieldMapping(dup)).map((e) => e.id), ['d.jsonl#0', 'd.jsonl#1']);
  });

  it('GSM8K-style golds become the final answer', () => {
    const d = parseDatasetText('{"question":"x","answer":"step\\n#### 1,600"}\n{"question":"y","answer":"#### 7"}', 'd.jsonl');
    assert.deepEqual(toExamples(d, resolveFieldMapping(d)).map((e) => e.gold), ['1,600', '7']);
  });

  it('missing or empty fields name line and field', () => {
    const d = parseDatasetText('{"question":"x","answer":"1"}\n{"question":"","answer":"2"}\n', 'd.jsonl');
    fails(() => toExamples(d, resolveFieldMapping(d)), /d\.jsonl line 2, field "question": is empty/);
    const d2 = parseDatasetText('{"question":"x","answer":"1"}\n{"question":"y"}\n', 'd.jsonl');
    fails(() => toExamples(d2, resolveFieldMapping(d2)), /line 2, field "answer": missing/);
    const d3 = parseDatasetText('{"question":"x","answer":{"a":1}}\n', 'd.jsonl');
    fails(() => toExamples(d3, resolveFieldMapping(d3)), /field "answer": expected text or a number, got object/);
  });

  it('an empty dataset is an error', () => {
    fails(() => toExamples(parseDatasetText('\n\n', 'e.jsonl'), { inputField: 'q', goldField: 'a', inferred: { input: false, gold: false } }), /empty/);
  });
});
