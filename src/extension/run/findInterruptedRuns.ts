import * as fs from 'node:fs';
import * as path from 'node:path';
import { listRunDirs } from '../views/runSummary';

/** A file in a run folder saying the window closed while the run was live. */
export const INTERRUPTED_MARKER = '.interrupted';

export interface InterruptedRun {
  runDir: string;
  runId: string;
  promptFile?: string;
  step: number;
}

/**
 * Runs that have a checkpoint but no `done` (the window closed or the process died
 * mid-run). Reads only the checkpoint and the journal's tail of the latest few runs.
 */
export async function findInterruptedRuns(runsDirs: readonly string[], perDir = 20): Promise<InterruptedRun[]> {
  const found: InterruptedRun[] = [];
  for (const runsDir of runsDirs) {
    for (const dir of await listRunDirs(runsDir, perDir)) {
      const checkpointFile = path.join(dir, 'checkpoint.json');
      if (!fs.existsSync(checkpointFile)) continue;
      // The window closing stops a run with a `done`; the marker tells it from a user's Stop.
      const closedWithWindow = fs.existsSync(path.join(dir, INTERRUPTED_MARKER));
      if (!closedWithWindow && (await journalHasDone(path.join(dir, 'events.jsonl')))) continue;
      let step = 0;
      let runId = path.basename(dir);
      try {
        const cp = JSON.parse(await fs.promises.readFile(checkpointFile, 'utf8')) as { step?: number; runId?: string; finished?: boolean };
        if (cp.finished) continue;
        step = cp.step ?? 0;
        runId = cp.runId ?? runId;
      } catch {
        continue;
      }
      let promptFile: string | undefined;
      try {
        promptFile = (JSON.parse(await fs.promises.readFile(path.join(dir, 'config.json'), 'utf8')) as { promptFile?: string }).promptFile;
      } catch {
        promptFile = undefined;
      }
      found.push({ runDir: dir, runId, promptFile, step });
    }
  }
  return found;
}

async function journalHasDone(file: string): Promise<boolean> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    return /"type"\s*:\s*"done"/.test(buf.toString('utf8'));
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

/**
 * Whether Resume can work on a run folder: it has a readable checkpoint that is not
 * marked finished. A run stopped before its first checkpoint has nothing to resume from.
 */
export function canResume(runDir: string): boolean {
  try {
    const cp = JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoint.json'), 'utf8')) as { finished?: unknown };
    return cp.finished === false;
  } catch {
    return false;
  }
}
