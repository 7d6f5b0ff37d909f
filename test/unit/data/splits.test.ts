import { strict as assert } from 'node:assert';
import { DatasetError } from '../../../src/core/data/datasetError';
import type { Example } from '../../../src/core/data/example';
import { defaultSplitSizes, splitExamples } from '../../../src/core/data/splits';

const examples: Example[] = Array.from({ length: 30 }, (_, i) => ({ id: `e${i}`, input: `q${i}`, gold: String(i), vars: {} }));

describe('splits', () => {
  it('same seed, same split; different seed, different order; disjoint', () => {
    const a = splitExamples(examples, { train: 10, val: 5, test: 5 }, 7);
    const b = splitExamples(examples, { train: 10, val: 5, test: 5 }, 7);
    const c = splitExamples(examples, { train: 10, val: 5, test: 5 }, 8);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.train.map((e) => e.id), c.train.map((e) => e.id));
    const ids = [...a.train, ...a.val, ...a.test].map((e) => e.id);
    assert.equal(new Set(ids).size, 20);
    assert.deepEqual([a.train.length, a.val.length, a.test.length], [10, 5, 5]);
  });

  it('test defaults to the rest', () => {
    const s = splitExamples(examples, { train: 10, val: 5 }, 1);
    assert.equal(s.test.length, 15);
  });

  it('defaults: a third each up to 50/50', () => {
    assert.deepEqual(defaultSplitSizes(30), { train: 10, val: 10 });
    assert.deepEqual(defaultSplitSizes(1000), { train: 50, val: 50 });
  });

  it('a split larger than the data is an error that says so', () => {
    assert.throws(() => splitExamples(examples, { train: 50, val: 100, test: 400 }, 1), (e: unknown) => e instanceof DatasetError && /dataset has 30/.test(e.message));
    assert.throws(() => splitExamples(examples.slice(0, 2), defaultSplitSizes(2), 1), (e: unknown) => e instanceof DatasetError && /too few/.test(e.message));
    assert.throws(() => splitExamples([], { train: 1, val: 0 }, 1), DatasetError);
  });
});
