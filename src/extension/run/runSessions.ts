import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunSession } from './runSession';
import { isFinished } from './runSession';
import { TrackedRunSession } from './trackedRunSession';
import { replayRunDir } from './journalReplay';

/**
 * Every run session of this window: the live ones the run controller starts and the
 * past ones opened from their journals. The panel and the review look runs up here.
 */
export class RunSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, TrackedRunSession>();
  private readonly changeEmitter = new vscode.EventEmitter<RunSession>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Fires when a session is added or its status changes. */
  readonly onDidChange: vscode.Event<RunSession> = this.changeEmitter.event;

  get(runId: string): RunSession | undefined {
    return this.sessions.get(runId);
  }

  /** The active (not finished) run on that file. */
  forDocument(uri: vscode.Uri): RunSession | undefined {
    const key = uri.toString();
    for (const s of this.sessions.values()) {
      if (s.documentUri.toString() === key && !isFinished(s.status)) return s;
    }
    return undefined;
  }

  list(): RunSession[] {
    return [...this.sessions.values()];
  }

  /** Loads a finished run from its folder (journal replay) without starting anything. */
  async open(runDir: string): Promise<RunSession> {
    const resolved = path.resolve(runDir);
    for (const s of this.sessions.values()) if (path.resolve(s.runDir) === resolved) return s;
    const replay = await replayRunDir(resolved);
    const existing = this.sessions.get(replay.runId);
    if (existing) return existing;
    const uri = vscode.Uri.file(replay.promptFile ?? path.join(resolved, 'prompt'));
    const session = new TrackedRunSession(replay.runId, resolved, uri, replay.status, replay.events);
    this.add(session);
    return session;
  }

  /** Registers a live session (the run controller's). */
  add(session: TrackedRunSession): void {
    this.sessions.get(session.runId)?.dispose();
    this.sessions.set(session.runId, session);
    this.subscriptions.push(session.onStatus(() => this.changeEmitter.fire(session)));
    this.changeEmitter.fire(session);
  }

  /** The concrete session, for the run controller to push events into. */
  tracked(runId: string): TrackedRunSession | undefined {
    return this.sessions.get(runId);
  }

  /** Forgets a session (e.g. a discarded interrupted run); a live one is stopped first. */
  remove(runId: string): void {
    const s = this.sessions.get(runId);
    if (!s) return;
    s.stop();
    this.sessions.delete(runId);
    s.dispose();
  }

  dispose(): void {
    for (const s of this.sessions.values()) {
      s.stop();
      s.dispose();
    }
    this.sessions.clear();
    for (const d of this.subscriptions) d.dispose();
    this.changeEmitter.dispose();
  }
}
