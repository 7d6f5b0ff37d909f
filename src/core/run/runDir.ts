import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A run directory, `<runsDir>/<run-id>/`:
 *   config.json        the resolved RunConfig (no API keys: only env variable names)
 *   events.jsonl       the journal, one RunEvent per line
 *   checkpoint.json    the state after the last complete step
 *   report.json        machine-readable outcome
 *   report.md          the same for people
 *   best.prompt.<ext>  the whole prompt document with the best body (front matter intact)
 *   final.prompt.<ext> the same with the last body
 */

export interface RunPaths {
  dir: string;
  config: string;
  events: string;
  checkpoint: string;
  reportJson: string;
  reportMd: string;
  bestPrompt: string;
  finalPrompt: string;
}

/** `20261123-181500-ab12`: sortable by start time, unique enough for one workspace. */
export function newRunId(now: Date = new Date(), suffix: string = randomBytes(2).toString('hex')): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${date}-${time}-${suffix}`;
}

/** The extension of the prompt file's last segment: `gsm8k.prompt.md` → `md`, `a.prompty` → `prompty`. */
export function promptExtension(promptFile: string): string {
  const ext = path.extname(promptFile).replace(/^\./, '');
  return ext || 'txt';
}

export function runPaths(dir: string, promptFile: string): RunPaths {
  const ext = promptExtension(promptFile);
  return {
    dir,
    config: path.join(dir, 'config.json'),
    events: path.join(dir, 'events.jsonl'),
    checkpoint: path.join(dir, 'checkpoint.json'),
    reportJson: path.join(dir, 'report.json'),
    reportMd: path.join(dir, 'report.md'),
    bestPrompt: path.join(dir, `best.prompt.${ext}`),
    finalPrompt: path.join(dir, `final.prompt.${ext}`),
  };
}

/** Creates a fresh run directory; retries the random suffix on the (unlikely) clash. */
export function createRunDir(runsDir: string, now: Date = new Date()): { runId: string; dir: string } {
  fs.mkdirSync(runsDir, { recursive: true });
  for (let attempt = 0; attempt < 20; attempt++) {
    const runId = newRunId(now);
    const dir = path.join(runsDir, runId);
    try {
      fs.mkdirSync(dir);
      return { runId, dir };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error(`could not create a new run directory in ${runsDir}`);
}

/**
 * A run directory at a path chosen by the caller (an experiment's `runs/<key>/`), with a
 * fresh run id. Refuses a folder that already holds files: that is a run to resume.
 */
export function createFixedRunDir(dir: string, now: Date = new Date()): { runId: string; dir: string } {
  fs.mkdirSync(dir, { recursive: true });
  if (fs.readdirSync(dir).length > 0) throw new Error(`${dir} is not empty: resume the run in it instead of starting a new one there`);
  return { runId: newRunId(now), dir };
}
