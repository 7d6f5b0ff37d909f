import { strict as assert } from 'node:assert';
import { TrainerStateSchema } from '../../../src/core/dlpo/trainerState';
import type { HarnessOptions } from '../../support/dlpoHarness';
import { eventsOf, runTrainer } from '../../support/dlpoHarness';

/**
 * Same seed + same model replies ⇒ the same event sequence, even when parallel calls
 * complete in a different order; and a run resumed from a checkpointed state emits
 * exactly the events the uninterrupted run emitted after that step.
 */
describe('trainer: determinism and resume', () => {
  const base: HarnessOptions = {
    preset: 'all',
    techniques: { dropout: 0.3, tsaTemperature: 0.2 },
    sizes: { train: 9, val: 4, test: 4 },
    batchSize: 3,
    steps: 6,
    prompt: 'You solve sums. Be brief. Give the result.',
  };
  // Random delays make parallel calls finish in a different order on every run.
  const jitter = { delayTicks: () => Math.floor(Math.random() * 4) };

  it('emits an identical event sequence for the same seed and replies, whatever the completion order', async () => {
    const a = await runTrainer({ ...base, modelOptions: jitter });
    const b = await runTrainer({ ...base, modelOptions: jitter });
    assert.deepEqual(b.events, a.events);
    assert.equal(JSON.stringify(b.events), JSON.stringify(a.events));
    assert.deepEqual(b.outcome.state, a.outcome.state);
    // The run exercises the techniques (otherwise the comparison would prove little).
    const techniques = new Set(eventsOf(a.events, 'technique-applied').map((e) => e.technique));
    for (const t of ['tlrd', 'tdo', 'tmnt', 'tcl', 'tregu']) assert.ok(techniques.has(t as never), t);
    assert.ok(eventsOf(a.events, 'tsa-decision').length >= 4);
    const c = await runTrainer({ ...base, seed: 7 });
    assert.notDeepEqual(eventsOf(c.events, 'step-start'), eventsOf(a.events, 'step-start'));
  });

  for (const k of [1, 3]) {
    it(`resumed from the JSON state after step ${k}, emits the same events for the remaining steps`, async () => {
      const full = await runTrainer({ ...base, modelOptions: jitter });
      assert.equal(full.states.length, 6);
      const checkpoint = JSON.parse(JSON.stringify(full.states[k - 1])) as unknown;
      const state = TrainerStateSchema.parse(checkpoint);
      assert.equal(state.step, k);
      const resumed = await runTrainer({ ...base, state, modelOptions: jitter });
      const from = full.events.findIndex((e) => e.type === 'step-start' && e.step === k + 1);
      assert.ok(from > 0);
      assert.deepEqual(resumed.events, full.events.slice(from));
      assert.deepEqual(resumed.outcome.state, full.outcome.state);
      // The resumed run makes exactly the calls of the remaining steps.
      assert.equal(resumed.backward.calls.length, full.backward.calls.filter((c) => c.step! > k || c.step === -1).length);
    });
  }
});
