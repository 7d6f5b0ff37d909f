import { strict as assert } from 'node:assert';
import { DEFAULT_SETTINGS, type DlpoSettings } from '../../../src/extension/config/settingsModel';
import {
  formatIssues,
  mergeRunConfig,
  modelsConfigured,
  settingKeyFor,
  settingsLayer,
  type ConfigLayer,
} from '../../../src/extension/config/settingsToRunConfig';

const choices = (values: Record<string, unknown> = {}): ConfigLayer => ({
  name: 'choices',
  values: { promptFile: '/ws/math.prompt.md', data: { source: 'gsm8k' }, ...values },
});
const file = (values: Record<string, unknown>): ConfigLayer => ({ name: 'file', label: 'dlpo.config.yaml', values });
const settings = (over: Partial<DlpoSettings> = {}): ConfigLayer => settingsLayer({ ...DEFAULT_SETTINGS, ...over });

function ok(layers: ConfigLayer[]) {
  const r = mergeRunConfig(layers);
  if (!r.ok) assert.fail(formatIssues(r.issues));
  return r.config;
}

describe('extension config merge (settings < workspace file < command choices)', () => {
  it('takes the settings defaults when nothing else is given', () => {
    const c = ok([settings(), choices()]);
    assert.equal(c.batchSize, 5);
    assert.equal(c.seed, 1001);
    assert.equal(c.preset, 'best');
    assert.equal(c.budget.maxCostUsd, 1);
    assert.equal(c.cache.enabled, true);
    // The best preset's techniques are resolved into the config.
    assert.equal(c.techniques.tsa, true);
    assert.equal(c.techniques.lrDecay, 5);
    assert.equal(c.techniques.dropout, 0);
  });

  it('lets the workspace file override settings and the choices override both', () => {
    const c = ok([
      settings({ batchSize: 3, seed: 7, preset: 'textgrad' }),
      file({ batchSize: 4, epochs: 2, preset: 'robust', budget: { maxCalls: 500 } }),
      choices({ preset: 'best', metric: 'numeric' }),
    ]);
    assert.equal(c.batchSize, 4, 'file beats settings');
    assert.equal(c.epochs, 2);
    assert.equal(c.seed, 7, 'settings survive where the file is silent');
    assert.equal(c.preset, 'best', 'choice beats file');
    assert.equal(c.metric, 'numeric');
    assert.deepEqual(c.budget, { maxCostUsd: 1, maxCalls: 500 }, 'objects merge key by key');
    assert.equal(c.techniques.tsa, true);
    assert.equal(c.techniques.dropout, 0, 'robust from the file no longer applies');
  });

  it('applies explicit technique settings on top of whichever preset wins', () => {
    const c = ok([settings({ techniques: { dropout: 0.3 } }), choices({ preset: 'robust' })]);
    assert.equal(c.techniques.dropout, 0.3);
    assert.equal(c.techniques.lr, 1, 'the rest of robust stays');
    const f = ok([settings(), file({ techniques: { momentum: 2 } }), choices()]);
    assert.equal(f.techniques.momentum, 2);
    assert.equal(f.techniques.tsa, true);
  });

  it('builds the model specs from the provider settings', () => {
    const s = settings({ provider: 'openai-compatible', forwardModel: 'llama3.1', baseUrl: 'http://127.0.0.1:11434/v1', azureEndpoint: 'https://x.openai.azure.com' });
    const c = ok([s, choices()]);
    assert.deepEqual(
      { p: c.forward.provider, m: c.forward.model, u: c.forward.baseUrl, a: c.forward.azureEndpoint },
      { p: 'openai-compatible', m: 'llama3.1', u: 'http://127.0.0.1:11434/v1', a: undefined },
    );
    assert.equal(c.backward.model, 'llama3.1', 'backward defaults to the forward model');
    const split = ok([settings({ provider: 'openai', forwardModel: 'gpt-4o-mini', backwardModel: 'gpt-4o', backwardProvider: 'azure', azureEndpoint: 'https://x.openai.azure.com' }), choices()]);
    assert.equal(split.forward.provider, 'openai');
    assert.equal(split.backward.provider, 'azure');
    assert.equal(split.backward.model, 'gpt-4o');
    assert.equal(split.backward.azureEndpoint, 'https://x.openai.azure.com');
  });

  it('does not carry a lower layer’s endpoint into a different provider', () => {
    const c = ok([
      settings({ provider: 'azure', forwardModel: 'my-deploy', azureEndpoint: 'https://x.openai.azure.com' }),
      choices({ forward: { provider: 'simulator', model: 'simulator' }, backward: { provider: 'simulator', model: 'simulator' } }),
    ]);
    assert.equal(c.forward.provider, 'simulator');
    assert.equal(c.forward.azureEndpoint, undefined);
  });

  it('knows whether models are configured', () => {
    assert.equal(modelsConfigured([settings(), choices()]), false);
    assert.equal(modelsConfigured([settings({ provider: 'simulator' }), choices()]), true);
    assert.equal(modelsConfigured([settings(), file({ forward: { provider: 'openai', model: 'gpt-4o-mini' } }), choices()]), false);
    assert.equal(
      modelsConfigured([settings(), file({ forward: { provider: 'openai', model: 'a' }, backward: { provider: 'openai', model: 'b' } }), choices()]),
      true,
    );
  });

  describe('validation errors', () => {
    it('names the setting that holds a bad value', () => {
      const r = mergeRunConfig([settings({ batchSize: 0 }), choices()]);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.issues.length, 1);
      assert.equal(r.issues[0].path, 'batchSize');
      assert.equal(r.issues[0].source, 'setting dlpo.batchSize');
    });

    it('names the file when the file holds the bad value, even over a good setting', () => {
      const r = mergeRunConfig([settings({ batchSize: 5 }), file({ batchSize: -2, budget: { maxCostUsd: -1 } }), choices()]);
      assert.equal(r.ok, false);
      if (r.ok) return;
      const paths = r.issues.map((i) => `${i.source}|${i.path}`).sort();
      assert.deepEqual(paths, ['dlpo.config.yaml|batchSize', 'dlpo.config.yaml|budget.maxCostUsd']);
      assert.match(formatIssues(r.issues), /^dlpo\.config\.yaml: batchSize: /m);
    });

    it('reports unknown keys and technique names in the file with a suggestion', () => {
      const r = mergeRunConfig([settings(), file({ batchsize: 3, techniques: { dropuot: 0.2 } }), choices()]);
      assert.equal(r.ok, false);
      if (r.ok) return;
      const byPath = new Map(r.issues.map((i) => [i.path, i.message]));
      assert.match(byPath.get('batchsize') ?? '', /did you mean batchSize/);
      assert.match(byPath.get('techniques.dropuot') ?? '', /did you mean dropout/);
    });

    it('rejects an unknown preset with the list of presets', () => {
      const r = mergeRunConfig([settings(), file({ preset: 'fastest' }), choices()]);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.issues[0].path, 'preset');
      assert.match(r.issues[0].message, /best, robust, textgrad, reference, all, custom/);
    });

    it('rejects an out-of-range technique value from a choice and a missing dataset', () => {
      const r = mergeRunConfig([settings(), { name: 'choices', values: { promptFile: '/p.md', techniques: { dropout: 1.5 } } }]);
      assert.equal(r.ok, false);
      if (r.ok) return;
      const sources = new Map(r.issues.map((i) => [i.path, i.source]));
      assert.equal(sources.get('techniques.dropout'), 'your choice');
      assert.equal(sources.get('data'), 'dataset choice');
    });

    it('rejects a bad base URL and points at its setting', () => {
      const r = mergeRunConfig([settings({ provider: 'openai-compatible', forwardModel: 'm', baseUrl: 'not a url' }), choices()]);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.ok(r.issues.every((i) => i.source === 'setting dlpo.baseUrl'), formatIssues(r.issues));
    });
  });

  it('maps config paths back to setting keys', () => {
    assert.equal(settingKeyFor(['techniques', 'tsaTemperature']), 'dlpo.techniques.tsaTemperature');
    assert.equal(settingKeyFor(['backward', 'model']), 'dlpo.backwardModel');
    assert.equal(settingKeyFor(['cache', 'dir']), 'dlpo.cache.location');
    assert.equal(settingKeyFor(['data', 'source']), undefined);
  });
});

describe('extension config merge: missing model names', () => {
  it('asks for the model name setting when a real provider has none', () => {
    const r = mergeRunConfig([settingsLayer({ ...DEFAULT_SETTINGS, provider: 'openai' }), { name: 'choices', values: { promptFile: '/p.md', data: { source: 'gsm8k' } } }]);
    assert.equal(r.ok, false);
    if (r.ok) return;
    const sources = r.issues.map((i) => i.source).sort();
    assert.deepEqual(sources, ['setting dlpo.backwardModel', 'setting dlpo.forwardModel']);
  });
});
