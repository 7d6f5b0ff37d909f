import { strict as assert } from 'node:assert';
import { afterAccept, annealingDecision, initialAnnealing } from '../../../src/core/dlpo/techniques/annealing';
import { Rng } from '../../../src/core/run/rng';

describe('TSA: simulated annealing', () => {
  const never = () => {
    throw new Error('no draw expected');
  };

  it('accepts an improvement or a tie without a draw', () => {
    const d = annealingDecision({ lastScore: 0.5, temperature: 64 }, 0.5, 0.3, never);
    assert.deepEqual(d, { candidateScore: 0.5, lastScore: 0.5, delta: 0, temperature: 64, probability: 1, draw: null, accepted: true });
    assert.equal(annealingDecision({ lastScore: 0.5, temperature: 1 }, 0.9, 0.3, never).accepted, true);
  });

  it('rejects a drop larger than maxDrop outright (and exactly 0.3 is not larger)', () => {
    const d = annealingDecision({ lastScore: 0.8, temperature: 64 }, 0.4, 0.3, never);
    assert.equal(d.accepted, false);
    assert.equal(d.probability, 0);
    assert.equal(d.draw, null);
    const edge = annealingDecision({ lastScore: 0.5, temperature: 64 }, 0.2, 0.3, () => 0.5);
    assert.equal(edge.draw, 0.5);
  });

  it('accepts a smaller drop with p = exp(Δ / T) against the seeded draw, at several temperatures', () => {
    for (const [temperature, delta] of [
      [64, -0.1],
      [1, -0.2],
      [0.25, -0.1],
      [0.0625, -0.05],
      [0.01, -0.3],
    ] as const) {
      const rng = Rng.derive(1001, 'tsa');
      const expectedDraw = Rng.derive(1001, 'tsa').next();
      const d = annealingDecision({ lastScore: 0.6, temperature }, 0.6 + delta, 0.3, () => rng.next());
      const p = Math.exp((0.6 + delta - 0.6) / temperature);
      assert.ok(Math.abs(d.probability - p) < 1e-12, `T=${temperature}`);
      assert.equal(d.draw, expectedDraw);
      assert.equal(d.accepted, expectedDraw <= p);
    }
    // method.md: after 10 accepts from 64 with decay 2, a 0.05 drop passes with p ≈ 0.45.
    const p10 = annealingDecision({ lastScore: 0.5, temperature: 64 / 2 ** 10 }, 0.45, 0.3, () => 0.99).probability;
    assert.ok(Math.abs(p10 - 0.449) < 0.001, String(p10));
  });

  it('decides by the draw: below p accepts, above p rejects', () => {
    const p = Math.exp(-0.2 / 0.5);
    assert.equal(annealingDecision({ lastScore: 0.7, temperature: 0.5 }, 0.5, 0.3, () => p - 1e-6).accepted, true);
    assert.equal(annealingDecision({ lastScore: 0.7, temperature: 0.5 }, 0.5, 0.3, () => p + 1e-6).accepted, false);
  });

  it('on accept sets last = acc and T = T / decay; the reference starts last at 0', () => {
    assert.deepEqual(afterAccept({ lastScore: 0.5, temperature: 64 }, 0.4, 2), { lastScore: 0.4, temperature: 32 });
    const opts = { temperature: 64, decay: 2, maxDrop: 0.3 };
    assert.deepEqual(initialAnnealing({ ...opts, initialScore: 'zero' }, 0.7), { lastScore: 0, temperature: 64 });
    assert.deepEqual(initialAnnealing({ ...opts, initialScore: 'start' }, 0.7), { lastScore: 0.7, temperature: 64 });
  });
});
