import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunConfig } from '../../core/config/runConfig';
import type { RunEvent, RunEventOf } from '../../core/run/events';
import { startRun } from '../../core/run/runner';
import type { CandidateReviewer, RunResult } from '../../core/run/runTypes';
import type { ReviewMode } from '../config/settingsModel';
import type { Ctx } from '../ctx';
import { RunPanel } from '../panel/runPanel';
import { resolveRunModels } from '../providers/resolveModels';
import { createEditorReviewer } from '../review/editorReviewer';
import type { Secrets } from '../secrets';
import { logLine } from './eventLog';
import { ACTION_LABELS, doneOutcome, startFailureOutcome, type Outcome, type OutcomeAction } from './outcomeMessage';
import { EMPTY_PROGRESS, foldProgress, progressMessage, type RunProgress } from './runProgress';
import { TrackedRunSession } from './trackedRunSession';
import { INTERRUPTED_MARKER } from './findInterruptedRuns';

/** A review taking longer than this is waiting for the user. */
const REVIEW_WAIT_MS = 750;

export interface RunRequest {
  /** The prompt file. */
  documentUri: vscode.Uri;
  /** The merged, validated configuration (for a resume: budgets and plumbing only). */
  config: RunConfig;
  reviewMode: ReviewMode;
  /** Continue the run in this folder from its last checkpoint. */
  resumeDir?: string;
  /** Folder that receives the run folder. */
  runsDir: string;
}

export interface StartOptions {
  /** Cancels the run like the notification's Cancel (tests, callers with their own progress). */
  token?: vscode.CancellationToken;
  /** No progress notification, panel or outcome notification (extension-host tests). */
  quiet?: boolean;
}

/** Called with each live run's progress (status bar) and when the set of live runs changes. */
export interface RunObserver {
  onProgress(session: TrackedRunSession, progress: RunProgress): void;
  onRunsChanged(): void;
}

/**
 * Starts and supervises runs: one per prompt file at a time, a cancellable progress
 * notification wired to the run's AbortSignal, events into the session, the log and the
 * status bar, a panel and an editor reviewer per run, and one notification with the
 * outcome (and the action that helps) at the end.
 */
export class RunController implements vscode.Disposable {
  /** Runs being set up or running, by prompt file (before run-start there is no session yet). */
  private readonly live = new Map<string, { abort: AbortController; session?: TrackedRunSession }>();
  private readonly progress = new Map<string, RunProgress>();

  constructor(
    private readonly ctx: Ctx,
    private readonly secrets: Secrets,
    private readonly observer: RunObserver,
    private readonly actions: { run(action: OutcomeAction, runId: string | undefined, documentUri: vscode.Uri): Promise<void> },
  ) {}

  isRunning(documentUri: vscode.Uri): boolean {
    return this.live.has(documentUri.toString());
  }

  /** A second request for a file with a live run: offers `Open` / `Stop` for that run. */
  async offerRunningFor(documentUri: vscode.Uri): Promise<void> {
    const existing = this.live.get(documentUri.toString());
    if (existing) await this.offerRunning(existing, path.basename(documentUri.fsPath));
  }

  liveSessions(): TrackedRunSession[] {
    return [...this.live.values()].flatMap((l) => (l.session ? [l.session] : []));
  }

  progressOf(runId: string): RunProgress | undefined {
    return this.progress.get(runId);
  }

  stopAll(): void {
    for (const l of this.live.values()) l.abort.abort();
  }

  /** Starts (or resumes) a run. Resolves with its result, or undefined when it did not start. */
  async start(request: RunRequest, options: StartOptions = {}): Promise<RunResult | undefined> {
    const key = request.documentUri.toString();
    const name = path.basename(request.documentUri.fsPath);
    if (!vscode.workspace.isTrusted) {
      if (!options.quiet) {
        const choice = await vscode.window.showWarningMessage('DLPO runs nothing and sends nothing to any model in an untrusted workspace.', 'Manage Workspace Trust');
        if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
      }
      return undefined;
    }
    const existing = this.live.get(key);
    if (existing) {
      if (!options.quiet) await this.offerRunning(existing, name);
      return undefined;
    }
    const abort = new AbortController();
    const entry: { abort: AbortController; session?: TrackedRunSession } = { abort };
    this.live.set(key, entry);
    this.observer.onRunsChanged();
    const tokenSubscription = options.token?.onCancellationRequested(() => abort.abort());
    if (options.token?.isCancellationRequested) abort.abort();

    const run = async (report: (message: string) => void): Promise<RunResult | undefined> => {
      let reviewer: (CandidateReviewer & vscode.Disposable) | undefined;
      const early: RunEvent[] = [];
      let progress = EMPTY_PROGRESS;
      // The reviewer needs the session, which exists from run-start on; the runner needs a
      // reviewer up front. Candidates only come after run-start, so a forwarder suffices.
      const lazyReviewer: CandidateReviewer = {
        review: async (candidate, signal) => {
          // Without an editor reviewer the run's own rule decides, as it would with none.
          if (!reviewer) return { accepted: candidate.tsa?.accepted ?? true, by: candidate.tsa ? 'tsa' : 'trainer' };
          // A decision that takes longer than a moment is the user's (manual review): the
          // session and the status bar say a candidate is waiting until it comes.
          const waitingTimer = setTimeout(() => setReviewWaiting(true), REVIEW_WAIT_MS);
          try {
            return await reviewer.review(candidate, signal);
          } finally {
            clearTimeout(waitingTimer);
            setReviewWaiting(false);
          }
        },
      };
      const setReviewWaiting = (waiting: boolean) => {
        const session = entry.session;
        if (!session) return;
        if (waiting === (progress.waiting?.reason === 'review')) return;
        progress = { ...progress, waiting: waiting ? { reason: 'review', seconds: 0, since: Date.now() } : null };
        if (waiting) session.setStatus('waiting-review');
        else if (session.status === 'waiting-review') session.setStatus('running');
        this.progress.set(session.runId, progress);
        this.observer.onProgress(session, progress);
        report(progressMessage(progress));
      };
      const onEvent = (event: RunEvent) => {
        const line = logLine(event);
        if (line) this.ctx.output[line.level](line.text);
        if (event.type === 'run-start' && !entry.session) {
          entry.session = this.createSession(event, request, abort, early);
          if (!options.quiet) {
            reviewer = createEditorReviewer(this.ctx, entry.session, request.reviewMode);
            RunPanel.createOrShow(this.ctx, entry.session, { reviewMode: request.reviewMode });
          }
        }
        progress = foldProgress(progress, event);
        if (entry.session) {
          entry.session.push(event);
          this.progress.set(entry.session.runId, progress);
          this.observer.onProgress(entry.session, progress);
        } else {
          early.push(event);
        }
        report(progressMessage(progress));
      };
      try {
        if (request.resumeDir) fs.rmSync(path.join(request.resumeDir, INTERRUPTED_MARKER), { force: true });
        const resolved = await resolveRunModels(request.config, this.secrets);
        this.ctx.output.info(`${request.resumeDir ? 'Resuming' : 'Starting'} a run on ${vscode.workspace.asRelativePath(request.documentUri, false)} (review: ${request.reviewMode}).`);
        const result = await startRun({
          config: request.config,
          runsDir: request.runsDir,
          resumeDir: request.resumeDir,
          writer: 'VS Code (DLPO extension)',
          models: resolved.models,
          apiKeys: resolved.apiKeys,
          keySources: resolved.keySources,
          signal: abort.signal,
          reviewer: options.quiet ? undefined : lazyReviewer,
          onEvent,
        });
        if (!options.quiet) void this.showOutcome(doneOutcome(result.done, entry.session?.events ?? [], name), result.runId, request.documentUri);
        return result;
      } catch (e) {
        const outcome = startFailureOutcome(e, name);
        this.ctx.output.error(outcome.text);
        if (entry.session && entry.session.status === 'running') entry.session.setStatus('failed');
        if (!options.quiet) void this.showOutcome(outcome, entry.session?.runId, request.documentUri);
        else throw e;
        return undefined;
      } finally {
        reviewer?.dispose();
        tokenSubscription?.dispose();
        this.live.delete(key);
        this.observer.onRunsChanged();
      }
    };

    // Progress is the run's status bar item and its panel: a progress notification would
    // cover the bottom of the panel for the whole run. Stop is in the panel, the editor's
    // title bar and the palette.
    return run(() => undefined);
  }

  private createSession(start: RunEventOf<'run-start'>, request: RunRequest, abort: AbortController, early: RunEvent[]): TrackedRunSession {
    const runDir = request.resumeDir ? path.resolve(request.resumeDir) : path.join(request.runsDir, start.runId);
    let prior: RunEvent[] = [];
    const previous = this.ctx.runs.get(start.runId);
    if (previous && request.resumeDir) {
      // The runner cuts the journal after the last checkpoint and continues from there.
      const events = [...previous.events];
      let cut = -1;
      events.forEach((e, i) => {
        if (e.type === 'checkpoint') cut = i;
      });
      prior = cut >= 0 ? events.slice(0, cut + 1) : [];
    }
    const session = new TrackedRunSession(start.runId, runDir, request.documentUri, 'running', [...prior, ...early], abort);
    // A panel showing the stopped session follows that session's events; the resumed run
    // is a new session (the journal was cut back to its checkpoint), so it gets a new panel.
    if (request.resumeDir) RunPanel.get(start.runId)?.dispose();
    this.ctx.runs.add(session);
    return session;
  }

  private async offerRunning(existing: { abort: AbortController; session?: TrackedRunSession }, name: string): Promise<void> {
    const choice = await vscode.window.showInformationMessage(`A DLPO run on ${name} is already in progress.`, 'Open', 'Stop');
    if (choice === 'Stop') existing.abort.abort();
    if (choice === 'Open' && existing.session) RunPanel.createOrShow(this.ctx, existing.session, { preserveFocus: false });
  }

  private async showOutcome(outcome: Outcome, runId: string | undefined, documentUri: vscode.Uri): Promise<void> {
    const labels = outcome.actions.map((a) => ACTION_LABELS[a]);
    const show = outcome.severity === 'error' ? vscode.window.showErrorMessage : outcome.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const picked = await show(outcome.text, ...labels);
    const action = outcome.actions.find((a) => ACTION_LABELS[a] === picked);
    if (action) await this.actions.run(action, runId, documentUri);
  }

  /**
   * The window is closing: the runs are stopped (the runner writes a final checkpoint and
   * a `cancelled` done), and each is marked so the next window offers to resume it,
   * which a run the user stopped is not.
   */
  dispose(): void {
    for (const l of this.live.values()) {
      if (!l.session) continue;
      try {
        fs.writeFileSync(path.join(l.session.runDir, INTERRUPTED_MARKER), `${new Date().toISOString()}\n`);
      } catch {
        // The run folder may be gone; nothing to offer then.
      }
    }
    this.stopAll();
  }
}
