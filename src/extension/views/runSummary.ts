import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEventOf } from '../../core/run/events';
import { parseJournal, resolvePromptFile, statusOfEvents } from '../run/journalReplay';
import type { RunStatus } from '../run/runSession';

/**
 * One line's worth of a run folder for the Runs view: from `report.json` when the run
 * wrote one, else from its journal. No `vscode` import.
 */
export interface RunSummary {
  runId: string;
  runDir: string;
  promptFile?: string;
  preset?: string;
  techniques: string[];
  time?: string;
  status: RunStatus;
  simulator: boolean;
  steps: number;
  totalSteps: number;
  startVal: number | null;
  bestVal: number | null;
  bestTest: number | null;
  costUsd: number;
  forwardModel?: string;
  backwardModel?: string;
  hasCheckpoint: boolean;
}

interface ReportLike {
  runId?: string;
  simulator?: boolean;
  promptFile?: string;
  preset?: string;
  techniques?: string[];
  models?: { forward?: string; backward?: string };
  steps?: number;
  totalSteps?: number;
  stoppedBy?: string;
  scores?: { start?: { val?: number | null }; best?: { val?: number | null; test?: number | null } };
  usage?: { costUsd?: number };
}

export async function summarizeRunDir(runDir: string): Promise<RunSummary | undefined> {
  const journal = path.join(runDir, 'events.jsonl');
  let text: string;
  try {
    text = await fs.promises.readFile(journal, 'utf8');
  } catch {
    return undefined;
  }
  const hasCheckpoint = fs.existsSync(path.join(runDir, 'checkpoint.json'));
  const { events } = parseJournal(text);
  const starts = events.filter((e): e is RunEventOf<'run-start'> => e.type === 'run-start');
  const start = starts[0];
  const done = [...events].reverse().find((e): e is RunEventOf<'done'> => e.type === 'done');
  let report: ReportLike | undefined;
  try {
    report = JSON.parse(await fs.promises.readFile(path.join(runDir, 'report.json'), 'utf8')) as ReportLike;
  } catch {
    report = undefined;
  }
  let step = 0;
  let costUsd = 0;
  let lastVal: number | null = null;
  let bestVal: number | null = null;
  for (const e of events) {
    if (e.type === 'step-start') step = e.step;
    if (e.type === 'usage') costUsd = e.totals.costUsd;
    if (e.type === 'eval' && e.split === 'val' && (e.prompt === 'current' || e.prompt === 'start')) {
      lastVal = lastVal === null ? e.score : lastVal;
      bestVal = bestVal === null ? e.score : Math.max(bestVal, e.score);
    }
  }
  const startVal = done?.scores.start.val ?? report?.scores?.start?.val ?? firstVal(events);
  return {
    runId: start?.runId ?? report?.runId ?? path.basename(runDir),
    runDir,
    promptFile: resolvePromptFile(runDir, start?.promptFile ?? report?.promptFile),
    preset: start?.preset ?? report?.preset,
    techniques: start?.techniques ?? report?.techniques ?? [],
    time: start?.time,
    status: statusOfEvents(events, hasCheckpoint),
    simulator: start?.simulator ?? report?.simulator ?? false,
    steps: done?.steps ?? report?.steps ?? step,
    totalSteps: start?.totalSteps ?? report?.totalSteps ?? 0,
    startVal: startVal ?? null,
    bestVal: done?.scores.best.val ?? report?.scores?.best?.val ?? bestVal,
    bestTest: done?.scores.best.test ?? report?.scores?.best?.test ?? null,
    costUsd: done?.usage.costUsd ?? report?.usage?.costUsd ?? costUsd,
    forwardModel: start?.forwardModel ?? report?.models?.forward,
    backwardModel: start?.backwardModel ?? report?.models?.backward,
    hasCheckpoint,
  };
}

function firstVal(events: readonly { type: string }[]): number | null {
  for (const e of events) {
    const ev = e as RunEventOf<'eval'>;
    if (ev.type === 'eval' && ev.split === 'val' && ev.prompt === 'start') return ev.score;
  }
  return null;
}

/** The run folders under a runs directory, newest first (run ids sort by start time). */
export async function listRunDirs(runsDir: string, limit = 100): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(runsDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => !n.startsWith('.'))
    .sort()
    .reverse()
    .slice(0, limit)
    .map((n) => path.join(runsDir, n))
    .filter((d) => fs.existsSync(path.join(d, 'events.jsonl')));
}
