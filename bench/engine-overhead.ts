/**
 * Engine overhead per LLM call (issue 12): the time our own code takes around each call
 * — prompt building, parsing, sentence segmentation and diff, techniques, the model
 * layers (timeout, retry, limiter, budget, cache, meter), events, the journal and the
 * per-step checkpoint — with a model that answers instantly.
 *
 *  1. instant in-process ChatModel (bench/lib/instantModel.ts), response cache off, a
 *     long run: figures at steps ~10 and ~500 show whether the cost per call grows with
 *     the run's length. (With the cache on, a long run drifts into replaying cached
 *     steps — same prompt, same batch, same request — so early and late windows would
 *     not measure the same mix of calls.)
 *  2. the same with the default cache on (a fresh folder), steps ~10: what the cache's
 *     disk I/O adds per call;
 *  3. the loopback OpenAI-compatible server in another process with zero delay: adds
 *     the `openai` SDK, HTTP over 127.0.0.1 and the server's round trip (reported apart).
 *
 * Per step: (wall time from step-start to the next step-start − time inside the model) /
 * calls in the step; p50 and p95 are over the steps of a window (steps 6–15, 491–500).
 * Last line: `engine overhead p50: X ms/call (step 10) · Y ms/call (step 500)`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cloneState, type TrainerState } from '../src/core/dlpo/trainerState';
import type { RunEvent } from '../src/core/run/events';
import { benchRun, type TimedEvent } from './lib/benchRun';
import { createInstantModels } from './lib/instantModel';
import { startRemoteServer } from './lib/remoteServer';
import { machineInfo, machineLine, percentile, printTable, round3, writeResult } from './lib/report';
import { makeWorkspace, syntheticDataset } from './lib/workspace';

const LONG_STEPS = Number(process.env.BENCH_LONG_STEPS ?? 501);
const SHORT_STEPS = 16;
const SIZES = { train: 20, val: 20, test: 5 };
const B = 3;
const TARGET_MS = 2;

interface StepCost {
  step: number;
  stepMs: number;
  modelMs: number;
  calls: number;
  perCallMs: number;
}

function stepCosts(events: TimedEvent[], modelAt: Map<number, number>): StepCost[] {
  const starts = events.filter((e) => e.event.type === 'step-start');
  const out: StepCost[] = [];
  for (let i = 0; i + 1 < starts.length; i++) {
    const a = starts[i];
    const b = starts[i + 1];
    const step = (a.event as Extract<RunEvent, { type: 'step-start' }>).step;
    const calls = events.filter((e) => e.t >= a.t && e.t < b.t && e.event.type === 'usage').length;
    const modelMs = (modelAt.get(step + 1) ?? 0) - (modelAt.get(step) ?? 0);
    const stepMs = b.t - a.t;
    out.push({ step, stepMs, modelMs, calls, perCallMs: calls > 0 ? (stepMs - modelMs) / calls : NaN });
  }
  return out;
}

function windowStats(costs: StepCost[], from: number, to: number) {
  const w = costs.filter((c) => c.step >= from && c.step <= to);
  const per = w.map((c) => c.perCallMs);
  return {
    steps: `${from}-${to}`,
    samples: w.length,
    callsPerStep: round3(w.reduce((s, c) => s + c.calls, 0) / Math.max(1, w.length)),
    p50: round3(percentile(per, 50)),
    p95: round3(percentile(per, 95)),
    stepMsP50: round3(percentile(w.map((c) => c.stepMs), 50)),
  };
}

/**
 * The trainer state at the end of a run and what one deep copy of it costs: the trainer
 * and the runner copy it once and serialise it once per step (the checkpoint), so this is
 * the part of a step's cost that grows with the run.
 */
function stateCost(runDir: string): { stateKiB: number; scoreMemoEntries: number; contrastiveEntries: number; deepCopyMs: number } {
  const state = (JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoint.json'), 'utf8')) as { state: TrainerState }).state;
  const reps = 20;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) cloneState(state);
  return {
    stateKiB: round3(JSON.stringify(state).length / 1024),
    scoreMemoEntries: state.scores.length,
    contrastiveEntries: state.contrastive.length,
    deepCopyMs: round3((performance.now() - t0) / reps),
  };
}

async function instantRun(steps: number, cache: boolean) {
  const ws = makeWorkspace(syntheticDataset(SIZES.train + SIZES.val + SIZES.test));
  try {
    const models = createInstantModels(ws.rows);
    const modelAt = new Map<number, number>();
    const run = await benchRun({
      ws,
      preset: 'best',
      sizes: SIZES,
      batchSize: B,
      steps,
      maxConcurrency: 8,
      models,
      cache: { enabled: cache },
      onEvent: (e) => {
        if (e.type === 'step-start') modelAt.set(e.step, models.forward.modelMs);
      },
    });
    if (run.result.done.stoppedBy !== 'completed') throw new Error(`run stopped by ${run.result.done.stoppedBy}: ${run.result.done.message}`);
    return { costs: stepCosts(run.events, modelAt), wallMs: run.wallMs, state: stateCost(run.result.runDir) };
  } finally {
    ws.cleanup();
  }
}

async function httpRun(steps: number) {
  const ws = makeWorkspace(syntheticDataset(SIZES.train + SIZES.val + SIZES.test));
  const server = await startRemoteServer({ dataFile: path.join(ws.dir, ws.dataFile), latencyMs: 0, backwardTokensPerSecond: 0, seed: 5 });
  try {
    const run = await benchRun({ ws, preset: 'best', sizes: SIZES, batchSize: B, steps, maxConcurrency: 8, baseUrl: server.baseUrl, cache: { enabled: false } });
    if (run.result.done.stoppedBy !== 'completed') throw new Error(`run stopped by ${run.result.done.stoppedBy}: ${run.result.done.message}`);
    return { costs: stepCosts(run.events, new Map()), wallMs: run.wallMs };
  } finally {
    await server.close();
    ws.cleanup();
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = machineInfo();
  console.log(`engine-overhead: preset best, B=${B}, train ${SIZES.train}, val ${SIZES.val}; instant model; ${LONG_STEPS} steps`);
  console.log(machineLine(machine));

  const long = await instantRun(LONG_STEPS, false);
  const withCache = await instantRun(SHORT_STEPS, true);
  const http = await httpRun(SHORT_STEPS);

  const lastFrom = Math.max(1, LONG_STEPS - 10);
  const variants = {
    instantCacheOff: { early: windowStats(long.costs, 6, 15), late: windowStats(long.costs, lastFrom, LONG_STEPS - 1), runWallSec: round3(long.wallMs / 1000) },
    instantCacheOn: { early: windowStats(withCache.costs, 6, 15), runWallSec: round3(withCache.wallMs / 1000) },
    trainerState: { [`afterStep${SHORT_STEPS}`]: withCache.state, [`afterStep${LONG_STEPS}`]: long.state },
    loopbackHttpZeroDelay: { early: windowStats(http.costs, 6, 15), runWallSec: round3(http.wallMs / 1000) },
  };
  const row = (name: string, w: ReturnType<typeof windowStats>) => [name, w.steps, w.callsPerStep, w.p50.toFixed(3), w.p95.toFixed(3), w.stepMsP50.toFixed(1)];
  printTable(
    'Engine time per LLM call (ms; p50/p95 over the steps of the window)',
    ['variant', 'steps', 'calls/step', 'p50 ms/call', 'p95 ms/call', 'step ms p50'],
    [
      row('instant model, cache off', variants.instantCacheOff.early),
      row('instant model, cache off', variants.instantCacheOff.late),
      row('instant model, cache on (default)', variants.instantCacheOn.early),
      row('loopback HTTP 0 ms (engine+SDK+HTTP)', variants.loopbackHttpZeroDelay.early),
    ],
  );
  // Growth: the per-call cost in tenths of the run, to see a trend rather than two points.
  const deciles: (string | number)[][] = [];
  const n = long.costs.length;
  for (let d = 0; d < 10 && n >= 10; d++) {
    const slice = long.costs.slice(Math.floor((d * n) / 10), Math.floor(((d + 1) * n) / 10));
    deciles.push([`steps ${slice[0].step}-${slice[slice.length - 1].step}`, percentile(slice.map((c) => c.perCallMs), 50).toFixed(3)]);
  }
  if (deciles.length) printTable('Growth with run length (instant model, cache off)', ['window', 'p50 ms/call'], deciles);
  // The trend as one number: least-squares slope of each step's per-call cost against its
  // step number, after the first tenth (JIT warm-up), in ms/call per 100 steps.
  const trend = long.costs.filter((c) => c.step > n / 10 && Number.isFinite(c.perCallMs));
  const mx = trend.reduce((a, c) => a + c.step, 0) / Math.max(1, trend.length);
  const my = trend.reduce((a, c) => a + c.perCallMs, 0) / Math.max(1, trend.length);
  const sxy = trend.reduce((a, c) => a + (c.step - mx) * (c.perCallMs - my), 0);
  const sxx = trend.reduce((a, c) => a + (c.step - mx) ** 2, 0);
  const growthPer100Steps = sxx > 0 ? round3((sxy / sxx) * 100) : NaN;
  console.log(`\ngrowth (least-squares slope, steps ${trend[0]?.step ?? '-'}–${trend.at(-1)?.step ?? '-'}): ${growthPer100Steps.toFixed(3)} ms/call per 100 steps`);
  printTable(
    'Trainer state (deep-copied once and serialised once per step)',
    ['after step', 'state KiB', 'score memo entries', 'contrastive entries', 'one deep copy ms'],
    [
      [SHORT_STEPS, withCache.state.stateKiB.toFixed(1), withCache.state.scoreMemoEntries, withCache.state.contrastiveEntries, withCache.state.deepCopyMs.toFixed(3)],
      [LONG_STEPS, long.state.stateKiB.toFixed(1), long.state.scoreMemoEntries, long.state.contrastiveEntries, long.state.deepCopyMs.toFixed(3)],
    ],
  );

  const file = writeResult('engine-overhead', machine, startedAt, {
    settings: { preset: 'best', batchSize: B, sizes: SIZES, longSteps: LONG_STEPS, shortSteps: SHORT_STEPS, targetMsPerCallP50: TARGET_MS },
    variants,
    growthByDecile: deciles.map(([w, p]) => ({ window: w, p50MsPerCall: Number(p) })),
    growthSlopeMsPerCallPer100Steps: growthPer100Steps,
  });
  console.log(`\nresults: ${path.relative(process.cwd(), file)}  (target p50 < ${TARGET_MS} ms/call, no growth)`);
  console.log(`with the response cache on (default): ${variants.instantCacheOn.early.p50.toFixed(2)} ms/call p50 at step 10; over HTTP (SDK + loopback): ${variants.loopbackHttpZeroDelay.early.p50.toFixed(2)} ms/call`);
  console.log(
    `engine overhead p50: ${variants.instantCacheOff.early.p50.toFixed(2)} ms/call (step 10) · ${variants.instantCacheOff.late.p50.toFixed(2)} ms/call (step ${LONG_STEPS - 1})`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
