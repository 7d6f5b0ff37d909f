import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { loadConfigFile } from '../../../src/core/config/loadConfigFile';
import { ConfigError, mergeConfig, type ConfigLayer } from '../../../src/core/config/mergeConfig';
import { RunConfigSchema } from '../../../src/core/config/runConfig';

/**
 * Config files and layers are user input: whatever they hold, loading ends in a layer or
 * a ConfigError with one readable line per problem, and merging ends in a valid RunConfig
 * or a list of problems — never another exception, never a hang. Each property runs a
 * fixed number of cases; every case is bounded by its input size.
 */

const KEYS = [
  'promptFile', 'data', 'source', 'trainSize', 'valSize', 'testSize', 'inputField', 'goldField', 'metric', 'forward', 'backward', 'provider', 'model',
  'baseUrl', 'temperature', 'maxTokens', 'preset', 'techniques', 'lr', 'lrDecay', 'dropout', 'momentum', 'tsa', 'tsaTemperature', 'method',
  'batchSize', 'epochs', 'steps', 'seed', 'budget', 'maxCalls', 'maxCostUsd', 'maxTimeSec', 'cache', 'dir', 'prices', 'patience', 'region',
  '__proto__', 'constructor', 'toString', 'techniqes', '',
];

/** Values shaped like configs: the real keys (and a few poisonous ones) with arbitrary values, nested. */
const arbs = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, Number.NaN, Infinity, '', 'best', 'gsm8k', 'simulator', 'openai', 'http://127.0.0.1:1/v1', '../x', 'C:\\x'),
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.array(tie('value'), { maxLength: 4 }),
    tie('object'),
  ),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 })), tie('value'), { maxKeys: 6 }),
}));
const configLike = arbs.value as fc.Arbitrary<unknown>;
/** A layer's values are a mapping by contract (loadConfigFile refuses anything else); inside it, anything goes. */
const layerValues = arbs.object as fc.Arbitrary<Record<string, unknown>>;

function problemsAreLines(problems: readonly string[]): void {
  assert.ok(problems.length > 0);
  for (const p of problems) {
    assert.equal(typeof p, 'string');
    assert.ok(p.trim().length > 0, 'a problem is never blank');
    assert.ok(p.length < 2000, 'a problem is one readable line, not a dump');
  }
}

function checkMerge(layers: ConfigLayer[]): void {
  const r = mergeConfig(layers);
  if (r.ok) assert.ok(RunConfigSchema.safeParse(r.config).success, 'a merged config is a valid RunConfig');
  else problemsAreLines(r.problems);
}

describe('reliability fuzz: configs (fast-check)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-fuzz-config-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('mergeConfig: any layers give a valid RunConfig or readable problems', () => {
    fc.assert(
      fc.property(fc.array(layerValues, { minLength: 1, maxLength: 3 }), (values) => {
        const layers = values.map((v, i) => ({ source: `layer${i}`, values: v }));
        checkMerge(layers);
      }),
      { numRuns: 300 },
    );
  });

  it('mergeConfig: a valid base plus arbitrary overrides', () => {
    const base: ConfigLayer = { source: 'base', values: { promptFile: '/p.prompt.md', data: { source: 'gsm8k' } } };
    fc.assert(
      fc.property(layerValues, (over) => checkMerge([base, { source: 'flags', values: over }])),
      { numRuns: 300 },
    );
  });

  it('loadConfigFile: arbitrary YAML and JSON text (and serialised config-like values) load or fail with ConfigError', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      configLike.map((v) => toYaml(v ?? null)),
      configLike.map((v) => JSON.stringify(v) ?? 'null'),
      fc.constantFrom('a: &x [*x]', 'a: &a [*a, *a, *a, *a, *a, *a, *a, *a]', 'a: &a {b: *a, c: *a}', 'a: !!binary ---', '%YAML 9.9\n---\na: 1', '{{{{', ': :', '- - -', 'a: b: c', '\uFEFFpreset: best', 'x: 1\n'.repeat(50)),
    );
    let n = 0;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      fc.assert(
        fc.property(text, fc.constantFrom('.yaml', '.yml', '.json'), (content, ext) => {
          const file = path.join(dir, `c${n++}${ext}`);
          fs.writeFileSync(file, content);
          let layer: ConfigLayer;
          try {
            layer = loadConfigFile(file);
          } catch (e) {
            assert.ok(e instanceof ConfigError, `not a ConfigError: ${(e as Error)?.stack ?? e}`);
            problemsAreLines(e.problems);
            return;
          } finally {
            fs.rmSync(file, { force: true });
          }
          assert.equal(typeof layer.values, 'object');
          checkMerge([layer, { source: 'flags', values: { promptFile: '/p.prompt.md', data: { source: 'gsm8k' } } }]);
        }),
        { numRuns: 300 },
      );
      // process warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    // A CLI user must not see a YAMLWarning dumped on the terminal; problems come as ConfigErrors.
    assert.deepEqual(warnings, []);
  });

  it('a YAML alias bomb is refused or bounded, not expanded without limit', () => {
    const file = path.join(dir, 'bomb.yaml');
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    try {
      const layer = loadConfigFile(file);
      checkMerge([layer]);
    } catch (e) {
      assert.ok(e instanceof ConfigError, `not a ConfigError: ${(e as Error)?.stack ?? e}`);
    }
  });
});
