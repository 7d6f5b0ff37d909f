import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEvent, RunEventOf, StoppedBy } from '../run/events';
import { writeFileAtomic } from '../run/checkpoint';
import type { ConfigCurve } from './curves';
import { meanValCurves } from './curves';
import type { ExperimentSpec } from './experimentSpec';
import { experimentPaths, lastDone, readExperimentSpec, runDirOf, runFolderState, type RunFolderState } from './experimentFolder';
import { tableToCsv, tableToMarkdown } from './exportTable';
import { expandConfigs, planRuns } from './grid';
import type { RunRecord, TableRow } from './results';
import { buildTable, recordFromEvents } from './results';

/** Where one planned run stands, as the folder shows it. */
export type ExperimentRunStatus = 'pending' | 'running' | 'finished' | 'stopped' | 'failed';

export interface ExperimentRunSummary {
  key: string;
  config: string;
  seed: number;
  /** Relative to the experiment folder (`runs/<key>`). */
  runDir: string;
  status: ExperimentRunStatus;
  stoppedBy: StoppedBy | null;
  step: number;
  totalSteps: number | null;
  bestVal: number | null;
  bestTest: number | null;
}

/** results.json: everything the table, the panel and `--json` show. */
export interface ExperimentResults {
  name: string;
  title: string;
  experimentDir: string;
  /** True when any run used the offline simulator: every figure must say so. */
  simulator: boolean;
  baseline: string;
  configs: string[];
  seeds: number[];
  /** Only finished runs (completed or early-stopping) enter the table. */
  rows: TableRow[];
  runs: ExperimentRunSummary[];
  curves: ConfigCurve[];
  updatedAt: string;
}

export function baselineOf(spec: ExperimentSpec, configs: readonly string[]): string {
  return spec.baseline && configs.includes(spec.baseline) ? spec.baseline : configs[0];
}

/** A run's progress from its journal: the last step reached and its best validation score. */
export function runSummaryFromEvents(events: readonly RunEvent[]): Pick<ExperimentRunSummary, 'step' | 'totalSteps' | 'bestVal' | 'bestTest'> & { simulator: boolean } {
  let step = 0;
  let totalSteps: number | null = null;
  let bestVal: number | null = null;
  let simulator = false;
  for (const e of events) {
    if (e.type === 'run-start') {
      totalSteps = e.totalSteps;
      simulator ||= e.simulator;
    } else if (e.type === 'step-start') step = Math.max(step, e.step);
    else if (e.type === 'eval' && e.split === 'val' && e.prompt === 'current') bestVal = bestVal === null ? e.score : Math.max(bestVal, e.score);
  }
  const done = lastDone(events);
  if (done) {
    step = done.steps;
    bestVal = done.scores.best.val ?? bestVal;
  }
  return { step, totalSteps, bestVal, bestTest: done?.scores.best.test ?? null, simulator };
}

export function statusOfDone(done: RunEventOf<'done'> | null): ExperimentRunStatus {
  if (!done) return 'pending';
  if (done.stoppedBy === 'completed' || done.stoppedBy === 'early-stopping') return 'finished';
  if (done.stoppedBy === 'error') return 'failed';
  return 'stopped';
}

/**
 * Reads every planned run's journal and builds the results. `running` marks runs under
 * way in this process (their journals have no `done` yet, or an old one from before a
 * resume).
 */
/**
 * Parsed folder states of finished runs, keyed by run folder: their journals no longer
 * change, and re-reading dozens of multi-megabyte journals after every run would not do.
 * Checked against the journal's size and mtime, so a replaced journal is read again.
 */
export class RunStateCache {
  private readonly states = new Map<string, { size: number; mtimeMs: number; state: RunFolderState }>();

  get(runDir: string): RunFolderState {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(path.join(runDir, 'events.jsonl'));
    } catch {
      stat = undefined;
    }
    const hit = stat ? this.states.get(runDir) : undefined;
    if (hit && stat && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs) return hit.state;
    const state = runFolderState(runDir);
    if (stat && state.kind === 'finished') this.states.set(runDir, { size: stat.size, mtimeMs: stat.mtimeMs, state });
    return state;
  }
}

export function collectResults(dir: string, options: { spec?: ExperimentSpec; title?: string; running?: ReadonlySet<string>; cache?: RunStateCache } = {}): ExperimentResults {
  const spec = options.spec ?? readExperimentSpec(dir);
  const paths = experimentPaths(dir);
  const planned = planRuns(spec);
  const configs = expandConfigs(spec).map((c) => c.name);
  const baseline = baselineOf(spec, configs);
  const records: RunRecord[] = [];
  const finishedJournals: { config: string; events: RunEvent[] }[] = [];
  const runs: ExperimentRunSummary[] = [];
  let simulator = false;
  for (const run of planned) {
    const runDir = runDirOf(paths, run);
    const state = options.cache ? options.cache.get(runDir) : runFolderState(runDir);
    const events = state.kind === 'finished' || state.kind === 'resumable' ? state.events : [];
    const done = state.kind === 'finished' ? state.done : state.kind === 'resumable' ? state.done : null;
    const summary = runSummaryFromEvents(events);
    simulator ||= summary.simulator;
    let status = statusOfDone(done);
    if (options.running?.has(run.key)) status = 'running';
    else if (state.kind === 'resumable' && !done) status = 'stopped';
    runs.push({
      key: run.key,
      config: run.config.name,
      seed: run.seed,
      runDir: path.relative(dir, runDir),
      status,
      stoppedBy: done?.stoppedBy ?? null,
      step: summary.step,
      totalSteps: summary.totalSteps,
      bestVal: summary.bestVal,
      bestTest: summary.bestTest,
    });
    if (state.kind === 'finished') {
      const record = recordFromEvents(run.config.name, run.seed, runDir, events);
      if (record) records.push(record);
      finishedJournals.push({ config: run.config.name, events });
    }
  }
  return {
    name: spec.name,
    title: options.title ?? spec.name,
    experimentDir: dir,
    simulator,
    baseline,
    configs,
    seeds: [...new Set(planned.map((p) => p.seed))],
    rows: buildTable(records, configs, baseline),
    runs,
    curves: meanValCurves(finishedJournals, configs),
    updatedAt: new Date().toISOString(),
  };
}

/** Writes results.json, results.md and results.csv. */
export function writeResults(results: ExperimentResults): void {
  const paths = experimentPaths(results.experimentDir);
  fs.mkdirSync(paths.dir, { recursive: true });
  writeFileAtomic(paths.resultsJson, `${JSON.stringify(results, null, 2)}\n`);
  writeFileAtomic(paths.resultsMd, resultsMarkdown(results));
  writeFileAtomic(paths.resultsCsv, tableToCsv(results.rows));
}

export function resultsMarkdown(results: ExperimentResults): string {
  const finished = results.runs.filter((r) => r.status === 'finished').length;
  const note = finished < results.runs.length ? `\n${finished} of ${results.runs.length} runs finished; the table covers the finished ones. Resume with \`dlpo experiment --resume ${results.experimentDir}\`.\n` : '';
  return tableToMarkdown(results.rows, { title: results.title, simulator: results.simulator }) + note;
}

/** results.json as written, or null when the folder has none yet. */
export function readResults(dir: string): ExperimentResults | null {
  try {
    return JSON.parse(fs.readFileSync(experimentPaths(dir).resultsJson, 'utf8')) as ExperimentResults;
  } catch {
    return null;
  }
}
