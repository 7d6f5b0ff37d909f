/**
 * LLM calls and tokens per step, per preset, next to the reference implementation's
 * formula (docs/method.md, "Cost of a step"), and where we spend less (issue 12).
 *
 * Each preset runs through the runner against the loopback OpenAI-compatible server (in
 * its own process, no injected delay; forward answers from gold, backward replies from
 * the offline simulator's behaviour) three times:
 *   cache off   — every call the trainer makes reaches the server;
 *   cache on    — a fresh response cache (the default), savings within the run;
 *   warm cache  — the same run again on that cache (a re-run or a resume).
 * The method's results (best and final prompt, every eval score, every TSA decision,
 * test scores) must be identical across the three.
 *
 * Reference formula per step (B > 1): backward 2B + 2; forward B (batch) + N_train (TSA,
 * when on) + N_val + N_train (evaluation after the step).
 * Our savings: the trainer never scores an unchanged prompt twice on a split (memo: the
 * after-step train scoring repeats TSA's, a rejected step leaves the prompt unchanged);
 * the cache answers repeated requests (the batch's forward calls repeat the train
 * scoring of the same prompt, since the format instruction is on in training too).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PresetName } from '../src/core/config/runConfig';
import type { RunEvent, RunEventOf } from '../src/core/run/events';
import { benchRun, type BenchRunResult, type TimedEvent } from './lib/benchRun';
import { startRemoteServer } from './lib/remoteServer';
import { machineInfo, machineLine, printTable, round2, writeResult } from './lib/report';
import { makeWorkspace, syntheticDataset } from './lib/workspace';

const SIZES = { train: 20, val: 20, test: 10 };
const B = 5;
const PRESETS: PresetName[] = ['textgrad', 'robust', 'best', 'reference', 'all'];

interface StepCount {
  step: number;
  forward: number;
  backward: number;
  cached: number;
  promptTokens: number;
  completionTokens: number;
}

type Usage = RunEventOf<'usage'>;

function perStep(events: TimedEvent[]): StepCount[] {
  const out: StepCount[] = [];
  let current: StepCount | null = null;
  for (const { event } of events) {
    if (event.type === 'step-start') {
      current = { step: event.step, forward: 0, backward: 0, cached: 0, promptTokens: 0, completionTokens: 0 };
      out.push(current);
    } else if (event.type === 'checkpoint') {
      current = null;
    } else if (event.type === 'usage' && current) {
      const u = event as Usage;
      if (u.role === 'forward') current.forward++;
      else current.backward++;
      if (u.cached) current.cached++;
      else {
        current.promptTokens += u.promptTokens;
        current.completionTokens += u.completionTokens;
      }
    }
  }
  return out;
}

function totals(events: TimedEvent[]) {
  const u = events.map((e) => e.event).filter((e): e is Usage => e.type === 'usage');
  const spent = u.filter((e) => !e.cached);
  return {
    calls: u.length,
    cached: u.length - spent.length,
    requests: spent.length,
    promptTokens: spent.reduce((s, e) => s + e.promptTokens, 0),
    completionTokens: spent.reduce((s, e) => s + e.completionTokens, 0),
    forwardTokensPerCall: (() => {
      const f = u.filter((e) => e.role === 'forward');
      return f.length ? f.reduce((s, e) => s + e.promptTokens + e.completionTokens, 0) / f.length : 0;
    })(),
  };
}

/** What the method decided: identical across cache settings when caching changes nothing. */
function outcome(run: BenchRunResult) {
  const ev = run.events.map((e) => e.event);
  const done = run.result.done;
  return JSON.stringify({
    best: done.bestPrompt,
    final: done.finalPrompt,
    bestStep: done.bestStep,
    scores: done.scores,
    evals: ev.filter((e): e is RunEventOf<'eval'> => e.type === 'eval').map((e) => [e.step, e.split, e.prompt, e.score]),
    tsa: ev.filter((e): e is RunEventOf<'tsa-decision'> => e.type === 'tsa-decision').map((e) => [e.step, e.accepted, e.candidateScore]),
    candidates: ev.filter((e): e is RunEventOf<'candidate'> => e.type === 'candidate').map((e) => e.after),
  });
}

function referenceForward(tsa: boolean): number {
  return B + (tsa ? SIZES.train : 0) + SIZES.val + SIZES.train;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = machineInfo();
  console.log(`calls-per-step: B=${B}, train ${SIZES.train}, val ${SIZES.val}, test ${SIZES.test}; loopback server, no delay; backward replies by the offline simulator`);
  console.log(machineLine(machine));
  const ws = makeWorkspace(syntheticDataset(SIZES.train + SIZES.val + SIZES.test));
  const server = await startRemoteServer({ dataFile: path.join(ws.dir, ws.dataFile), latencyMs: 0, backwardTokensPerSecond: 0, seed: 5 });
  const rows: (string | number)[][] = [];
  const runRows: (string | number)[][] = [];
  const presets: Record<string, unknown> = {};
  let allSame = true;
  try {
    for (const preset of PRESETS) {
      const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-bench-cache-'));
      const common = { ws, preset, sizes: SIZES, batchSize: B, maxConcurrency: 16, baseUrl: server.baseUrl };
      const off = await benchRun({ ...common, cache: { enabled: false } });
      const on = await benchRun({ ...common, cache: { enabled: true, dir: cacheDir } });
      await server.reset();
      const warm = await benchRun({ ...common, cache: { enabled: true, dir: cacheDir } });
      const warmRequests = (await server.requests()).requests.length;
      fs.rmSync(cacheDir, { recursive: true, force: true });
      for (const r of [off, on, warm]) if (r.result.done.stoppedBy !== 'completed') throw new Error(`${preset}: ${r.result.done.message}`);
      const same = outcome(off) === outcome(on) && outcome(on) === outcome(warm);
      allSame &&= same;
      const tsa = on.config.techniques.tsa;
      const refFwd = referenceForward(tsa);
      const refBwd = 2 * B + 2;
      const stepsOff = perStep(off.events);
      const stepsOn = perStep(on.events);
      for (let i = 0; i < stepsOn.length; i++) {
        const a = stepsOff[i];
        const c = stepsOn[i];
        rows.push([
          `${preset} step ${c.step}`,
          `${refBwd} + ${refFwd} = ${refBwd + refFwd}`,
          `${a.backward} + ${a.forward} = ${a.backward + a.forward}`,
          refBwd + refFwd - (a.backward + a.forward),
          c.cached,
          c.backward + c.forward - c.cached,
          `${a.promptTokens}/${a.completionTokens}`,
          `${c.promptTokens}/${c.completionTokens}`,
        ]);
      }
      const tOff = totals(off.events);
      const tOn = totals(on.events);
      const tWarm = totals(warm.events);
      const steps = stepsOn.length;
      // The reference's run: per step as above, plus the initial prompt on val and train, plus best and final on test.
      const refRun = steps * (refBwd + refFwd) + SIZES.val + SIZES.train + 2 * SIZES.test;
      const memoSaved = refRun - tOff.calls;
      const refTokensEstimate = tOff.promptTokens + tOff.completionTokens + Math.max(0, memoSaved) * tOff.forwardTokensPerCall;
      runRows.push([
        preset,
        refRun,
        tOff.calls,
        tOn.requests,
        tWarm.requests,
        warmRequests,
        Math.round(refTokensEstimate),
        tOff.promptTokens + tOff.completionTokens,
        tOn.promptTokens + tOn.completionTokens,
        same ? 'identical' : 'DIFFERENT',
      ]);
      presets[preset] = {
        techniques: on.config.techniques,
        tsa,
        referencePerStep: { backward: refBwd, forward: refFwd },
        stepsCacheOff: stepsOff,
        stepsCacheOn: stepsOn,
        run: {
          referenceCalls: refRun,
          callsCacheOff: tOff.calls,
          requestsCacheOn: tOn.requests,
          cachedCacheOn: tOn.cached,
          requestsWarmCache: tWarm.requests,
          serverRequestsWarmCache: warmRequests,
          tokensReferenceEstimate: Math.round(refTokensEstimate),
          tokensCacheOff: { prompt: tOff.promptTokens, completion: tOff.completionTokens },
          tokensCacheOn: { prompt: tOn.promptTokens, completion: tOn.completionTokens },
          savedVsReference: round2(1 - tOn.requests / refRun),
        },
        resultsIdenticalAcrossCacheSettings: same,
        bestPrompt: on.result.done.bestPrompt,
        scores: on.result.done.scores,
      };
    }
  } finally {
    await server.close();
    ws.cleanup();
  }
  printTable(
    `Calls per step: reference formula vs ours (backward + forward); tokens prompt/completion actually sent`,
    ['preset / step', 'reference', 'ours, cache off', 'memo saved', 'cache hits', 'HTTP calls (cache on)', 'tokens (cache off)', 'tokens (cache on)'],
    rows,
  );
  printTable(
    'Whole run (4 steps + initial evaluation + test scoring); results compared across cache settings',
    ['preset', 'reference calls', 'ours cache off', 'HTTP cache on', 'HTTP warm cache', 'server saw (warm)', 'tokens ref. (est.)', 'tokens cache off', 'tokens cache on', 'results'],
    runRows,
  );
  const file = writeResult('calls-per-step', machine, startedAt, {
    settings: { batchSize: B, sizes: SIZES, server: 'loopback, no delay', steps: Math.ceil(SIZES.train / B) },
    formula: 'backward 2B+2; forward B + N_train (TSA) + N_val + N_train (eval); run: + N_val + N_train (initial) + 2 N_test',
    presets,
    resultsIdenticalAcrossCacheSettings: allSame,
  });
  console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
  console.log(`method results identical with and without the savings: ${allSame ? 'yes' : 'NO'}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
