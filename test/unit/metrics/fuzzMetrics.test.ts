import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseJudgeReply } from '../../../src/core/metrics/judge';
import { normalizeLatexAnswer } from '../../../src/core/metrics/latexAnswer';
import { createMetric } from '../../../src/core/metrics/registry';
import { findNumbers } from '../../../src/core/metrics/numberParsing';
import { ex } from './helpers';

/**
 * Fuzzing the metrics: replies and gold answers built from answer-shaped pieces and
 * arbitrary Unicode. Every metric must return a score in [0, 1] and a one-line reason,
 * never throw, and finish on hostile inputs.
 */

const PIECES = ['Answer:', 'answer is:', ' 42', ' -3.5', ' $1,234', ' 3/4', ' 50%', ' (B)', ' B', '\\boxed{', '\\frac{1}{2}', '}', '{', '\\left(', '\\right)', ' ', '\n', '**', '১২', '−7', '.', ',', '####', 'Yes', 'no'];
const textArb = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 20 }).map((p) => p.join('')),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
);
const NAMES = ['numeric', 'lenient', 'boxed', 'choice', 'exact', 'exact-ci', 'contains', 'icontains', 'regex'];

describe('fuzz: metrics', function () {
  this.timeout(60_000);

  it('every metric scores any reply against any gold without throwing', async () => {
    const metrics = [...NAMES.map((n) => createMetric(n)), createMetric('lenient', { variant: 'mgsm' }), createMetric('json-schema', { schema: { type: 'object' } })];
    await fc.assert(
      fc.asyncProperty(textArb, textArb, textArb, async (output, gold, input) => {
        for (const m of metrics) {
          const r = await m.score(output, ex(gold, input));
          assert.ok(r.score >= 0 && r.score <= 1, `${m.name}: ${r.score}`);
          assert.ok(typeof r.reason === 'string' && r.reason.length > 0 && !r.reason.includes('\n'), `${m.name}: ${JSON.stringify(r.reason)}`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a gold answer rendered as "Answer: <gold>" scores 1 under numeric for any integer or decimal', async () => {
    const numeric = createMetric('numeric');
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.nat({ max: 999 }), async (int, frac) => {
        const gold = frac ? `${int}.${String(frac).padStart(3, '0')}` : `${int}`;
        assert.equal((await numeric.score(`work\nAnswer: ${gold}`, ex(gold))).score, 1, gold);
        const grouped = int.toLocaleString('en-US');
        if (!frac) assert.equal((await numeric.score(`Answer: ${grouped}`, ex(gold))).score, 1, grouped);
      }),
      { numRuns: 300 },
    );
  });

  it('parsers never throw: numbers, LaTeX normalisation, judge replies', () => {
    fc.assert(
      fc.property(textArb, (t) => {
        findNumbers(t);
        normalizeLatexAnswer(t);
        const j = parseJudgeReply(t);
        if (j) assert.ok(j.score >= 0 && j.score <= 1);
      }),
      { numRuns: 1000 },
    );
  });

  it('hostile replies finish', async () => {
    const replies = [
      `Answer: ${'9'.repeat(200_000)}`,
      `${'answer'.padEnd(100_000, ' ')}x`,
      '\\boxed{'.repeat(20_000),
      `${'{'.repeat(50_000)}`,
      `${'```'.repeat(30_000)}`,
      `${'1 '.repeat(100_000)}`,
      `score ${' '.repeat(100_000)}x`,
      `${'(A) '.repeat(50_000)}`,
      `${'\\frac'.repeat(20_000)}`,
      `${'1'.repeat(100_000)}x`,
    ];
    const metrics = [...NAMES.map((n) => createMetric(n)), createMetric('json-schema', { schema: { type: 'object' } })];
    for (const output of replies) {
      for (const m of metrics) await m.score(output, ex('42', output.slice(0, 10_000)));
      parseJudgeReply(output);
      normalizeLatexAnswer(output);
    }
  });
});
