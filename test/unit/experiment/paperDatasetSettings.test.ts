import { strict as assert } from 'node:assert';
import { runConfigFor } from '../../../src/core/experiment/runExperiment';
import { planRuns } from '../../../src/core/experiment/grid';
import { paperExperimentSpec, referenceDatasetSettings } from '../../../src/core/experiment/paperExperiments';

describe('paper experiments: the reference’s per-dataset settings', () => {
  it('knows the TSA decays the reference notes per dataset (optimizer_v2/optimizer.py 344-351)', () => {
    assert.deepEqual(referenceDatasetSettings('biggsm'), { tsaDecay: 1.75 });
    assert.deepEqual(referenceDatasetSettings('mgsm'), { tsaDecay: 2 });
    assert.deepEqual(referenceDatasetSettings('bbh/object_counting'), { tsaDecay: 4 });
    assert.deepEqual(referenceDatasetSettings('mmlu'), { tsaDecay: 16 });
    assert.equal(referenceDatasetSettings('gsm8k'), null);
    assert.equal(referenceDatasetSettings('data/bbh.jsonl'), null);
  });

  it('applies them to every configuration of a paper table unless the user set the decay', () => {
    const spec = paperExperimentSpec('ablation', { prompt: '/p.prompt.md', data: { source: 'bbh/navigate' } });
    const configs = planRuns(spec).map((r) => runConfigFor(spec, r.config, r.seed));
    assert.ok(configs.every((c) => c.techniques.tsaDecay === 4));
    const mine = paperExperimentSpec('ablation', { prompt: '/p.prompt.md', data: { source: 'bbh/navigate' }, base: { techniques: { tsaDecay: 3 } } });
    assert.ok(planRuns(mine).every((r) => runConfigFor(mine, r.config, r.seed).techniques.tsaDecay === 3));
    const gsm = paperExperimentSpec('ablation', { prompt: '/p.prompt.md', data: { source: 'gsm8k' } });
    assert.ok(planRuns(gsm).every((r) => runConfigFor(gsm, r.config, r.seed).techniques.tsaDecay === 2));
  });
});
