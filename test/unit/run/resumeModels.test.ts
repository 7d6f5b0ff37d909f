import assert from 'node:assert/strict';
import { RunConfigSchema } from '../../../src/core/config/runConfig';
import { configHash, legacyConfigHash } from '../../../src/core/run/checkpoint';
import { applyResumeModels } from '../../../src/core/run/resumeModels';

const config = RunConfigSchema.parse({
  promptFile: '/w/p.prompt.md',
  data: { source: 'gsm8k' },
  forward: { provider: 'openai-compatible', model: 'm1', baseUrl: 'http://127.0.0.1:4101/v1', apiKeyEnv: 'K1', temperature: 0.3 },
  backward: { provider: 'openai-compatible', model: 'm1', baseUrl: 'http://127.0.0.1:4101/v1' },
});

describe('resume with a moved endpoint (resumeModels)', () => {
  it('applies only the given fields, lists each change, and warns only when the model changes', () => {
    const a = applyResumeModels(config, { forward: { baseUrl: 'http://127.0.0.1:4102/v1' } });
    assert.equal(a.forward.baseUrl, 'http://127.0.0.1:4102/v1');
    assert.equal(a.forward.temperature, 0.3, 'sampling stays');
    assert.equal(a.forward.apiKeyEnv, 'K1');
    assert.deepEqual(a.backward, config.backward);
    assert.deepEqual(a.changes, ['forward.baseUrl: http://127.0.0.1:4101/v1 → http://127.0.0.1:4102/v1']);
    assert.deepEqual(a.modelWarnings, []);

    const b = applyResumeModels(config, { backward: { model: 'm2' } });
    assert.deepEqual(b.changes, ['backward.model: m1 → m2']);
    assert.equal(b.modelWarnings.length, 1);
    assert.match(b.modelWarnings[0], /^The backward model changed from m1 to m2 on resume: .*not comparable/);

    // A new provider drops the old endpoint fields it was not given.
    const c = applyResumeModels(config, { forward: { provider: 'openai', model: 'gpt-x' } });
    assert.deepEqual(c.forward, { provider: 'openai', model: 'gpt-x', temperature: 0.3 });
    assert.deepEqual(applyResumeModels(config, undefined).changes, []);
  });

  it('the checkpoint hash ignores where the models are reached but not how they sample; the old hash is still known', () => {
    const moved = { ...config, forward: { ...config.forward, baseUrl: 'http://127.0.0.1:4102/v1', model: 'm2', apiKeyEnv: 'K2' } };
    assert.equal(configHash(moved), configHash(config));
    assert.notEqual(configHash({ ...config, forward: { ...config.forward, temperature: 0.7 } }), configHash(config));
    assert.notEqual(configHash({ ...config, seed: 7 }), configHash(config));
    // Checkpoints written before this change hashed the whole model spec.
    assert.notEqual(legacyConfigHash(moved), legacyConfigHash(config));
  });
});
