import * as assert from 'node:assert/strict';
import { bootstrapMeanInterval, pairedSignTest, summarize } from '../../../src/core/experiment/stats';

describe('experiment statistics', () => {
  it('summarizes with the sample standard deviation and ignores missing values', () => {
    const s = summarize([0.5, 0.7, null, 0.9]);
    assert.equal(s.n, 3);
    assert.ok(Math.abs((s.mean ?? 0) - 0.7) < 1e-12);
    assert.ok(Math.abs((s.std ?? 0) - 0.2) < 1e-12); // sqrt(((-.2)^2 + 0 + .2^2) / 2)
    assert.deepEqual([s.min, s.max], [0.5, 0.9]);
    assert.deepEqual(summarize([]), { n: 0, mean: null, std: null, min: null, max: null });
    assert.equal(summarize([0.4]).std, 0);
  });

  it('bootstraps an interval that contains the mean and is seeded', () => {
    const diffs = [0.1, 0.05, 0.2, -0.02, 0.12];
    const a = bootstrapMeanInterval(diffs, 7)!;
    const b = bootstrapMeanInterval(diffs, 7)!;
    assert.deepEqual(a, b);
    assert.ok(a.low <= a.mean && a.mean <= a.high);
    assert.ok(a.low >= Math.min(...diffs) && a.high <= Math.max(...diffs));
    const constant = bootstrapMeanInterval([0.3, 0.3, 0.3], 1)!;
    assert.equal(constant.low, 0.3);
    assert.equal(constant.high, 0.3);
    assert.equal(bootstrapMeanInterval([], 1), null);
  });

  it('computes the exact two-sided sign test on discordant pairs', () => {
    // 9 better, 1 worse, 5 ties: p = 2 * P(X <= 1 | n=10, 1/2) = 2 * 11/1024
    const pairs = [
      ...Array.from({ length: 9 }, () => ({ a: 1, b: 0 })),
      { a: 0, b: 1 },
      ...Array.from({ length: 5 }, () => ({ a: 1, b: 1 })),
    ];
    const t = pairedSignTest(pairs);
    assert.equal(t.pairs, 15);
    assert.equal(t.better, 9);
    assert.equal(t.worse, 1);
    assert.ok(Math.abs(t.pValue - 22 / 1024) < 1e-12);
    assert.equal(pairedSignTest([{ a: 1, b: 1 }]).pValue, 1);
    // Balanced outcomes are not significant; large n does not overflow.
    const big = Array.from({ length: 2000 }, (_, i) => ({ a: i % 2, b: (i + 1) % 2 }));
    assert.equal(pairedSignTest(big).pValue, 1);
  });
});
