import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { mergeConfig } from '../../../src/core/config/mergeConfig';
import { DEFAULT_SETTINGS } from '../../../src/extension/config/settingsModel';
import { settingsLayer } from '../../../src/extension/config/settingsToRunConfig';
import { firstJsonlRows, sampleConfigYaml, SAMPLE_ROWS } from '../../../src/extension/sample/sampleFiles';

const root = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  activationEvents?: string[];
  capabilities?: { untrustedWorkspaces?: { supported: string; restrictedConfigurations?: string[] }; virtualWorkspaces?: unknown };
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    keybindings?: { command: string }[];
    configuration: { properties: Record<string, { default?: unknown; scope?: string; markdownDescription?: string; description?: string }> };
    jsonValidation?: { fileMatch: string[]; url: string }[];
  };
};

describe('package.json contributions of the extension shell', () => {
  const commands = new Set(pkg.contributes.commands.map((c) => c.command));

  it('gives every command the DLPO category and a dlpo.camelCase id', () => {
    for (const c of pkg.contributes.commands) {
      assert.equal(c.category, 'DLPO', c.command);
      assert.match(c.command, /^dlpo\.[a-z][A-Za-z]+$/, c.command);
    }
  });

  it('menus and keybindings only name declared commands', () => {
    for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
      for (const item of items) if (item.command) assert.ok(commands.has(item.command), `${menu}: ${item.command}`);
    }
    for (const k of pkg.contributes.keybindings ?? []) assert.ok(commands.has(k.command), k.command);
  });

  it('declares scope, default and a description on every dlpo setting', () => {
    for (const [key, p] of Object.entries(pkg.contributes.configuration.properties)) {
      if (!key.startsWith('dlpo.')) continue;
      assert.ok(p.scope, `${key}: scope`);
      assert.ok('default' in p, `${key}: default`);
      assert.ok(p.markdownDescription || p.description, `${key}: description`);
    }
  });

  it('has settings defaults that match the ones the pure merge assumes', () => {
    const d = (k: string) => pkg.contributes.configuration.properties[`dlpo.${k}`]?.default;
    assert.equal(d('preset'), DEFAULT_SETTINGS.preset);
    assert.equal(d('azure.apiVersion'), DEFAULT_SETTINGS.azureApiVersion);
    assert.equal(d('batchSize'), DEFAULT_SETTINGS.batchSize);
    assert.equal(d('epochs'), DEFAULT_SETTINGS.epochs);
    assert.equal(d('seed'), DEFAULT_SETTINGS.seed);
    assert.equal(d('maxConcurrency'), DEFAULT_SETTINGS.maxConcurrency);
    assert.equal(d('requestTimeoutSec'), DEFAULT_SETTINGS.requestTimeoutSec);
    assert.equal(d('budget.maxCostUsd'), DEFAULT_SETTINGS.budget.maxCostUsd);
    assert.equal(d('budget.maxCalls'), null);
    assert.equal(d('reviewMode'), DEFAULT_SETTINGS.reviewMode);
    assert.equal(d('cache.enabled'), DEFAULT_SETTINGS.cacheEnabled);
    for (const k of Object.keys(pkg.contributes.configuration.properties).filter((k) => k.startsWith('dlpo.techniques.'))) {
      assert.equal(pkg.contributes.configuration.properties[k].default, null, `${k}: null = the preset's value`);
    }
  });

  it('restricts the endpoint and model settings in untrusted workspaces and says what virtual workspaces get', () => {
    const u = pkg.capabilities?.untrustedWorkspaces;
    assert.equal(u?.supported, 'limited');
    for (const k of ['dlpo.baseUrl', 'dlpo.provider', 'dlpo.forwardModel', 'dlpo.azure.endpoint']) assert.ok(u?.restrictedConfigurations?.includes(k), k);
    for (const k of u?.restrictedConfigurations ?? []) assert.ok(k in pkg.contributes.configuration.properties, k);
    assert.ok(pkg.capabilities?.virtualWorkspaces);
  });

  it('activates lazily (no "*")', () => {
    assert.ok(!(pkg.activationEvents ?? []).includes('*'));
    assert.ok(pkg.activationEvents?.includes('onView:dlpoRuns'));
  });

  it('validates dlpo.config.json with a schema that is up to date with RunConfigSchema', () => {
    const v = pkg.contributes.jsonValidation?.find((j) => j.fileMatch.includes('dlpo.config.json'));
    assert.ok(v);
    assert.ok(fs.existsSync(path.join(root, v.url)));
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'gen-schemas.mjs'), '--check'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr || r.stdout);
  });
});

describe('sample workspace files', () => {
  it('writes a config the merge accepts, on the offline simulator', () => {
    const values = parseYaml(sampleConfigYaml('file:///x/schemas/dlpo.config.schema.json')) as Record<string, unknown>;
    const r = mergeConfig([
      { source: 'settings', values: settingsLayer(DEFAULT_SETTINGS).values },
      { source: 'dlpo.config.yaml', values },
      { source: 'choices', values: { promptFile: '/ws/math.prompt.md', preset: 'best' } },
    ]);
    assert.ok(r.ok, r.ok ? '' : r.problems.join('\n'));
    if (!r.ok) return;
    assert.equal(r.config.forward.provider, 'simulator');
    assert.equal(r.config.backward.provider, 'simulator');
    assert.equal(r.config.data.source, 'gsm8k-sample.jsonl');
  });

  it('takes real GSM8K rows from the shipped benchmark data', () => {
    const text = fs.readFileSync(path.join(root, 'data', 'benchmarks', 'gsm8k', 'train.jsonl'), 'utf8');
    const rows = firstJsonlRows(text, SAMPLE_ROWS).trim().split('\n').map((l) => JSON.parse(l) as { question: string; answer: string });
    assert.equal(rows.length, SAMPLE_ROWS);
    assert.match(rows[0].question, /Natalia/);
    assert.ok(rows.every((r) => /#### -?[\d,.]+$/.test(r.answer)));
  });
});
