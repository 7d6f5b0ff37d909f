import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { Rng, derive } from '../../../src/core/run/rng';

describe('rng', () => {
  it('is deterministic per (seed, purpose) and independent across purposes', () => {
    const a = derive(1001, 'batch');
    const b = derive(1001, 'batch');
    const c = derive(1001, 'tsa');
    const d = derive(1002, 'batch');
    const xa = Array.from({ length: 8 }, () => a.next());
    const xb = Array.from({ length: 8 }, () => b.next());
    const xc = Array.from({ length: 8 }, () => c.next());
    const xd = Array.from({ length: 8 }, () => d.next());
    assert.deepEqual(xa, xb);
    assert.notDeepEqual(xa, xc);
    assert.notDeepEqual(xa, xd);
  });

  it('resumes the same stream from a JSON round trip of its state', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(50), (seed, skip) => {
        const r = derive(seed, 'dropout');
        for (let i = 0; i < skip; i++) r.next();
        const copy = Rng.fromState(JSON.parse(JSON.stringify(r.state())));
        for (let i = 0; i < 20; i++) assert.equal(copy.nextUint32(), r.nextUint32());
      }),
    );
  });

  it('next() stays in [0, 1) and int(n) in [0, n)', () => {
    const r = derive(7, 'tsa');
    for (let i = 0; i < 2000; i++) {
      const x = r.next();
      assert.ok(x >= 0 && x < 1);
      const k = r.int(7);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
    }
    assert.throws(() => r.int(0), RangeError);
  });

  it('is roughly uniform (chi-square over 10 bins)', () => {
    const r = derive(42, 'batch');
    const bins = new Array(10).fill(0);
    const n = 20000;
    for (let i = 0; i < n; i++) bins[Math.floor(r.next() * 10)]++;
    const chi = bins.reduce((s, o) => s + (o - n / 10) ** 2 / (n / 10), 0);
    // 9 degrees of freedom: p = 0.001 at 27.9.
    assert.ok(chi < 27.9, `chi-square ${chi}`);
  });

  it('shuffle is a permutation and does not touch its input; sample draws distinct items', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer(), { maxLength: 30 }), (seed, items) => {
        const r = derive(seed, 'batch');
        const before = items.slice();
        const shuffled = r.shuffle(items);
        assert.deepEqual(items, before);
        assert.deepEqual(shuffled.slice().sort((a, b) => a - b), before.slice().sort((a, b) => a - b));
        const idx = items.map((_, i) => i);
        const k = Math.floor(items.length / 2);
        const s = r.sample(idx, k);
        assert.equal(s.length, k);
        assert.equal(new Set(s).size, k);
      }),
    );
  });
});
