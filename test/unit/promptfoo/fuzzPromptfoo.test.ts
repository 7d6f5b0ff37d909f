import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { DatasetError } from '../../../src/core/data/datasetError';
import { InputFileError } from '../../../src/core/data/inputFile';
import { jsonObjectsIn } from '../../../src/core/promptfoo/jsonInOutput';
import { loadPromptfooSuite } from '../../../src/core/promptfoo/loadSuite';
import { scoreAssertion } from '../../../src/core/promptfoo/scoreAssertion';
import { SUPPORTED_ASSERTIONS } from '../../../src/core/promptfoo/supportedAssertions';

/**
 * Fuzzing the promptfoo half: suites assembled from the pieces promptfoo configs are made
 * of (tests as objects, strings and globs, defaultTest, vars of every shape, assertions of
 * every type with odd values) may only fail with DatasetError or InputFileError (bad
 * input, exit 2); every supported assertion scores any reply without throwing, with a
 * score in 0..1.
 */

const valueArb = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }), fc.constantFrom('{{q}}', '{% if %}', '{{ q | upper }}', 'file://nope.txt', '^(a|b)+$', '(', 'type: object'));
const assertionArb = fc.record(
  {
    type: fc.constantFrom(...SUPPORTED_ASSERTIONS, ...SUPPORTED_ASSERTIONS.map((t) => `not-${t}`), 'javascript', 'assert-set', 'similar', 'bogus'),
    value: valueArb,
    weight: fc.oneof(fc.constant(0), fc.constant(2), fc.constant(-1)),
    threshold: fc.double({ min: 0, max: 1, noNaN: true }),
    assert: fc.array(fc.record({ type: fc.constantFrom('contains', 'equals', 'python'), value: valueArb }), { maxLength: 2 }),
  },
  { requiredKeys: ['type'] },
);
const testArb = fc.oneof(
  fc.record({ description: fc.string({ maxLength: 8 }), vars: fc.oneof(fc.dictionary(fc.constantFrom('q', 'a', 'list'), valueArb, { maxKeys: 3 }), fc.constant('file://vars.yaml'), fc.constant(['file://*.yaml'])), assert: fc.array(assertionArb, { maxLength: 3 }), threshold: fc.double({ min: 0, max: 1, noNaN: true }) }, { requiredKeys: [] }),
  fc.constantFrom('file://tests.yaml', 'file://*.csv', 'tests.json', 'file://missing.yaml', 'gen.py', 'https://x/y.csv'),
  valueArb,
);
const suiteArb = fc.oneof(
  fc.array(testArb, { maxLength: 4 }),
  fc.record({ tests: fc.oneof(fc.array(testArb, { maxLength: 4 }), fc.constantFrom('file://tests.yaml', 'file://*.csv', 'tests.csv', '')), defaultTest: fc.oneof(fc.record({ vars: fc.dictionary(fc.constantFrom('q', 'x'), valueArb, { maxKeys: 2 }), assert: fc.array(assertionArb, { maxLength: 2 }) }), fc.constant('file://default.yaml'), valueArb) }, { requiredKeys: [] }),
  valueArb,
);

describe('fuzz: promptfoo suites and assertions', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-pffuzz-'));
    fs.writeFileSync(path.join(dir, 'tests.yaml'), '- vars: {q: a}\n  assert: [{type: contains, value: "{{q}}"}]\n- "nested.yaml"\n');
    fs.writeFileSync(path.join(dir, 'nested.yaml'), 'vars: {q: b}\n');
    fs.writeFileSync(path.join(dir, 'tests.csv'), 'q,__expected\na,contains:a\nb,fn:1\n');
    fs.writeFileSync(path.join(dir, 'tests.json'), '[{"vars": {"q": "c"}}, 3]');
    fs.writeFileSync(path.join(dir, 'vars.yaml'), 'q: from-file\n');
    fs.writeFileSync(path.join(dir, 'default.yaml'), '- not a mapping\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loading throws only DatasetError or InputFileError', () => {
    fc.assert(
      fc.property(suiteArb, (suite) => {
        try {
          const loaded = loadPromptfooSuite(suite, path.join(dir, 'promptfooconfig.yaml'));
          for (const t of loaded.tests) assert.ok(Array.isArray(t.assert) && typeof t.vars === 'object');
        } catch (e) {
          if (!(e instanceof DatasetError || e instanceof InputFileError)) throw e;
        }
      }),
      { numRuns: 400 },
    );
  });

  it('every supported assertion scores any reply in 0..1 without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SUPPORTED_ASSERTIONS.filter((t) => t !== 'llm-rubric')), fc.boolean(), valueArb, fc.oneof(fc.string({ maxLength: 60 }), fc.json(), fc.constantFrom('{"a": {', '{{{{', 'x {a: 1} y', '')), async (type, not, value, output) => {
        const r = await scoreAssertion({ type: not ? `not-${type}` : type, value }, output, undefined);
        assert.ok(r.score >= 0 && r.score <= 1 && typeof r.pass === 'boolean' && r.reason.length > 0);
      }),
      { numRuns: 600 },
    );
  });

  it('finding JSON objects in hostile replies stays bounded', () => {
    for (const hostile of ['{'.repeat(100_000), '{"a":'.repeat(20_000), `${'{a: 1} '.repeat(5_000)}`, '}{'.repeat(50_000)]) {
      const t0 = Date.now();
      jsonObjectsIn(hostile);
      assert.ok(Date.now() - t0 < 5_000, `${hostile.slice(0, 10)}… took ${Date.now() - t0} ms`);
    }
  });
});
