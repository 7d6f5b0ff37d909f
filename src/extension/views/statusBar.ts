import * as vscode from 'vscode';
import type { RunObserver } from '../run/runController';
import { statusBarText, type RunProgress } from '../run/runProgress';
import type { TrackedRunSession } from '../run/trackedRunSession';

/**
 * The status bar item of live runs (`DLPO step 3/10 · val 62% · $0.04`), which opens the
 * panel, and the context keys menus depend on (`dlpo.runActive`, `dlpo.runActiveInEditor`).
 * It shows the active editor's run, else the latest live run.
 */
export class RunStatusBar implements RunObserver, vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly latest = new Map<string, { session: TrackedRunSession; progress: RunProgress }>();
  private readonly disposables: vscode.Disposable[] = [];
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly liveSessions: () => TrackedRunSession[]) {
    this.item = vscode.window.createStatusBarItem('dlpo.run', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'DLPO run';
    this.disposables.push(this.item, vscode.window.onDidChangeActiveTextEditor(() => this.render()));
  }

  onProgress(session: TrackedRunSession, progress: RunProgress): void {
    this.latest.set(session.runId, { session, progress });
    this.render();
  }

  onRunsChanged(): void {
    const live = new Set(this.liveSessions().map((s) => s.runId));
    for (const id of [...this.latest.keys()]) if (!live.has(id)) this.latest.delete(id);
    this.render();
  }

  private current(): { session: TrackedRunSession; progress: RunProgress } | undefined {
    const editorUri = vscode.window.activeTextEditor?.document.uri.toString();
    const all = [...this.latest.values()];
    return all.find((x) => x.session.documentUri.toString() === editorUri) ?? all[all.length - 1];
  }

  private render(): void {
    const cur = this.current();
    const editorUri = vscode.window.activeTextEditor?.document.uri.toString();
    const live = this.liveSessions();
    void vscode.commands.executeCommand('setContext', 'dlpo.runActive', live.length > 0 || this.latest.size > 0);
    void vscode.commands.executeCommand('setContext', 'dlpo.runActiveInEditor', live.some((s) => s.documentUri.toString() === editorUri));
    if (!cur) {
      this.item.hide();
      this.stopTicker();
      return;
    }
    this.item.text = statusBarText(cur.progress);
    const file = vscode.workspace.asRelativePath(cur.session.documentUri, false);
    const reviewing = cur.progress.waiting?.reason === 'review';
    // The one status bar item of a run; while a candidate waits it leads to the candidate.
    this.item.tooltip = reviewing
      ? `The run on ${file} waits for your review — click to show the candidate. Accept: Ctrl/Cmd+Alt+Enter · Reject: Ctrl/Cmd+Alt+Backspace`
      : `DLPO run ${cur.session.runId} on ${file} — click to open the panel`;
    this.item.command = reviewing
      ? { command: 'dlpo.showPendingCandidate', title: 'Show Candidate', arguments: [{ runId: cur.session.runId }] }
      : { command: 'dlpo.showPanel', title: 'Show Panel', arguments: [{ runId: cur.session.runId }] };
    this.item.backgroundColor = cur.progress.waiting?.reason === 'review' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
    // Count down a rate-limit wait once a second; nothing ticks otherwise.
    if (cur.progress.waiting && cur.progress.waiting.reason !== 'review') this.startTicker();
    else this.stopTicker();
  }

  private startTicker(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => this.render(), 1000);
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  dispose(): void {
    this.stopTicker();
    for (const d of this.disposables) d.dispose();
  }
}
