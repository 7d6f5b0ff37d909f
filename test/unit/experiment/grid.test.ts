import * as assert from 'node:assert/strict';
import { ExperimentSpecSchema } from '../../../src/core/experiment/experimentSpec';
import { expandConfigs, planRuns } from '../../../src/core/experiment/grid';

const base = { prompt: 'p.prompt.md', data: { source: 'gsm8k' } };

describe('experiment grid', () => {
  it('multiplies configurations by seeds with stable keys', () => {
    const spec = ExperimentSpecSchema.parse({ ...base, seeds: 3, configs: [{ name: 'textgrad', preset: 'textgrad' }, { name: 'robust', preset: 'robust' }] });
    const runs = planRuns(spec);
    assert.equal(runs.length, 6);
    assert.deepEqual(runs.map((r) => r.key).slice(0, 3), ['textgrad__seed-1001', 'textgrad__seed-1002', 'textgrad__seed-1003']);
  });

  it('expands a parameter grid over every configuration and merges base settings', () => {
    const spec = ExperimentSpecSchema.parse({
      ...base,
      seeds: [1],
      base: { steps: 3, techniques: { tsa: true } },
      configs: [{ name: 'tlr', techniques: { dropout: 0.5 } }],
      grid: { 'techniques.lr': [1, 2], batchSize: [3, 5] },
    });
    const configs = expandConfigs(spec);
    assert.equal(configs.length, 4);
    assert.deepEqual(configs.map((c) => [c.techniques.lr, c.batchSize]), [[1, 3], [1, 5], [2, 3], [2, 5]]);
    for (const c of configs) {
      assert.equal(c.steps, 3);
      assert.equal(c.techniques.tsa, true);
      assert.equal(c.techniques.dropout, 0.5);
    }
    assert.equal(configs[0].name, 'tlr lr=1 batchSize=3');
  });

  it('refuses duplicate configuration names', () => {
    const spec = ExperimentSpecSchema.parse({ ...base, configs: [{ name: 'a' }, { name: 'a' }] });
    assert.throws(() => planRuns(spec), /unique name/);
  });
});
