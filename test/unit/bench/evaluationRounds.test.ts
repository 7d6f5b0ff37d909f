import assert from 'node:assert/strict';
import type { CallOptions, ChatModel, ChatRequest } from '../../../src/core/llm/chatModel';
import { forwardScript, runTrainer } from '../../support/dlpoHarness';
import { ScriptedModel } from '../../support/scriptedModel';

/**
 * The step-floor benchmark (bench/step-floor.ts) counts the after-step evaluation as
 * one round: the prompt's validation and training scores are independent, so the
 * trainer must score them together, not one after the other. Checked without timing:
 * every forward call is held for a macrotask tick, and a probe records which purposes
 * were in flight at the same moment.
 */

interface Probe {
  model: ChatModel;
  /** Purposes in flight together, one entry per call start. */
  overlaps: Set<string>[];
}

function probedForward(): Probe {
  const inner = new ScriptedModel(forwardScript, { id: 'forward', delayTicks: () => 1 });
  const inFlight = new Map<string, number>();
  const overlaps: Set<string>[] = [];
  const enter = (purpose: string) => {
    inFlight.set(purpose, (inFlight.get(purpose) ?? 0) + 1);
    overlaps.push(new Set([...inFlight].filter(([, n]) => n > 0).map(([p]) => p)));
  };
  const leave = (purpose: string) => inFlight.set(purpose, (inFlight.get(purpose) ?? 1) - 1);
  const model: ChatModel = {
    id: inner.id,
    label: inner.label,
    async complete(request: ChatRequest, options?: CallOptions) {
      const purpose = options?.purpose ?? 'call';
      enter(purpose);
      try {
        return await inner.complete(request, options);
      } finally {
        leave(purpose);
      }
    },
    stream: (request, options) => inner.stream(request, options),
  };
  return { model, overlaps };
}

describe('bench: evaluation rounds of a step', () => {
  it('scores validation and training of the same prompt in one round (textgrad: no TSA, train re-scored each step)', async () => {
    const probe = probedForward();
    const run = await runTrainer({ preset: 'textgrad', sizes: { train: 6, val: 4, test: 2 }, batchSize: 3, extra: { forward: probe.model } });
    assert.equal(run.outcome.done.stoppedBy, 'completed');
    const together = probe.overlaps.filter((s) => s.has('evaluate-val') && s.has('evaluate-train')).length;
    // Step 0 and each of the 2 steps score a prompt on both splits.
    assert.ok(together > 0, 'some evaluate-val and evaluate-train calls were in flight at the same time');
    const trainStarts = probe.overlaps.filter((s) => s.has('evaluate-train'));
    assert.ok(trainStarts.every((s) => s.has('evaluate-val')), 'no training-split scoring waited for the validation scoring to finish');
  });

  it('keeps the memo of scores in a fixed order (val before train), whatever finished first', async () => {
    const a = await runTrainer({ preset: 'textgrad', sizes: { train: 6, val: 4, test: 2 }, batchSize: 3, extra: { forward: probedForward().model } });
    const b = await runTrainer({
      preset: 'textgrad',
      sizes: { train: 6, val: 4, test: 2 },
      batchSize: 3,
      // Validation answers now take longer than training ones: completion order flips.
      extra: { forward: new ScriptedModel(forwardScript, { id: 'forward', delayTicks: (c) => (/What is \d+ \+ \d+\?/.test(c.user) && c.purpose === 'evaluate-val' ? 3 : 0) }) },
    });
    const order = (states: typeof a.states) => states.map((s) => s.scores.map((e) => `${e.split}:${e.prompt}`));
    assert.deepEqual(order(a.states), order(b.states));
    for (const s of a.states) {
      const splits = s.scores.map((e) => e.split).filter((x) => x !== 'test');
      for (let i = 1; i < splits.length; i += 2) assert.deepEqual([splits[i - 1], splits[i]], ['val', 'train']);
    }
  });
});
