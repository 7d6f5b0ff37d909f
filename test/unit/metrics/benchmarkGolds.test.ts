import { strict as assert } from 'node:assert';
import { findBenchmark } from '../../../src/core/data/benchmarks';
import { loadBenchmarkExamples } from '../../../src/core/data/loadBenchmark';
import type { Example } from '../../../src/core/data/example';
import { createMetric } from '../../../src/core/metrics/registry';
import { parseGoldNumber } from '../../../src/core/metrics/numberParsing';

async function examplesOf(name: string, which: 'pool' | 'test' | 'all'): Promise<Example[]> {
  const { pool, testPool } = await loadBenchmarkExamples(findBenchmark(name)!);
  if (which === 'test') return testPool ?? pool;
  if (which === 'pool') return pool;
  return [...pool, ...(testPool ?? [])];
}

/** A different number: gold + 1, written the same way. */
function wrongOf(gold: string): string {
  const g = parseGoldNumber(gold)!;
  return ((g.num / g.den) + 1n).toString();
}

describe('every shipped gold answer scores 1.0, a wrong one 0', function () {
  this.timeout(60_000);
  const numeric = createMetric('numeric');
  const cases: [string, 'test' | 'all', number][] = [
    ['gsm8k', 'test', 1319],
    ['biggsm', 'all', 610],
    ['mgsm', 'all', 2750],
  ];
  for (const [name, which, count] of cases) {
    it(`${name}: "...Answer: <gold>" under the numeric metric`, async () => {
      const examples = await examplesOf(name, which);
      assert.equal(examples.length, count);
      let right = 0;
      let wrongAccepted = 0;
      for (const e of examples) {
        const r = await numeric.score(`Let me work it out step by step.\nAnswer: ${e.gold}`, e);
        if (r.score === 1) right++;
        else assert.fail(`${e.id}: gold ${e.gold} scored ${r.score} (${r.reason})`);
        if ((await numeric.score(`Reasoning.\nAnswer: ${wrongOf(e.gold)}`, e)).score !== 0) wrongAccepted++;
      }
      assert.equal(right, count);
      assert.equal(wrongAccepted, 0);
    });
  }

  it('math and math500: every gold \\boxed{} answer matches itself, and not a neighbour', async () => {
    const boxed = createMetric('boxed');
    for (const name of ['math', 'math500']) {
      const examples = await examplesOf(name, 'all');
      assert.equal(examples.length, name === 'math' ? 5000 : 500);
      for (let i = 0; i < examples.length; i++) {
        const e = examples[i];
        const r = await boxed.score(`Solution...\nThe final answer is $\\boxed{${e.gold}}$.`, e);
        assert.equal(r.score, 1, `${e.id}: ${r.reason}`);
      }
      // Spot-check that the metric is not trivially true: another problem's distinct answer fails.
      let rejected = 0;
      let compared = 0;
      for (let i = 0; i + 1 < examples.length && compared < 300; i += 7) {
        const a = examples[i];
        const b = examples[i + 1];
        if (a.gold.replace(/\s/g, '') === b.gold.replace(/\s/g, '')) continue;
        compared++;
        if ((await boxed.score(`\\boxed{${b.gold}}`, a)).score === 0) rejected++;
      }
      assert.ok(rejected >= compared - 3, `${name}: ${compared - rejected} of ${compared} distinct answers were accepted`);
    }
  });

  it('bbh: each task\'s gold scores 1 under its metric, another option 0', async () => {
    for (const task of ['object_counting', 'multistep_arithmetic_two', 'date_understanding', 'navigate', 'word_sorting']) {
      const bench = findBenchmark(`bbh/${task}`)!;
      const metric = createMetric(bench.metric);
      const examples = await examplesOf(bench.name, 'all');
      assert.equal(examples.length, 250);
      for (const e of examples) {
        assert.equal((await metric.score(`Let's think step by step.\nAnswer: ${e.gold}`, e)).score, 1, `${e.id} ${e.gold}`);
      }
      const other = examples.find((e) => e.gold !== examples[0].gold)!;
      assert.equal((await metric.score(`Answer: ${other.gold}`, examples[0])).score, 0, `${task}: ${other.gold} vs ${examples[0].gold}`);
    }
  });

  it('bbh date_understanding: choice accepts the letter in several shapes', async () => {
    const metric = createMetric('choice');
    const examples = await examplesOf('bbh/date_understanding', 'all');
    for (const e of examples) {
      const letter = e.gold.replace(/[()]/g, '');
      assert.equal((await metric.score(`Answer: ${letter}`, e)).score, 1);
      assert.equal((await metric.score(`So the answer is ${e.gold}.`, e)).score, 1);
    }
  });
});
