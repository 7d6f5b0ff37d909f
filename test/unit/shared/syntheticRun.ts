import type { RunEvent } from '../../../src/core/run/events';

/**
 * A synthetic, deterministic run journal for panel tests and the replay benchmark:
 * every event type, realistic proportions (streamed gradient tokens dominate), and
 * exactly `eventsPerStep` events per step so 500 steps make 10,000 events.
 */
export interface SyntheticRunOptions {
  steps: number;
  /** Events per step (≥ 20): 16 fixed ones plus streamed gradient tokens. */
  eventsPerStep?: number;
  seed?: number;
  simulator?: boolean;
  /** Replaces every model-written text with this string (hostile-input tests). */
  modelText?: string;
  runId?: string;
  /** Stop before `done` (a run still going). */
  unfinished?: boolean;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x1_0000_0000;
  };
}

export function syntheticRunEvents(o: SyntheticRunOptions): RunEvent[] {
  const rand = lcg(o.seed ?? 7);
  const perStep = Math.max(20, o.eventsPerStep ?? 20);
  const text = (fallback: string) => o.modelText ?? fallback;
  const events: RunEvent[] = [];
  const calls = { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
  const usage = (role: 'forward' | 'backward', purpose: string): RunEvent => {
    const p = 300 + Math.floor(rand() * 400);
    const c = 50 + Math.floor(rand() * 200);
    const cost = (p * 0.15 + c * 0.6) / 1e6;
    calls.calls++;
    calls.promptTokens += p;
    calls.completionTokens += c;
    calls.costUsd += cost;
    return { type: 'usage', role, purpose, model: role === 'forward' ? 'sim-forward' : 'sim-backward', promptTokens: p, completionTokens: c, costUsd: cost, cached: false, totals: { ...calls } };
  };
  const prompt = 'You are a careful math tutor. Solve the problem step by step. Give the final answer as "Answer: N".';
  events.push({
    type: 'run-start',
    runId: o.runId ?? 'run-synthetic',
    time: '2026-11-23T10:00:00.000Z',
    promptFile: '/work/sample/math.prompt.md',
    prompt,
    preset: 'best',
    techniques: ['tlrd', 'tsa', 'tcl', 'tregu'],
    forwardModel: 'gpt-4o-mini',
    backwardModel: 'gpt-4o',
    simulator: o.simulator ?? false,
    seed: o.seed ?? 7,
    totalSteps: o.steps,
    sizes: { train: 50, val: 100, test: 400 },
    budget: { maxCalls: o.steps * 12, maxCostUsd: 5, maxTimeSec: 3600 },
  });
  events.push({ type: 'eval', step: 0, split: 'val', score: 0.5, n: 100, prompt: 'start' });
  let val = 0.5;
  let sentences = 4;
  for (let step = 1; step <= o.steps; step++) {
    const stepEvents: RunEvent[] = [];
    const batch = ['a', 'b', 'c', 'd', 'e'].map((x) => `ex-${step}-${x}`);
    stepEvents.push({ type: 'step-start', step, epoch: 0, batch, lr: Math.max(1, 5 - step) });
    let failures = 0;
    for (const id of batch.slice(0, 3)) {
      const ok = rand() > 0.4;
      if (!ok) failures++;
      stepEvents.push({ type: 'forward-result', step, exampleId: id, input: text(`Tom has ${step} apples and buys 3 more. How many?`), output: text(ok ? `Answer: ${step + 3}` : 'Answer: 7'), gold: String(step + 3), score: ok ? 1 : 0, reason: text(ok ? 'matches gold' : `expected ${step + 3}, got 7`) });
    }
    stepEvents.push(usage('forward', 'batch'));
    stepEvents.push({ type: 'loss', step, batchScore: (3 - failures) / 3, failures, n: 3 });
    const fixed = 11; // events after the deltas, counted below
    const deltas = perStep - stepEvents.length - fixed;
    for (let i = 0; i < deltas; i++) {
      stepEvents.push({ type: 'gradient-delta', step, part: i < deltas - 2 ? 'critique' : 'summary', text: text(`token${i} `) });
    }
    stepEvents.push({ type: 'gradient', step, text: text(`The prompt should insist on checking arithmetic (step ${step}).`), critiques: 3 });
    stepEvents.push(usage('backward', 'critique'));
    stepEvents.push({ type: 'technique-applied', step, technique: 'tlrd', summary: `TLR cut 4 edits to ${Math.max(1, 5 - step)}`, details: {} });
    stepEvents.push({ type: 'technique-applied', step, technique: 'tcl', summary: 'TCL best 0.72 vs worst 0.41', details: {} });
    const after = `${prompt} Check each calculation (${step}).`;
    stepEvents.push({
      type: 'candidate',
      step,
      before: prompt,
      after: text(after),
      edits: [
        { op: 'add', afterIndex: sentences, text: text(`Check each calculation (${step}).`), anchor: sentences - 1 },
        { op: 'modify', beforeIndex: 1, afterIndex: 1, before: 'Solve the problem step by step.', after: text('Solve the problem carefully, step by step.') },
      ],
      reverted: [{ edit: { op: 'delete', beforeIndex: 0, text: 'You are a careful math tutor.' }, by: 'tlr' }],
    });
    const cand = Math.min(1, Math.max(0, val + (rand() - 0.45) * 0.1));
    const delta = cand - val;
    const accepted = delta >= 0 || rand() < 0.5;
    stepEvents.push({ type: 'tsa-decision', step, candidateScore: cand, lastScore: val, delta, temperature: 64 / 2 ** Math.min(step, 20), probability: delta >= 0 ? 1 : Math.exp(delta * 10), draw: delta >= 0 ? null : rand(), accepted });
    stepEvents.push({ type: 'review', step, by: 'tsa', accepted });
    if (accepted) {
      val = cand;
      sentences++;
    }
    stepEvents.push({ type: 'eval', step, split: 'val', score: val, n: 100, prompt: 'current' });
    stepEvents.push({ type: 'eval', step, split: 'train', score: Math.min(1, val + 0.05), n: 50, prompt: 'current' });
    stepEvents.push({ type: 'prompt-length', step, sentences, tokens: sentences * 14 });
    stepEvents.push({ type: 'checkpoint', step, path: `/runs/x/checkpoint-${step}.json` });
    events.push(...stepEvents);
  }
  if (!o.unfinished) {
    events.push({ type: 'eval', step: o.steps, split: 'test', score: val - 0.02, n: 400, prompt: 'best' });
    events.push({ type: 'eval', step: o.steps, split: 'test', score: val - 0.03, n: 400, prompt: 'final' });
    events.push({
      type: 'done',
      stoppedBy: 'completed',
      message: text('Finished all steps.'),
      steps: o.steps,
      bestStep: o.steps,
      bestPrompt: text(prompt + ' Check each calculation.'),
      finalPrompt: text(prompt + ' Check each calculation.'),
      scores: { start: { val: 0.5, test: 0.48 }, best: { val, test: val - 0.02 }, final: { val, test: val - 0.03 } },
      usage: { ...calls },
    });
  }
  return events;
}
