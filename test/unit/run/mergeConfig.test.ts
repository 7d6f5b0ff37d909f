import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findConfigFile, loadConfigFile } from '../../../src/core/config/loadConfigFile';
import { ConfigError, mergeConfig, mergeConfigOrThrow } from '../../../src/core/config/mergeConfig';

const required = { promptFile: 'p.prompt.md', data: { source: 'd.jsonl' } };

describe('config merge', () => {
  it('defaults < file < flags, objects merged field by field', () => {
    const config = mergeConfigOrThrow([
      { source: 'dlpo.config.yaml', values: { ...required, seed: 7, batchSize: 3, budget: { maxCalls: 100, maxCostUsd: 2 } } },
      { source: 'flags', values: { seed: 9, budget: { maxCostUsd: 1 } } },
    ]);
    assert.equal(config.seed, 9);
    assert.equal(config.batchSize, 3);
    assert.deepEqual(config.budget, { maxCalls: 100, maxCostUsd: 1 });
    assert.equal(config.epochs, 1, 'schema default');
  });

  it('puts the preset under explicit technique fields', () => {
    const best = mergeConfigOrThrow([{ source: 'flags', values: { ...required } }]);
    assert.equal(best.preset, 'best');
    assert.equal(best.techniques.lrDecay, 5);
    assert.equal(best.techniques.tsa, true);
    const tuned = mergeConfigOrThrow([
      { source: 'file', values: { ...required, preset: 'robust' } },
      { source: 'flags', values: { techniques: { dropout: 0.3 } } },
    ]);
    assert.equal(tuned.techniques.lr, 1, 'from the robust preset');
    assert.equal(tuned.techniques.dropout, 0.3, 'flag over preset');
    const ref = mergeConfigOrThrow([{ source: 'flags', values: { ...required, preset: 'reference' } }]);
    assert.equal(ref.method.gradientAggregation, 'single');
  });

  it('reports one readable line per problem', () => {
    const r = mergeConfig([
      { source: 'flags', values: { ...required, techniques: { dropout: 1.5, lr: -1 }, batchSize: 0, budget: { maxCostUsd: -1 }, preset: 'fast' } },
    ]);
    assert.equal(r.ok, false);
    const problems = r.ok ? [] : r.problems;
    assert.ok(problems.includes('techniques.dropout: must be ≤ 1 (got 1.5)'), problems.join('\n'));
    assert.ok(problems.includes('techniques.lr: must not be negative (got -1)'), problems.join('\n'));
    assert.ok(problems.includes('batchSize: must be ≥ 1 (got 0)'), problems.join('\n'));
    assert.ok(problems.includes('budget.maxCostUsd: must be greater than 0 (got -1)'), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('preset: must be one of best, robust')), problems.join('\n'));
    assert.ok(problems.every((p) => !p.includes('\n')));
  });

  it('names missing required fields and unknown ones with a suggestion', () => {
    const r = mergeConfig([{ source: 'dlpo.config.yaml', values: { techniqes: { lr: 1 } } }]);
    assert.equal(r.ok, false);
    const problems = r.ok ? [] : r.problems;
    assert.ok(problems.includes('techniqes: unknown field in dlpo.config.yaml (did you mean techniques?)'), problems.join('\n'));
    assert.ok(problems.includes('promptFile: is required'), problems.join('\n'));
    assert.ok(problems.includes('data: is required'), problems.join('\n'));
    assert.throws(() => mergeConfigOrThrow([{ source: 'x', values: {} }]), ConfigError);
  });
});

describe('config file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads YAML and resolves paths relative to the file, leaving benchmark names alone', () => {
    fs.writeFileSync(path.join(dir, 'data.jsonl'), '');
    fs.writeFileSync(path.join(dir, 'dlpo.config.yaml'), 'preset: robust\ndata:\n  source: data.jsonl\nbudget:\n  maxCalls: 50\n');
    const file = findConfigFile(dir);
    assert.equal(file, path.join(dir, 'dlpo.config.yaml'));
    const layer = loadConfigFile(file!);
    assert.deepEqual(layer.values, { preset: 'robust', data: { source: path.join(dir, 'data.jsonl') }, budget: { maxCalls: 50 } });
    fs.writeFileSync(path.join(dir, 'dlpo.config.yaml'), 'data:\n  source: gsm8k\n');
    assert.deepEqual(loadConfigFile(file!).values, { data: { source: 'gsm8k' } });
  });

  it('reports broken files in one line', () => {
    const file = path.join(dir, 'dlpo.config.json');
    fs.writeFileSync(file, '{"preset": ');
    assert.throws(() => loadConfigFile(file), (e: unknown) => e instanceof ConfigError && /not valid JSON/.test(e.message));
    fs.writeFileSync(file, '[1,2]');
    assert.throws(() => loadConfigFile(file), /must be a mapping/);
  });
});
