/**
 * Critical-path floor of a training step (issue 12).
 *
 * The runner drives the `best` preset (TLRD + TSA + TCL + TRegu) against the loopback
 * OpenAI-compatible server in its own process. Every reply waits LATENCY_MS before its
 * first byte; backward replies (critique, prompt feedback, summary, update) are streamed
 * at TOKENS_PER_SECOND chunks (one word ≈ one token) per second, forward answers are short
 * and sent at once. The response cache is off, so every call of a step reaches the server.
 *
 * A step's calls form a chain of dependent rounds (src/core/dlpo/trainer.ts):
 *
 *   forward over the batch ∥  →  per example: critique → prompt feedback (∥ across examples)
 *   →  summary  →  update  →  TSA: candidate on the train split ∥  →  val ∥ (+ train ∥, memoised)
 *
 * Floor = Σ over rounds of the slowest call in the round; for the critique → feedback
 * lanes, the slowest lane (its two calls back to back). Two floors are reported:
 *   nominal  — each call = LATENCY_MS + (stream frames × 1000 / TOKENS_PER_SECOND), i.e.
 *              rounds × latency + streaming time of the streamed calls on the critical path;
 *   observed — each call = the time the server itself spent on it (arrival of the request
 *              to the end of the response), which also absorbs the server's timer drift
 *              on this shared machine: no client could finish the step sooner.
 * Ratio per configuration = mean measured step wall time (step-start → checkpoint event)
 * / mean floor over its steps; the worst single step is reported too.
 * maxConcurrency = the widest round (max of N_val, N_train, B; N_val + N_train without
 * TSA), so no round is throttled by the limiter.
 *
 * One `textgrad` configuration (no TSA) is added: there the prompt's val and train
 * scoring after the update are one round (6 rounds a step).
 *
 * A warm-up run (not recorded) comes first. Last line: `step-time ratio (worst): X`
 * (against the observed floor).
 */
import * as path from 'node:path';
import type { RunEvent } from '../src/core/run/events';
import { benchRun, stepWindow, type TimedEvent } from './lib/benchRun';
import { startRemoteServer } from './lib/remoteServer';
import { machineInfo, machineLine, mean, printTable, round2, round3, writeResult } from './lib/report';
import type { RequestSummary } from './lib/serverProcess';
import { makeWorkspace, syntheticDataset } from './lib/workspace';

const LATENCY_MS = 200;
const TOKENS_PER_SECOND = 75;
const N_TRAIN = 30;
const N_TEST = 10;
const STEPS = 3;
const BATCHES = [3, 5, 15];
const VALS = [50, 200];
const TARGET = 1.15;

interface RoundTimes {
  forward: number;
  lanes: number;
  summary: number;
  update: number;
  tsa: number;
  eval: number;
}

interface StepFigure {
  step: number;
  measuredMs: number;
  /** Wall time between the trainer's events: where the measured time went. */
  phasesMs: Record<string, number>;
  nominalFloorMs: number;
  observedFloorMs: number;
  rounds: number;
  calls: number;
  roundsNominal: RoundTimes;
  roundsObserved: RoundTimes;
}

/** Measured wall time of each phase, between the events that bound it. */
function phases(w: TimedEvent[]): Record<string, number> {
  const t = (type: RunEvent['type']) => w.find((e) => e.event.type === type)?.t;
  const marks: [string, number | undefined][] = [
    ['start', w[0].t],
    ['forward', t('loss')],
    ['backward', t('gradient')],
    ['update', t('candidate')],
    ['tsa', t('tsa-decision')],
    ['eval', w.filter((e) => e.event.type === 'eval').at(-1)?.t],
    ['bookkeeping', w[w.length - 1].t],
  ];
  const out: Record<string, number> = {};
  let prev = w[0].t;
  for (const [name, time] of marks.slice(1)) {
    if (time === undefined) continue;
    out[name] = round2(time - prev);
    prev = time;
  }
  return out;
}

function at(events: TimedEvent[], type: RunEvent['type']): number | undefined {
  return events.find((e) => e.event.type === type)?.wall;
}

/** Splits the step's requests into the trainer's rounds and computes both floors. */
function analyseStep(window: TimedEvent[], all: RequestSummary[]): Omit<StepFigure, 'step' | 'measuredMs' | 'phasesMs'> {
  const start = window[0].wall;
  const end = window[window.length - 1].wall;
  const reqs = all.filter((r) => r.receivedAt >= start && r.receivedAt <= end);
  const lossAt = at(window, 'loss') ?? end;
  const tsaAt = at(window, 'tsa-decision');
  const candidateAt = at(window, 'candidate');
  const evalFrom = tsaAt ?? candidateAt ?? at(window, 'update-skipped') ?? at(window, 'gradient') ?? lossAt;
  const fwd = reqs.filter((r) => r.kind === 'forward');
  const groups = {
    forward: fwd.filter((r) => r.receivedAt <= lossAt),
    tsa: tsaAt !== undefined && candidateAt !== undefined ? fwd.filter((r) => r.receivedAt >= candidateAt && r.receivedAt <= tsaAt) : [],
    eval: fwd.filter((r) => r.receivedAt >= evalFrom && !(tsaAt !== undefined && candidateAt !== undefined && r.receivedAt <= tsaAt)),
    summary: reqs.filter((r) => r.kind === 'summary'),
    update: reqs.filter((r) => r.kind === 'update'),
  };
  const lanes = new Map<string, RequestSummary[]>();
  for (const r of reqs.filter((r) => r.kind === 'critique' || r.kind === 'promptGradient')) {
    lanes.set(r.example, [...(lanes.get(r.example) ?? []), r]);
  }
  const nominal = (r: RequestSummary) => LATENCY_MS + r.nominalStreamMs;
  const observed = (r: RequestSummary) => (r.endedAt ?? r.receivedAt) - r.receivedAt;
  const times = (d: (r: RequestSummary) => number): RoundTimes => ({
    forward: Math.max(0, ...groups.forward.map(d)),
    lanes: Math.max(0, ...[...lanes.values()].map((l) => l.reduce((s, r) => s + d(r), 0))),
    summary: groups.summary.reduce((s, r) => s + d(r), 0),
    update: groups.update.reduce((s, r) => s + d(r), 0),
    tsa: Math.max(0, ...groups.tsa.map(d)),
    eval: Math.max(0, ...groups.eval.map(d)),
  });
  const sum = (t: RoundTimes) => t.forward + t.lanes + t.summary + t.update + t.tsa + t.eval;
  const laneDepth = Math.max(0, ...[...lanes.values()].map((l) => l.length));
  const rounds =
    (groups.forward.length > 0 ? 1 : 0) + laneDepth + groups.summary.length + groups.update.length + (groups.tsa.length > 0 ? 1 : 0) + (groups.eval.length > 0 ? 1 : 0);
  const roundsNominal = times(nominal);
  const roundsObserved = times(observed);
  return { nominalFloorMs: sum(roundsNominal), observedFloorMs: sum(roundsObserved), rounds, calls: reqs.length, roundsNominal, roundsObserved };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = machineInfo();
  console.log(`step-floor: latency ${LATENCY_MS} ms per call, backward replies (offline simulator text) streamed at ${TOKENS_PER_SECOND} tokens/s, preset best (and one textgrad), cache off`);
  console.log(machineLine(machine));
  const ws = makeWorkspace(syntheticDataset(N_TRAIN + Math.max(...VALS) + N_TEST));
  const server = await startRemoteServer({ dataFile: path.join(ws.dir, ws.dataFile), latencyMs: LATENCY_MS, backwardTokensPerSecond: TOKENS_PER_SECOND, seed: 5 });
  const configs: Record<string, unknown>[] = [];
  const rows: (string | number)[][] = [];
  let worst = 0;
  try {
    // Warm-up (not recorded): JIT, the SDK's modules and the HTTP connection pool, as in any run after its first few calls.
    await benchRun({ ws, preset: 'best', sizes: { train: N_TRAIN, val: Math.max(...VALS), test: N_TEST }, batchSize: 3, steps: 1, maxConcurrency: 256, baseUrl: server.baseUrl, cache: { enabled: false } });
    // The `best` grid, then one `textgrad` configuration (no TSA: the prompt's val and train scoring form one round).
    const grid: { preset: 'best' | 'textgrad'; b: number; nVal: number }[] = [
      ...VALS.flatMap((nVal) => BATCHES.map((b) => ({ preset: 'best' as const, b, nVal }))),
      { preset: 'textgrad', b: 5, nVal: 50 },
    ];
    for (const { preset, b, nVal } of grid) {
      // BENCH_ONLY=5x200 runs one configuration (for investigating).
      if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== `${b}x${nVal}`) continue;
      await server.reset();
      // The widest round: without TSA the prompt's val and train scoring run together.
      const maxConcurrency = preset === 'textgrad' ? nVal + N_TRAIN : Math.max(nVal, N_TRAIN, b);
      const run = await benchRun({
        ws,
        preset,
        sizes: { train: N_TRAIN, val: nVal, test: N_TEST },
        batchSize: b,
        steps: STEPS,
        maxConcurrency,
        baseUrl: server.baseUrl,
        cache: { enabled: false },
      });
      const { requests, maxInFlight } = await server.requests();
      const steps: StepFigure[] = [];
      for (let s = 1; s <= STEPS; s++) {
        const w = stepWindow(run.events, s);
        if (w.length === 0) continue;
        steps.push({ step: s, measuredMs: w[w.length - 1].t - w[0].t, phasesMs: phases(w), ...analyseStep(w, requests) });
      }
      if (run.result.done.stoppedBy !== 'completed') throw new Error(`run stopped by ${run.result.done.stoppedBy}: ${run.result.done.message}`);
      const measured = mean(steps.map((s) => s.measuredMs));
      const nominal = mean(steps.map((s) => s.nominalFloorMs));
      const observed = mean(steps.map((s) => s.observedFloorMs));
      // Per configuration: mean step time / mean floor over its steps (one stalled step on
      // this shared machine should not stand for the configuration); the worst single step
      // is shown next to it.
      const ratioObserved = measured / observed;
      const ratioNominal = measured / nominal;
      const worstStep = Math.max(...steps.map((s) => s.measuredMs / s.observedFloorMs));
      worst = Math.max(worst, ratioObserved);
      const roundsPerStep = steps.map((s) => s.rounds).join('/');
      rows.push([
        `${preset} B=${b} val=${nVal}`,
        roundsPerStep,
        round2(mean(steps.map((s) => s.calls))),
        maxInFlight,
        Math.round(measured),
        Math.round(nominal),
        Math.round(observed),
        Math.round(measured - observed),
        ratioNominal.toFixed(2),
        ratioObserved.toFixed(2),
        worstStep.toFixed(2),
      ]);
      configs.push({
        preset,
        batchSize: b,
        nVal,
        nTrain: N_TRAIN,
        maxConcurrency,
        serverMaxInFlight: maxInFlight,
        steps: steps.map((s) => ({ ...s, measuredMs: round3(s.measuredMs) })),
        meanStepMs: round2(measured),
        meanNominalFloorMs: round2(nominal),
        meanObservedFloorMs: round2(observed),
        ratioNominal: round3(ratioNominal),
        ratioObserved: round3(ratioObserved),
        worstStepRatioObserved: round3(worstStep),
      });
    }
  } finally {
    await server.close();
    ws.cleanup();
  }
  printTable(
    `Wall time per step vs the critical-path floor (means over ${STEPS} steps; ratio = mean step / mean floor)`,
    ['config', 'rounds', 'calls', 'in-flight', 'step ms', 'nominal floor', 'observed floor', 'above obs. floor', 'ratio nom.', 'ratio obs.', 'worst step obs.'],
    rows,
  );
  const file = writeResult('step-floor', machine, startedAt, {
    settings: { latencyMs: LATENCY_MS, backwardTokensPerSecond: TOKENS_PER_SECOND, presets: 'best grid + textgrad B=5 val=50', cache: false, nTrain: N_TRAIN, nTest: N_TEST, steps: STEPS, target: TARGET },
    configs,
    worstConfigRatioObserved: round3(worst),
  });
  console.log(`\nresults: ${path.relative(process.cwd(), file)}  (target ≤ ${TARGET})`);
  console.log(`step-time ratio (worst): ${worst.toFixed(2)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
