import { strict as assert } from 'node:assert';
import { capsExceeded, estimateRun, formatEstimate, stepsFor } from '../../../src/extension/run/estimate';

const base = {
  batchSize: 5,
  sizes: { train: 190, val: 10, test: 410 },
  tsa: true,
  evalTrainEachStep: true,
  cacheEnabled: false,
  promptTokens: 50,
  inputTokens: 80,
  forwardModel: 'gpt-4o-mini',
  backwardModel: 'gpt-4o',
};

describe('run estimate (method.md, cost of a step)', () => {
  it('reproduces the BigGSM figures of method.md: 456 backward and about 16,000 forward calls', () => {
    const steps = stepsFor(190, 5, 1);
    assert.equal(steps, 38);
    const e = estimateRun({ ...base, steps });
    assert.equal(e.backwardCalls, 456);
    assert.ok(e.forwardCalls > 15_000 && e.forwardCalls < 17_000, String(e.forwardCalls));
  });

  it('counts 2B + 1 backward calls when B = 1 and drops the repeated train scoring with the cache', () => {
    assert.equal(estimateRun({ ...base, steps: 4, batchSize: 1 }).backwardCalls, 12);
    const uncached = estimateRun({ ...base, steps: 10 });
    const cached = estimateRun({ ...base, steps: 10, cacheEnabled: true });
    assert.equal(uncached.forwardCalls - cached.forwardCalls, 10 * 190);
    const noTsa = estimateRun({ ...base, steps: 10, tsa: false, cacheEnabled: true });
    assert.equal(cached.forwardCalls, noTsa.forwardCalls, 'with the cache, TSA’s train scoring replaces the after-step one');
  });

  it('prices calls from the table, honours overrides, and says unknown for unpriced models', () => {
    const e = estimateRun({ ...base, steps: 2 });
    assert.ok(e.costUsd !== undefined && e.costUsd > 0);
    const cheaper = estimateRun({ ...base, steps: 2, prices: { 'gpt-4o': { input: 0, output: 0 }, 'gpt-4o-mini': { input: 0, output: 0 } } });
    assert.equal(cheaper.costUsd, 0);
    const local = estimateRun({ ...base, steps: 2, forwardModel: 'llama3.1:8b' });
    assert.equal(local.costUsd, undefined);
    assert.match(formatEstimate(local, false), /cost unknown/);
    assert.match(formatEstimate(e, true), /offline simulator/);
  });

  it('scales linearly with the steps', () => {
    const a = estimateRun({ ...base, steps: 5 });
    const b = estimateRun({ ...base, steps: 10 });
    assert.equal(b.backwardCalls, 2 * a.backwardCalls);
    assert.ok(b.promptTokens > a.promptTokens);
  });

  it('says which caps the estimate does not fit under, before the start', () => {
    const e = { forwardCalls: 2_000, backwardCalls: 172, calls: 2_172, promptTokens: 900_000, completionTokens: 200_000, costUsd: 3.5 };
    assert.deepEqual(capsExceeded(e, { maxCalls: 2_000 }, false), ['≈ 2,172 calls against the 2,000-call cap']);
    assert.deepEqual(capsExceeded(e, { maxCalls: 3_000, maxTokens: 1_000_000, maxCostUsd: 1 }, false), [
      '≈ 1.1M tokens against the 1.0M-token cap',
      '≈ $3.50 against the $1.00 cost cap',
    ]);
    // The simulator costs nothing; an unknown price cannot be checked.
    assert.deepEqual(capsExceeded(e, { maxCostUsd: 1 }, true), []);
    assert.deepEqual(capsExceeded({ ...e, costUsd: undefined }, { maxCostUsd: 1 }, false), []);
    assert.deepEqual(capsExceeded(e, {}, false), []);
  });
});
