import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BudgetSpent } from '../llm/budget';
import { writeFileAtomic } from '../run/checkpoint';
import type { RunEvent, RunEventOf } from '../run/events';
import { readJournal } from '../run/journal';
import type { ExperimentSpec } from './experimentSpec';
import { ExperimentSpecSchema } from './experimentSpec';
import type { PlannedRun } from './grid';

/**
 * An experiment folder:
 *   experiment.json   the resolved spec (absolute prompt and data paths)
 *   runs/<key>/       one normal run folder per configuration × seed
 *   results.json      the table, the per-run records and the curves
 *   results.md        the table for people (labelled when the simulator ran)
 *   results.csv       the table for spreadsheets
 */
export interface ExperimentPaths {
  dir: string;
  spec: string;
  runs: string;
  resultsJson: string;
  resultsMd: string;
  resultsCsv: string;
}

export function experimentPaths(dir: string): ExperimentPaths {
  return {
    dir,
    spec: path.join(dir, 'experiment.json'),
    runs: path.join(dir, 'runs'),
    resultsJson: path.join(dir, 'results.json'),
    resultsMd: path.join(dir, 'results.md'),
    resultsCsv: path.join(dir, 'results.csv'),
  };
}

export function runDirOf(paths: ExperimentPaths, run: Pick<PlannedRun, 'key'>): string {
  return path.join(paths.runs, run.key);
}

export class ExperimentFolderError extends Error {
  override readonly name = 'ExperimentFolderError';
}

export function readExperimentSpec(dir: string): ExperimentSpec {
  const file = experimentPaths(dir).spec;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new ExperimentFolderError(`${dir} is not an experiment folder (no readable experiment.json). Pass the folder \`dlpo experiment\` printed.`);
  }
  const parsed = ExperimentSpecSchema.safeParse(raw);
  if (!parsed.success) throw new ExperimentFolderError(`${file} is not a valid experiment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function writeExperimentSpec(dir: string, spec: ExperimentSpec): void {
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(experimentPaths(dir).spec, `${JSON.stringify(spec, null, 2)}\n`);
}

/** What may change when an experiment is resumed: more seeds, a bigger budget, more parallelism. */
const MAY_CHANGE = ['seeds', 'budget', 'parallelRuns', 'maxConcurrency'] as const;

/**
 * Refuses to continue an experiment with a spec that would change its finished runs'
 * meaning (another prompt, dataset, model or configuration list); names what differs.
 */
export function checkCompatible(saved: ExperimentSpec, next: ExperimentSpec): void {
  const strip = (s: ExperimentSpec) => {
    // Compared as saved: through JSON and the schema, so defaults and key order do not count.
    const copy: Record<string, unknown> = { ...ExperimentSpecSchema.parse(JSON.parse(JSON.stringify(s))) };
    for (const k of MAY_CHANGE) delete copy[k];
    return copy;
  };
  const a = strip(saved);
  const b = strip(next);
  const differ = Object.keys({ ...a, ...b }).filter((k) => canonical(a[k]) !== canonical(b[k]));
  if (differ.length) {
    throw new ExperimentFolderError(
      `The experiment in this folder was defined differently (${differ.join(', ')} changed). Only ${MAY_CHANGE.join(', ')} may change when resuming or extending; start a new experiment folder for anything else.`,
    );
  }
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y))) : v,
  );
}

export type RunFolderState =
  | { kind: 'missing' }
  /** Finished (completed or early-stopping): skipped on resume. */
  | { kind: 'finished'; events: RunEvent[]; done: RunEventOf<'done'> }
  /** Stopped or killed after at least one checkpoint: continued from it. */
  | { kind: 'resumable'; events: RunEvent[]; done: RunEventOf<'done'> | null }
  /** Started but killed before its first checkpoint: nothing to continue, started again. */
  | { kind: 'unstarted' };

export function isFinished(done: RunEventOf<'done'> | null | undefined): boolean {
  return !!done && (done.stoppedBy === 'completed' || done.stoppedBy === 'early-stopping');
}

export function runFolderState(runDir: string): RunFolderState {
  if (!fs.existsSync(runDir)) return { kind: 'missing' };
  const journal = path.join(runDir, 'events.jsonl');
  const events = fs.existsSync(journal) ? readJournal(journal).events : [];
  const done = lastDone(events);
  if (isFinished(done)) return { kind: 'finished', events, done: done! };
  if (fs.existsSync(path.join(runDir, 'checkpoint.json')) && fs.existsSync(path.join(runDir, 'config.json'))) return { kind: 'resumable', events, done };
  return { kind: 'unstarted' };
}

export function lastDone(events: readonly RunEvent[]): RunEventOf<'done'> | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.type === 'done') return e;
  }
  return null;
}

/**
 * What a run folder's journal says was spent (requests actually made: cache hits are
 * free), so a resumed experiment's one budget starts where the last session stopped.
 * Counts the part of a journal a resume will cut too: that money was spent.
 */
export function spentInJournal(events: readonly RunEvent[]): BudgetSpent {
  let totals: RunEventOf<'usage'>['totals'] | null = null;
  for (const e of events) {
    if (e.type === 'usage') totals = e.totals;
    else if (e.type === 'done') totals = e.usage;
  }
  if (!totals) return { calls: 0, tokens: 0, costUsd: 0, elapsedMs: 0 };
  return {
    calls: totals.calls - totals.cachedCalls,
    tokens: totals.promptTokens + totals.completionTokens,
    costUsd: totals.costUsd,
    elapsedMs: 0,
  };
}

export function addSpent(a: BudgetSpent, b: BudgetSpent): BudgetSpent {
  return { calls: a.calls + b.calls, tokens: a.tokens + b.tokens, costUsd: a.costUsd + b.costUsd, elapsedMs: a.elapsedMs + b.elapsedMs };
}
