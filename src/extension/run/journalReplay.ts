import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRunEvent, type RunEvent, type RunEventOf, type StoppedBy } from '../../core/run/events';
import type { RunStatus } from './runSession';

/**
 * Reading a run folder back without starting anything: the journal replayed into
 * events, and the status it implies. No `vscode` import so it is unit-testable.
 */

export interface ReplayedRun {
  runId: string;
  runDir: string;
  events: RunEvent[];
  status: RunStatus;
  /** Absolute path of the prompt file the run optimized, when the journal says. */
  promptFile: string | undefined;
  /** Lines that were not valid events (a truncated last line after a crash is the usual one). */
  skippedLines: number;
  hasCheckpoint: boolean;
}

export function statusAfterDone(stoppedBy: StoppedBy): RunStatus {
  if (stoppedBy === 'completed' || stoppedBy === 'early-stopping') return 'done';
  if (stoppedBy === 'error') return 'failed';
  return 'stopped';
}

/** Parses a journal's text; invalid or truncated lines are counted, never thrown. */
export function parseJournal(text: string): { events: RunEvent[]; skippedLines: number } {
  const events: RunEvent[] = [];
  let skippedLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skippedLines++;
      continue;
    }
    const event = parseRunEvent(value);
    if (event) events.push(event);
    else skippedLines++;
  }
  return { events, skippedLines };
}

export function statusOfEvents(events: readonly RunEvent[], hasCheckpoint: boolean): RunStatus {
  const done = [...events].reverse().find((e): e is RunEventOf<'done'> => e.type === 'done');
  if (done) return statusAfterDone(done.stoppedBy);
  // No `done`: the process ended mid-run (crash, window closed). With or without a
  // checkpoint it did not finish; `hasCheckpoint` only decides whether Resume is possible.
  void hasCheckpoint;
  return 'interrupted';
}

/** Resolves the run's prompt file: absolute as journaled, else relative to the workspace that holds `.dlpo/runs/<id>`. */
export function resolvePromptFile(runDir: string, promptFile: string | undefined): string | undefined {
  if (!promptFile) return undefined;
  if (path.isAbsolute(promptFile)) return promptFile;
  const runsDir = path.dirname(runDir);
  const dotDlpo = path.dirname(runsDir);
  const root = path.basename(dotDlpo) === '.dlpo' ? path.dirname(dotDlpo) : runsDir;
  return path.resolve(root, promptFile);
}

export async function replayRunDir(runDir: string): Promise<ReplayedRun> {
  const journalPath = path.join(runDir, 'events.jsonl');
  let text = '';
  try {
    text = await fs.promises.readFile(journalPath, 'utf8');
  } catch (e) {
    throw new Error(`No run journal at ${journalPath}: ${(e as Error).message}`);
  }
  const { events, skippedLines } = parseJournal(text);
  const hasCheckpoint = await exists(path.join(runDir, 'checkpoint.json'));
  const start = events.find((e): e is RunEventOf<'run-start'> => e.type === 'run-start');
  let promptFile = start?.promptFile;
  if (!promptFile) promptFile = await promptFileFromConfig(runDir);
  return {
    runId: start?.runId ?? path.basename(runDir),
    runDir,
    events,
    status: statusOfEvents(events, hasCheckpoint),
    promptFile: resolvePromptFile(runDir, promptFile),
    skippedLines,
    hasCheckpoint,
  };
}

async function promptFileFromConfig(runDir: string): Promise<string | undefined> {
  try {
    const config = JSON.parse(await fs.promises.readFile(path.join(runDir, 'config.json'), 'utf8')) as { promptFile?: unknown };
    return typeof config.promptFile === 'string' ? config.promptFile : undefined;
  } catch {
    return undefined;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.promises.access(p);
    return true;
  } catch {
    return false;
  }
}
