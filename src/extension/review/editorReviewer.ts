import * as vscode from 'vscode';
import { tsaOutcomeMessage } from '../../core/review/reviewLabels';
import type { CandidateForReview, CandidateReviewer, ReviewDecision } from '../../core/run/runTypes';
import type { RunSession } from '../run/runSession';
import type { PendingReview } from './pendingReview';
import { reviewCenterFor, type ModeControl, type ReviewCenter, type ReviewMode } from './reviewCenter';
import type { ReviewHost } from './reviewHost';

export type { ReviewMode } from './reviewCenter';

/**
 * The editor's reviewer for one run (the run controller passes it to the trainer).
 * - `manual`: the run waits at each candidate until the user decides; TSA's verdict is
 *   shown as advice (`Let TSA decide (would accept, p 0.82)`).
 * - `tsa`: TSA's verdict is applied at once and shown briefly in the status bar.
 * - `auto`: every candidate that reaches review (the trainer already dropped invalid
 *   ones) is accepted and applied.
 * In every mode an accepted candidate is written to the file as one undoable edit, and a
 * collision with the user's own edit turns into a manual review of the conflict.
 */
export function createEditorReviewer(ctx: ReviewHost, session: RunSession, mode: ReviewMode): CandidateReviewer & vscode.Disposable {
  return new EditorReviewer(reviewCenterFor(ctx), session, mode);
}

export class EditorReviewer implements CandidateReviewer, ModeControl, vscode.Disposable {
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly center: ReviewCenter,
    private readonly session: RunSession,
    private currentMode: ReviewMode,
  ) {
    this.registration = center.attach(session, this);
  }

  get mode(): ReviewMode {
    return this.currentMode;
  }

  /** Switching mode mid-run also settles the pending candidate the new way. */
  setMode(mode: ReviewMode): void {
    this.currentMode = mode;
    const p = this.center.pending(this.session.runId);
    if (p && !p.isSettled) void this.decideByMode(p);
  }

  review(candidate: CandidateForReview, signal: AbortSignal): Promise<ReviewDecision> {
    const { pending, decision } = this.center.open(this.session, candidate, signal);
    if (!pending.isSettled) void this.decideByMode(pending);
    return decision;
  }

  private async decideByMode(p: PendingReview): Promise<void> {
    switch (this.currentMode) {
      case 'manual':
        this.center.markWaiting(p);
        return;
      case 'tsa': {
        const accepted = p.candidate.tsa?.accepted ?? true;
        vscode.window.setStatusBarMessage(`$(pulse) ${tsaOutcomeMessage(p.step, p.candidate.tsa, accepted)}`, 6000);
        if (!accepted) {
          this.center.reject(p, 'tsa');
          return;
        }
        if ((await this.center.accept(p, 'tsa')) === 'failed') this.center.markWaiting(p);
        return;
      }
      case 'auto':
        if ((await this.center.accept(p, 'auto')) === 'failed') this.center.markWaiting(p);
        return;
    }
  }

  dispose(): void {
    this.registration.dispose();
  }
}
