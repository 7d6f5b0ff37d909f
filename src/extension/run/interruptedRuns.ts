import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { WorkspaceState } from '../state';
import { listRunDirs } from '../views/runSummary';
import type { RunLocations } from './locations';
import { INTERRUPTED_MARKER } from './runController';

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

/** Offers each interrupted run once: `[Resume]` `[Open]` `[Discard]`. */
export async function offerInterruptedRuns(ctx: Ctx, locations: RunLocations, state: WorkspaceState, isLive: (runId: string) => boolean): Promise<void> {
  if (!vscode.workspace.isTrusted) return;
  const offered = new Set(state.interruptedRunsOffered());
  const runs = (await findInterruptedRuns(locations.allRunsDirs())).filter((r) => !offered.has(r.runId) && !isLive(r.runId));
  void vscode.commands.executeCommand('setContext', 'dlpo.hasResumableRun', runs.length > 0);
  for (const run of runs.slice(0, 3)) {
    await state.markInterruptedRunOffered(run.runId);
    const name = run.promptFile ? path.basename(run.promptFile) : run.runId;
    const choice = await vscode.window.showInformationMessage(`The DLPO run on ${name} stopped at step ${run.step} (the window closed or VS Code quit).`, 'Resume', 'Open', 'Discard');
    if (choice === 'Resume') await vscode.commands.executeCommand('dlpo.resumeRun', { runDir: run.runDir });
    else if (choice === 'Open') await vscode.commands.executeCommand('dlpo.openRun', { runDir: run.runDir });
    else if (choice === 'Discard') {
      await fs.promises.rm(run.runDir, { recursive: true, force: true });
      ctx.output.info(`Discarded the interrupted run ${run.runId}.`);
      await vscode.commands.executeCommand('dlpo.refreshRuns');
    }
  }
}
