import * as vscode from 'vscode';
import { applyBestPrompt, restorePromptVersion } from '../review/restoreVersion';
import { REVIEW_MODES, reviewCenterFor, type ReviewCenter, type ReviewMode } from '../review/reviewCenter';
import type { PendingReview } from '../review/pendingReview';
import type { ReviewHost } from '../review/reviewHost';

/**
 * The review's commands. Each takes `{ runId }` (the panel's buttons), a URI (the
 * side-by-side diff's title bar) or nothing (the active editor's pending candidate).
 */
export function registerReviewCommands(ctx: ReviewHost): ReviewCenter {
  // One status bar item: the run's own (RunStatusBar) says when a candidate waits.
  const center = reviewCenterFor(ctx, { statusItem: false });
  const withPending = (fn: (p: PendingReview) => unknown) => (arg?: unknown) => {
    const p = center.pendingFromArg(arg);
    if (!p) {
      void vscode.window.showInformationMessage('No DLPO candidate is waiting for review.');
      return undefined;
    }
    return fn(p);
  };
  ctx.registerCommand('acceptCandidate', withPending((p) => center.accept(p, 'user')));
  ctx.registerCommand('rejectCandidate', withPending((p) => center.reject(p, 'user')));
  ctx.registerCommand('letTsaDecide', withPending((p) => center.letTsaDecide(p)));
  ctx.registerCommand('rebaseCandidate', withPending((p) => center.resolveConflict(p, 'rebase')));
  ctx.registerCommand('useMyEdit', withPending((p) => center.resolveConflict(p, 'mine')));
  ctx.registerCommand('dropHunk', (arg?: { runId?: string; hunk?: number }) =>
    withPending((p) => center.dropHunk(p, typeof arg?.hunk === 'number' ? arg.hunk : -1))(arg),
  );
  ctx.registerCommand('showCandidateDiff', withPending((p) => center.showSideBySide(p)));
  ctx.registerCommand('showPendingCandidate', withPending((p) => center.reveal(p)));
  ctx.registerCommand('setReviewMode', (arg?: { runId?: string; mode?: string }) => setReviewMode(center, arg));
  ctx.registerCommand('restorePromptVersion', (arg?: unknown) => restorePromptVersion(center, ctx, arg));
  ctx.registerCommand('applyBestPrompt', (arg?: unknown) => applyBestPrompt(center, ctx, arg));
  return center;
}

async function setReviewMode(center: ReviewCenter, arg?: { runId?: string; mode?: string }): Promise<boolean> {
  const runId = arg?.runId ?? center.pendingFromArg(undefined)?.runId ?? onlyLiveRun(center);
  if (!runId || center.modeOf(runId) === undefined) {
    const choice = await vscode.window.showInformationMessage(
      'No run is reviewing candidates right now. New runs use the "DLPO: Review Mode" setting.',
      'Open Setting',
    );
    if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'dlpo.reviewMode');
    return false;
  }
  let mode = REVIEW_MODES.find((m) => m === arg?.mode);
  if (!mode) {
    const current = center.modeOf(runId);
    const picked = await vscode.window.showQuickPick(
      [
        { mode: 'manual' as ReviewMode, label: 'Manual', detail: 'The run waits at each candidate until you accept or reject it; TSA’s verdict is shown as advice.' },
        { mode: 'tsa' as ReviewMode, label: 'TSA decides', detail: 'Simulated annealing accepts or rejects each candidate; accepted ones are applied at once.' },
        { mode: 'auto' as ReviewMode, label: 'Automatic', detail: 'Every candidate is accepted and applied.' },
      ].map((i) => ({ ...i, description: i.mode === current ? 'current' : undefined })),
      { title: 'Review mode for this run' },
    );
    mode = picked?.mode;
  }
  return mode ? center.setMode(runId, mode) : false;
}

function onlyLiveRun(center: ReviewCenter): string | undefined {
  const ids = center.sessions().map((s) => s.runId).filter((id) => center.modeOf(id) !== undefined);
  return ids.length === 1 ? ids[0] : undefined;
}
