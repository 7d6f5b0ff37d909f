import * as fs from 'node:fs';
import { setMaxListeners } from 'node:events';
import * as path from 'node:path';
import { mergeConfigOrThrow, type ConfigLayer } from '../config/mergeConfig';
import type { RunConfig } from '../config/runConfig';
import { BudgetTracker, type BudgetSpent } from '../llm/budget';
import type { ChatModel } from '../llm/chatModel';
import { ConcurrencyLimiter } from '../llm/limiter';
import type { RunEvent, RunEventOf } from '../run/events';
import { startRun } from '../run/runner';
import type { ExperimentConfig, ExperimentSpec } from './experimentSpec';
import { ExperimentSpecSchema } from './experimentSpec';
import {
  addSpent,
  checkCompatible,
  experimentPaths,
  readExperimentSpec,
  runDirOf,
  runFolderState,
  spentInJournal,
  writeExperimentSpec,
} from './experimentFolder';
import { RunStateCache, collectResults, writeResults, type ExperimentResults, type ExperimentRunStatus } from './experimentResults';
import type { PlannedRun } from './grid';
import { planRuns } from './grid';

/**
 * Runs an experiment's grid (configurations × seeds) into one folder: `parallelRuns`
 * runs at once, every model request of every run under ONE concurrency limit, every call
 * reserving against ONE budget for the grid, all sharing the response cache (same cache
 * folder). Re-running on the same folder resumes: finished runs are skipped, interrupted
 * ones continue from their checkpoint, missing ones start — so a bigger `seeds` extends
 * the experiment. The abort signal stops every run (each writes its checkpoint).
 */

export type ExperimentStoppedBy = 'completed' | 'cancelled' | 'budget' | 'error';

export interface RunUpdate {
  run: PlannedRun;
  runDir: string;
  status: ExperimentRunStatus;
  /** How this session treats the run: skipped (finished before), resumed, or started. */
  action: 'skipped' | 'resumed' | 'started';
  done?: RunEventOf<'done'>;
  /** When startRun itself failed (bad input). */
  error?: string;
}

export interface RunExperimentOptions {
  spec: ExperimentSpec;
  experimentDir: string;
  /** Base of relative paths (prompt, data, cache); default process.cwd(). */
  cwd?: string;
  /**
   * Settings under every run's own: request timeout, cache, prices, and the models when
   * the spec names none (the CLI's and the extension's model choices).
   */
  runDefaults?: Record<string, unknown>;
  /** Models supplied by the shell (VS Code LM), shared by every run. */
  models?: { forward?: ChatModel; backward?: ChatModel };
  apiKeys?: { forward?: string; backward?: string };
  signal?: AbortSignal;
  /** A run changed status (queued, started, finished, ...). */
  onRunUpdate?: (update: RunUpdate) => void;
  /** Every event of every run, tagged with its run. */
  onEvent?: (run: PlannedRun, event: RunEvent) => void;
  /** results.json was rewritten (after each run ends). */
  onResults?: (results: ExperimentResults) => void;
  title?: string;
}

export interface ExperimentOutcome {
  experimentDir: string;
  stoppedBy: ExperimentStoppedBy;
  message: string;
  results: ExperimentResults;
  /** Keys by what this session did with them. */
  skipped: string[];
  resumed: string[];
  started: string[];
  /** What the whole grid has spent (this session and earlier ones). */
  spent: BudgetSpent;
}

export class ExperimentSetupError extends Error {
  override readonly name = 'ExperimentSetupError';
}

/** Absolute prompt and data paths, so the experiment folder can be resumed from anywhere. */
export function resolveSpecPaths(spec: ExperimentSpec, baseDir: string): ExperimentSpec {
  const source = spec.data.source;
  const asFile = path.resolve(baseDir, source);
  return {
    ...spec,
    prompt: path.resolve(baseDir, spec.prompt),
    data: { ...spec.data, source: fs.existsSync(asFile) ? asFile : source },
  };
}

function defined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

/** The RunConfig of one planned run: defaults, then the experiment's shared settings, then the configuration and seed. */
export function runConfigFor(spec: ExperimentSpec, config: ExperimentConfig, seed: number, runDefaults: Record<string, unknown> = {}): RunConfig {
  const layers: ConfigLayer[] = [
    { source: 'defaults', values: runDefaults },
    {
      source: 'experiment',
      values: defined({
        promptFile: spec.prompt,
        data: spec.data,
        metric: spec.metric,
        forward: spec.forward,
        backward: spec.backward,
        maxConcurrency: spec.maxConcurrency,
        // For the record in each run's run-start; the grid's one tracker enforces it.
        budget: spec.budget,
      }),
    },
    {
      source: `configuration "${config.name}"`,
      values: defined({
        preset: config.preset,
        techniques: config.techniques,
        method: config.method,
        batchSize: config.batchSize,
        epochs: config.epochs,
        steps: config.steps,
        patience: config.patience,
        seed,
      }),
    },
  ];
  return mergeConfigOrThrow(layers);
}

export async function runExperiment(options: RunExperimentOptions): Promise<ExperimentOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const dir = path.resolve(cwd, options.experimentDir);
  const paths = experimentPaths(dir);
  const signal = options.signal ?? new AbortController().signal;
  setMaxListeners(0, signal);

  // As it will be saved and read back, so a resume compares like with like.
  const spec = ExperimentSpecSchema.parse(JSON.parse(JSON.stringify(options.spec)));
  if (fs.existsSync(paths.spec)) {
    const saved = readExperimentSpec(dir);
    checkCompatible(saved, spec);
  }
  const planned = planRuns(spec);
  // Every configuration must make a valid run config before anything is written.
  const configs = new Map<string, RunConfig>();
  for (const run of planned) {
    try {
      configs.set(run.key, runConfigFor(spec, run.config, run.seed, options.runDefaults));
    } catch (e) {
      throw new ExperimentSetupError(`Configuration "${run.config.name}": ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (!fs.existsSync(spec.prompt)) throw new ExperimentSetupError(`Prompt file not found: ${spec.prompt}.`);
  writeExperimentSpec(dir, spec);
  fs.mkdirSync(paths.runs, { recursive: true });

  // What earlier sessions spent counts against the one budget.
  let spentBefore: BudgetSpent = { calls: 0, tokens: 0, costUsd: 0, elapsedMs: 0 };
  const todo: { run: PlannedRun; action: 'resumed' | 'started' }[] = [];
  const skipped: string[] = [];
  for (const run of planned) {
    const runDir = runDirOf(paths, run);
    const state = runFolderState(runDir);
    if (state.kind === 'finished' || state.kind === 'resumable') spentBefore = addSpent(spentBefore, spentInJournal(state.events));
    if (state.kind === 'finished') {
      skipped.push(run.key);
      options.onRunUpdate?.({ run, runDir, status: 'finished', action: 'skipped', done: state.done });
    } else if (state.kind === 'resumable') {
      todo.push({ run, action: 'resumed' });
    } else {
      // Killed before its first checkpoint: nothing to continue from.
      if (state.kind === 'unstarted') fs.rmSync(runDir, { recursive: true, force: true });
      todo.push({ run, action: 'started' });
    }
  }
  for (const t of todo) options.onRunUpdate?.({ run: t.run, runDir: runDirOf(paths, t.run), status: 'pending', action: t.action });

  const limiter = new ConcurrencyLimiter(spec.maxConcurrency);
  const budget = new BudgetTracker(spec.budget, { spent: spentBefore });
  const running = new Set<string>();
  const resumed: string[] = [];
  const started: string[] = [];
  let stoppedBy: ExperimentStoppedBy = 'completed';
  let stopMessage = '';
  let setupError: unknown;

  const cache = new RunStateCache();
  const refresh = () => {
    const results = collectResults(dir, { spec, title: options.title, running, cache });
    writeResults(results);
    options.onResults?.(results);
    return results;
  };

  const runOne = async ({ run, action }: { run: PlannedRun; action: 'resumed' | 'started' }) => {
    const runDir = runDirOf(paths, run);
    running.add(run.key);
    (action === 'resumed' ? resumed : started).push(run.key);
    options.onRunUpdate?.({ run, runDir, status: 'running', action });
    try {
      const result = await startRun({
        config: configs.get(run.key)!,
        runsDir: paths.runs,
        ...(action === 'resumed' ? { resumeDir: runDir } : { runDir }),
        writer: 'a DLPO experiment',
        models: options.models,
        apiKeys: options.apiKeys,
        signal,
        limiter,
        budget,
        cwd,
        onEvent: (e) => options.onEvent?.(run, e),
      });
      const by = result.done.stoppedBy;
      const status: ExperimentRunStatus = by === 'completed' || by === 'early-stopping' ? 'finished' : by === 'error' ? 'failed' : 'stopped';
      if (by.startsWith('budget-') && stoppedBy === 'completed') {
        stoppedBy = 'budget';
        stopMessage = result.done.message;
      } else if (by === 'error' && stoppedBy === 'completed') {
        stoppedBy = 'error';
        stopMessage = `Run ${run.key} failed: ${result.done.message}`;
      }
      running.delete(run.key);
      options.onRunUpdate?.({ run, runDir, status, action, done: result.done });
    } catch (e) {
      running.delete(run.key);
      setupError ??= e;
      options.onRunUpdate?.({ run, runDir, status: 'failed', action, error: e instanceof Error ? e.message : String(e) });
    }
    refresh();
  };

  const queue = [...todo];
  const worker = async () => {
    // A budget stop, a failed run or a cancel ends the grid: no new run starts.
    while (queue.length > 0 && !signal.aborted && stoppedBy === 'completed' && setupError === undefined) {
      await runOne(queue.shift()!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(spec.parallelRuns, queue.length)) }, worker));
  if (setupError !== undefined) throw setupError;
  if (signal.aborted) {
    stoppedBy = 'cancelled';
    stopMessage = 'The experiment was stopped.';
  }

  const results = refresh();
  const finished = results.runs.filter((r) => r.status === 'finished').length;
  const message =
    stoppedBy === 'completed'
      ? `All ${finished} runs finished (${skipped.length} skipped as finished before, ${resumed.length} resumed, ${started.length} started).`
      : `${stopMessage} ${finished} of ${results.runs.length} runs finished.`;
  return {
    experimentDir: dir,
    stoppedBy,
    message,
    results,
    skipped,
    resumed,
    started,
    spent: budget.spent(),
  };
}
