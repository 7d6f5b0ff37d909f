import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJournal } from '../../../src/core/run/journal';
import type { RunEvent, RunEventOf } from '../../../src/core/run/events';

/** Shared by the `dlpo experiment` integration tests. */

export const KEY = 'sk-test-DLPO-experiment-3c9e71aa';

/** Two configurations × three seeds, small enough for a test, on the fixture prompt and data. */
export function writeGridFile(ws: string, extra: { parallelRuns: number; maxConcurrency: number }): string {
  const file = path.join(ws, 'dlpo.experiment.yaml');
  fs.writeFileSync(
    file,
    [
      'name: grid',
      'prompt: gsm8k.prompt.md',
      'data: { source: gsm8k-sample.jsonl, trainSize: 6, valSize: 4, testSize: 4 }',
      'seeds: 3',
      'base: { steps: 2, batchSize: 3 }',
      'configs:',
      '  - { name: textgrad, preset: textgrad }',
      '  - { name: robust, preset: robust }',
      'baseline: textgrad',
      `maxConcurrency: ${extra.maxConcurrency}`,
      `parallelRuns: ${extra.parallelRuns}`,
      '',
    ].join('\n'),
  );
  return file;
}

/** The one experiment folder under `<ws>/<out>`. */
export function experimentDirIn(ws: string, out: string): string | undefined {
  const root = path.join(ws, out);
  if (!fs.existsSync(root)) return undefined;
  const dirs = fs.readdirSync(root);
  return dirs.length === 1 ? path.join(root, dirs[0]) : undefined;
}

export function runDirs(experimentDir: string): string[] {
  const runs = path.join(experimentDir, 'runs');
  if (!fs.existsSync(runs)) return [];
  return fs.readdirSync(runs).map((d) => path.join(runs, d));
}

export function journalOf(runDir: string): RunEvent[] {
  const file = path.join(runDir, 'events.jsonl');
  return fs.existsSync(file) ? readJournal(file).events : [];
}

export function doneOf(runDir: string): RunEventOf<'done'> | undefined {
  return journalOf(runDir).filter((e): e is RunEventOf<'done'> => e.type === 'done').at(-1);
}

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Mean and sample standard deviation, written out here independently of src/core/experiment/stats.ts. */
export function meanStd(xs: number[]): { mean: number; std: number } {
  let total = 0;
  for (const x of xs) total += x;
  const mean = total / xs.length;
  let squares = 0;
  for (const x of xs) squares += (x - mean) * (x - mean);
  return { mean, std: xs.length > 1 ? Math.sqrt(squares / (xs.length - 1)) : 0 };
}

export interface JsonTableRow {
  config: string;
  runs: number;
  val: { mean: number | null; std: number | null };
  test: { mean: number | null; std: number | null };
  calls: number;
  tokens: number;
  costUsd: number;
}

export interface ExperimentJson {
  experimentDir: string;
  stoppedBy: string;
  simulator: boolean;
  table: JsonTableRow[];
  runs: { key: string; status: string; stoppedBy: string | null }[];
  session: { skipped: string[]; resumed: string[]; started: string[] };
}

export function parseJsonOut(stdout: string): ExperimentJson {
  const lines = stdout.trim().split('\n');
  if (lines.length !== 1) throw new Error(`--json must print exactly one line on stdout, got ${lines.length}:\n${stdout}`);
  return JSON.parse(lines[0]) as ExperimentJson;
}
