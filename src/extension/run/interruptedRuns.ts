import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { WorkspaceState } from '../state';
import type { RunLocations } from './locations';
import { findInterruptedRuns } from './findInterruptedRuns';

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
