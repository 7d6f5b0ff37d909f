import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatasetError } from '../../../src/core/data/datasetError';
import { loadDatasetFile, parseDatasetText } from '../../../src/core/data/loadDatasetFile';
import { loadTask } from '../../../src/core/data/loadTask';
import { assertionFromString } from '../../../src/core/promptfoo/assertionFromString';
import { globFiles } from '../../../src/core/promptfoo/globFiles';
import { isPromptfooValue } from '../../../src/core/promptfoo/loadSuite';

const FIXTURES = path.resolve(__dirname, '../../fixtures/promptfoo');

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DatasetError, `expected DatasetError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('promptfoo suites as data', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-pf-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  it('a config whose tests: is a list of file references and globs (it used to crash with a TypeError)', async () => {
    const d = await loadDatasetFile(path.join(FIXTURES, 'file-list/promptfooconfig.yaml'));
    const tests = d.promptfoo!.tests;
    // europe.yaml (France, then Italy and Spain expanded), asia-east, asia-south (glob order), then the inline test.
    assert.deepEqual(
      tests.map((t) => [t.description, t.vars.country]),
      [
        ['France', 'France'],
        ['Italy and Spain [1/2]', 'Italy'],
        ['Italy and Spain [2/2]', 'Spain'],
        ['Japan', 'Japan'],
        ['India', 'India'],
        ['inline Peru', 'Peru'],
      ],
    );
    // defaultTest: its vars under the test's, its assert first.
    assert.ok(tests.every((t) => t.vars.style === 'one word' && t.assert[0].type === 'not-icontains'));
    assert.deepEqual(tests[0].assert.map((a) => a.type), ['not-icontains', 'equals']);
    // A templated value is rendered with the test's vars (inside an assert-set too).
    const withSet = parseDatasetText('tests:\n  - vars: {a: x}\n    assert: [{type: assert-set, assert: [{type: equals, value: "{{a}}!"}]}]\n', path.join(dir, 'set.yaml')).promptfoo!.tests[0];
    assert.deepEqual(withSet.assert[0], { type: 'assert-set', assert: [{ type: 'equals', value: 'x!' }] });
    assert.deepEqual(tests[3].assert[1], { type: 'equals', value: 'Tokyo', weight: 2 });
    assert.equal(tests[4].threshold, 0.5);
    assert.equal(tests[4].origin.file, path.join(FIXTURES, 'file-list/tests/asia-south.yaml'));
  });

  it("promptfoo's own simple-csv example: tests: file://tests.csv with __expected", async () => {
    const task = await loadTask({ source: path.join(FIXTURES, 'simple-csv/promptfooconfig.yaml') }, { seed: 1, cwd: dir });
    assert.equal(task.metric.name, 'promptfoo');
    const all = [...task.train, ...task.val, ...task.test].sort((a, b) => a.id.localeCompare(b.id));
    assert.deepEqual(all.map((e) => e.id), ['Row #1', 'Row #2', 'Row #3', 'Row #4']);
    const first = all.find((e) => e.vars.body === 'Hello world' && e.vars.language === 'French')!;
    assert.deepEqual(first.promptfoo!.assert, [{ type: 'icontains', value: 'bonjour' }]);
    assert.equal(first.gold, 'bonjour');
    assert.equal((await task.metric.score('Bonjour le monde', first)).score, 1);
    assert.ok((await task.metric.score('Hello', first)).score < 1);
  });

  it("promptfoo's simple-test CSV is refused up front: fn: asserts run JavaScript", async () => {
    await rejects(loadDatasetFile(path.join(FIXTURES, 'simple-test/tests.csv')), /tests\.csv record 1, field "assert\[0\]": "Row #1": the assertion "javascript" cannot run in DLPO \(it runs JavaScript code\)/);
  });

  it('CSV __expected1..n, __description, __threshold and __config thresholds', () => {
    const csv = write(
      't.csv',
      'question,__expected1,__expected2,__description,__threshold,__config:__expected2:threshold\n' +
        '"2+2?","  4  ","llm-rubric: is a number",sum,0.5,0.8\n' +
        'x,"not-contains:foo","contains-any:a, b",,,\n',
    );
    const d = parseDatasetText(fs.readFileSync(csv, 'utf8'), csv);
    const [one, two] = d.promptfoo!.tests;
    assert.equal(one.description, 'sum');
    assert.deepEqual(one.vars, { question: '2+2?' });
    assert.deepEqual(one.assert, [{ type: 'equals', value: '4' }, { type: 'llm-rubric', value: ' is a number', threshold: 0.8 }]);
    assert.equal(one.threshold, 0.5);
    assert.equal(two.description, 'Row #2');
    assert.deepEqual(two.assert, [{ type: 'not-contains', value: 'foo' }, { type: 'contains-any', value: ['a', 'b'] }]);
  });

  it('reads __expected cells as promptfoo does', () => {
    assert.deepEqual(assertionFromString('Paris'), { type: 'equals', value: 'Paris' });
    assert.deepEqual(assertionFromString('contains-json'), { type: 'contains-json' });
    assert.deepEqual(assertionFromString('is-json'), { type: 'is-json' });
    assert.deepEqual(assertionFromString('regex:^\\d+$'), { type: 'regex', value: '^\\d+$' });
    assert.deepEqual(assertionFromString('starts-with:Yes'), { type: 'starts-with', value: 'Yes', threshold: 0.75 });
    assert.deepEqual(assertionFromString('grade:polite'), { type: 'llm-rubric', value: 'polite' });
    assert.deepEqual(assertionFromString('similar(0.9):hello'), { type: 'similar', value: 'hello', threshold: 0.9 });
    assert.deepEqual(assertionFromString('python: output == 1'), { type: 'python', value: 'output == 1' });
    assert.deepEqual(assertionFromString('contains-all:x,y'), { type: 'contains-all', value: ['x', 'y'] });
    // Not a known type: the whole cell is the expected output.
    assert.deepEqual(assertionFromString('answer: 4'), { type: 'equals', value: 'answer: 4' });
  });

  it('vars from files, file:// vars (globs expand), trailing newlines and {{var}} references', () => {
    write('notes/a.txt', 'alpha\n');
    write('notes/b.txt', 'beta');
    write('shared.yaml', 'tone: dry\n');
    const cfg = write(
      'promptfooconfig.yaml',
      [
        'tests:',
        '  - vars: file://shared.yaml',
        '    assert: [{ type: contains, value: "{{tone}}" }]',
        '  - vars:',
        '      note: file://notes/*.txt',
        '      text: |',
        '        line one',
        '      both: "{{text}}!"',
        '    assert: [{ type: icontains, value: "{{note}}" }]',
      ].join('\n'),
    );
    const tests = parseDatasetText(fs.readFileSync(cfg, 'utf8'), cfg).promptfoo!.tests;
    assert.deepEqual(tests.map((t) => t.vars), [{ tone: 'dry' }, { note: 'alpha', text: 'line one', both: 'line one!' }, { note: 'beta', text: 'line one', both: 'line one!' }]);
    assert.deepEqual(tests.map((t) => t.assert[0].value), ['dry', 'alpha', 'beta']);
  });

  it('JSONL and JSON test files; a defaultTest from a file; disableVarExpansion', async () => {
    write('t.jsonl', '{"vars":{"q":"a"},"assert":[{"type":"equals","value":"A"}]}\n\n{"vars":{"q":"b"}}\n');
    write('default.yaml', 'assert:\n  - type: is-json\n');
    write('t.json', JSON.stringify([{ vars: { q: ['x', 'y'] }, options: { disableVarExpansion: true } }]));
    const cfg = write('promptfooconfig.yaml', 'defaultTest: file://default.yaml\ntests:\n  - file://t.jsonl\n  - file://t.json\n');
    const tests = (await loadDatasetFile(cfg)).promptfoo!.tests;
    assert.deepEqual(tests.map((t) => [t.description, t.assert.map((a) => a.type)]), [['Row #1', ['is-json', 'equals']], ['Row #2', ['is-json']], ['Row #1', ['is-json']]]);
    assert.deepEqual(tests[2].vars, { q: ['x', 'y'] });
    const direct = await loadDatasetFile(path.join(dir, 't.jsonl'));
    assert.equal(direct.format, 'promptfoo');
  });

  it('refuses what cannot run here, naming the assert and the test, never dropping it', async () => {
    const cases: [string, RegExp][] = [
      ['tests:\n  - description: js\n    vars: {q: a}\n    assert: [{type: javascript, value: "output.length > 1"}]\n', /record 1, field "assert\[0\]": "js": the assertion "javascript" cannot run in DLPO \(it runs JavaScript code\)/],
      ['tests:\n  - vars: {q: a}\n    assert: [{type: equals, value: a}, {type: similar, value: b}]\n', /field "assert\[1\]": test 1: the assertion "similar" cannot run in DLPO \(it needs an embedding model\)/],
      ['defaultTest:\n  assert: [{type: python, value: "True"}]\ntests:\n  - vars: {q: a}\n', /"python" cannot run in DLPO/],
      ['tests:\n  - vars: {q: a}\n    assert: [{type: not-llm-rubric, value: x}]\n', /"not-llm-rubric"/],
      ['tests:\n  - vars: {q: a}\n    assert: [{type: contains, value: x, transform: "output.trim()"}]\n', /has "transform", which DLPO does not apply/],
      ['tests:\n  - vars: {q: a}\n    options: {prefix: "Hi "}\n', /options\.prefix/],
      ['tests:\n  - vars: {q: a}\n    provider: openai:gpt-4o\n', /test-level provider/],
      ['tests: file://gen.py:make_tests\n', /generated by a script/],
      ['tests: file://missing-*.yaml\n', /matches no test file/],
      ['scenarios: []\ntests: []\n', /scenarios/],
      ['tests:\n  - vars: {q: file://code.py}\n', /computed by a script/],
      ['tests:\n  - vars: {q: a}\n    assert: [{type: assert-set, assert: [{type: equals, value: a}, {type: python, value: x}]}]\n', /field "assert\[0\]\.assert\[1\]": test 1: the assertion "python" cannot run/],
      ['tests:\n  - vars: {q: a}\n    assert: [{type: assert-set, assert: []}]\n', /the assert-set has no assertions/],
      ['tests:\n  - vars: {q: a}\n  - description: empty\n', /record 2: "empty" has none of assert, vars/],
    ];
    for (const [yaml, pattern] of cases) {
      const cfg = write('promptfooconfig.yaml', yaml);
      await rejects(loadDatasetFile(cfg), pattern);
    }
    const cfg = write('promptfooconfig.yaml', `tests:\n${'  - vars: {q: a}\n    assert: [{type: equals, value: a}]\n'.repeat(3)}`);
    await rejects(loadTask({ source: cfg, goldField: 'q' }, { seed: 1, cwd: dir }), /--gold-field does not apply/);
  });

  it('a plain dataset with a "tests" key of records is not taken for promptfoo tests', () => {
    assert.equal(isPromptfooValue({ tests: [{ question: 'q', answer: 'a' }] }), false);
    assert.equal(isPromptfooValue({ tests: [{ question: 'q' }, { vars: { q: 'a' } }] }), true);
    assert.equal(isPromptfooValue({ tests: 'file://t.csv' }), true);
  });

  it('--metric replaces the assertions; the promptfoo metric needs a promptfoo suite', async () => {
    const cfg = write('promptfooconfig.yaml', `tests:\n${['a', 'b', 'c'].map((x) => `  - vars: {q: ${x}}\n    assert: [{type: equals, value: ${x.toUpperCase()}}]\n`).join('')}`);
    const t = await loadTask({ source: cfg }, { seed: 1, cwd: dir, metric: 'exact-ci' });
    assert.equal(t.metric.name, 'exact-ci');
    const plain = write('d.jsonl', '{"question":"q","answer":"a"}\n');
    await assert.rejects(loadTask({ source: plain }, { seed: 1, cwd: dir, metric: 'promptfoo' }), /not a promptfoo config or test file/);
  });

  it('globFiles: *, **, {a,b}, sorted', () => {
    write('g/a.yaml', '');
    write('g/b.yml', '');
    write('g/sub/c.yaml', '');
    write('g/sub/deep/d.yaml', '');
    const rel = (files: string[]) => files.map((f) => path.relative(dir, f).split(path.sep).join('/'));
    assert.deepEqual(rel(globFiles('g/*.yaml', dir)), ['g/a.yaml']);
    assert.deepEqual(rel(globFiles('g/*.{yaml,yml}', dir)), ['g/a.yaml', 'g/b.yml']);
    assert.deepEqual(rel(globFiles('g/**/*.yaml', dir)), ['g/a.yaml', 'g/sub/c.yaml', 'g/sub/deep/d.yaml']);
    assert.deepEqual(rel(globFiles('g/sub/c.yaml', dir)), ['g/sub/c.yaml']);
  });
});
