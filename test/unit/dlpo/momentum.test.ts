import { strict as assert } from 'node:assert';
import { MethodOptionsSchema, TechniqueOptionsSchema } from '../../../src/core/config/runConfig';
import { momentumCapacity, momentumList, momentumOptions, momentumWindow, rememberGradient } from '../../../src/core/dlpo/techniques/momentum';

describe('TMnt: textual momentum', () => {
  const t = (o: object) => TechniqueOptionsSchema.parse(o);
  const m = (o: object) => MethodOptionsSchema.parse(o);

  it('shows the k newest accepted gradients, oldest first', () => {
    let memory: string[] = [];
    for (const g of ['g1', 'g2', 'g3', 'g4', 'g5']) memory = rememberGradient(memory, g, 3);
    assert.deepEqual(memory, ['g3', 'g4', 'g5']);
    assert.deepEqual(momentumWindow(memory, 2), ['g4', 'g5']);
    assert.deepEqual(momentumWindow(memory, 5), ['g3', 'g4', 'g5']);
    assert.deepEqual(momentumWindow(memory, 0), []);
    assert.equal(momentumCapacity(t({ momentum: 5 })), 5);
    assert.equal(momentumCapacity(t({})), 3);
  });

  it('is a real switch by default, and always on with k = 3 under the reference quirk', () => {
    assert.equal(momentumOptions(t({}), m({})), null);
    assert.deepEqual(momentumOptions(t({ momentum: 2, momentumWeighting: 'recent' }), m({})), { k: 2, weighting: 'recent' });
    assert.deepEqual(momentumOptions(t({}), m({ pastFeedbackAlways: true })), { k: 3, weighting: 'uniform' });
  });

  it('labels the order, and the newest as most important under `recent` weighting', () => {
    const uniform = momentumList(['old', 'new'], 'uniform');
    assert.ok(uniform.indexOf('old') < uniform.indexOf('new'));
    assert.doesNotMatch(uniform, /weight/);
    const recent = momentumList(['old', 'mid', 'new'], 'recent');
    assert.match(recent, /weight 3\/3: most important\) ---\nnew/);
    assert.match(recent, /weight 1\/3\) ---\nold/);
  });
});
