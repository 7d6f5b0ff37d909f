import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BENCHMARKS, findBenchmark } from '../../../src/core/data/benchmarks';
import { DatasetError } from '../../../src/core/data/datasetError';
import { loadTask } from '../../../src/core/data/loadTask';

const cwd = process.cwd();

describe('loadTask', function () {
  this.timeout(60_000);

  it("built-in benchmarks: the paper's split sizes, metric and forward format", async () => {
    const expected: Record<string, [number, number, number, string]> = {
      gsm8k: [50, 100, 400, 'numeric'],
      biggsm: [190, 10, 410, 'numeric'],
      mgsm: [50, 100, 2600, 'numeric'],
      'bbh/object_counting': [50, 50, 150, 'numeric'],
      'bbh/date_understanding': [50, 50, 150, 'choice'],
      'bbh/navigate': [50, 50, 150, 'exact-ci'],
      math: [100, 200, 300, 'boxed'],
      math500: [100, 100, 300, 'boxed'],
    };
    for (const [name, [train, val, test, metric]] of Object.entries(expected)) {
      const task = await loadTask({ source: name }, { seed: 1001, cwd });
      assert.deepEqual([task.train.length, task.val.length, task.test.length, task.metric.name], [train, val, test, metric], name);
      const ids = new Set([...task.train, ...task.val, ...task.test].map((e) => e.id));
      assert.equal(ids.size, train + val + test, `${name}: splits are disjoint`);
    }
    assert.equal(BENCHMARKS.length, 10);
    assert.equal(findBenchmark('bbh')?.name, 'bbh/object_counting');
  });

  it('math sets send "Question: …", BBH the raw input; the format instruction only when asked', async () => {
    const gsm = await loadTask({ source: 'gsm8k' }, { seed: 1, cwd });
    const e = gsm.test[0];
    const msgs = gsm.forwardMessages('Be careful.', e, { includeFormatInstruction: true });
    assert.deepEqual(msgs.map((m) => m.role), ['system', 'user']);
    assert.equal(msgs[0].content, 'Be careful.');
    assert.equal(msgs[1].content, `Question: ${e.input}\n\nThe last line of your response should be of the following format: 'Answer: $VALUE' where VALUE is a numerical value.`);
    assert.equal(gsm.forwardMessages('Be careful.', e, { includeFormatInstruction: false })[1].content, `Question: ${e.input}`);
    const bbh = await loadTask({ source: 'bbh/object_counting' }, { seed: 1, cwd });
    assert.equal(bbh.forwardMessages('p', bbh.test[0], { includeFormatInstruction: false })[1].content, bbh.test[0].input);
    const math = await loadTask({ source: 'math500' }, { seed: 1, cwd });
    assert.match(math.forwardMessages('p', math.test[0], { includeFormatInstruction: true })[1].content, /\\boxed\{\}\.$/);
  });

  it('a prompt with variables is rendered per example as the user message', async () => {
    const gsm = await loadTask({ source: 'gsm8k' }, { seed: 1, cwd });
    const e = gsm.train[0];
    const msgs = gsm.forwardMessages('Solve: {{question}}', e, { includeFormatInstruction: false });
    assert.deepEqual(msgs, [{ role: 'user', content: `Solve: ${e.input}` }]);
  });

  it('splits are seeded: same seed same split, other seed other split', async () => {
    const a = await loadTask({ source: 'biggsm' }, { seed: 7, cwd });
    const b = await loadTask({ source: 'biggsm' }, { seed: 7, cwd });
    const c = await loadTask({ source: 'biggsm', splitSeed: 8 }, { seed: 7, cwd });
    assert.deepEqual(a.train.map((e) => e.id), b.train.map((e) => e.id));
    assert.notDeepEqual(a.train.map((e) => e.id), c.train.map((e) => e.id));
  });

  it('MGSM mixes all 11 languages; sizes can be overridden and are checked', async () => {
    const task = await loadTask({ source: 'mgsm' }, { seed: 1, cwd });
    const langs = new Set([...task.train, ...task.val, ...task.test].map((e) => e.vars.language));
    assert.equal(langs.size, 11);
    const small = await loadTask({ source: 'gsm8k', trainSize: 5, valSize: 5, testSize: 10 }, { seed: 1, cwd });
    assert.deepEqual([small.train.length, small.val.length, small.test.length], [5, 5, 10]);
    await assert.rejects(loadTask({ source: 'gsm8k', testSize: 5000 }, { seed: 1, cwd }), DatasetError);
    await assert.rejects(loadTask({ source: 'bbh/object_counting', trainSize: 200, valSize: 100 }, { seed: 1, cwd }), /need 450 examples but the dataset has 250/);
  });

  it('a user file: inferred fields and metric, metric spec arguments, promptfoo metric', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-task-'));
    try {
      const sample = path.resolve('examples/gsm8k-sample.jsonl');
      const t = await loadTask({ source: sample }, { seed: 1, cwd: dir });
      assert.equal(t.metric.name, 'numeric');
      assert.deepEqual([t.train.length, t.val.length, t.test.length], [10, 10, 10]);
      assert.match(t.test[0].id, /^gsm8k-sample\.jsonl#\d+$/);
      const lenient = await loadTask({ source: sample }, { seed: 1, cwd: dir, metric: 'lenient:mgsm' });
      assert.equal(lenient.metric.name, 'lenient');
      fs.writeFileSync(path.join(dir, 'schema.json'), JSON.stringify({ type: 'object', required: ['answer'] }));
      const js = await loadTask({ source: sample }, { seed: 1, cwd: dir, metric: 'json-schema:schema.json' });
      assert.equal((await js.metric.score('{"answer": 1}', t.test[0])).score, 1);
      fs.writeFileSync(
        path.join(dir, 'tests.yaml'),
        ['tests:', ...['a', 'b', 'c'].map((x) => `  - vars: { topic: "${x}" }\n    assert: [{ type: icontains, value: "${x}" }]`)].join('\n'),
      );
      const pf = await loadTask({ source: 'tests.yaml' }, { seed: 1, cwd: dir });
      assert.equal(pf.metric.name, 'promptfoo');
      assert.equal((await pf.metric.score(`all about ${pf.test[0].vars.topic.toUpperCase()}`, pf.test[0])).score, 1);
      assert.equal(pf.forwardMessages('Write about {{topic}}.', pf.test[0], { includeFormatInstruction: false })[0].content.startsWith('Write about '), true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
