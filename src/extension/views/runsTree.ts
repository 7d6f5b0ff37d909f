import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { RunLocations } from '../run/locations';
import { percent } from '../run/runProgress';
import type { RunStatus } from '../run/runSession';
import { listRunDirs, summarizeRunDir, type RunSummary } from './runSummary';

const STATUS_ICON: Record<RunStatus, string> = {
  running: 'sync~spin',
  'waiting-review': 'bell-dot',
  done: 'pass',
  stopped: 'debug-stop',
  failed: 'error',
  interrupted: 'debug-pause',
};

export class RunTreeItem extends vscode.TreeItem {
  readonly runDir: string;
  readonly runId: string;
  constructor(summary: RunSummary) {
    const file = summary.promptFile ? path.basename(summary.promptFile) : '(unknown prompt)';
    super(file, vscode.TreeItemCollapsibleState.None);
    this.runDir = summary.runDir;
    this.runId = summary.runId;
    const scores = summary.bestVal !== null ? `val ${percent(summary.startVal)} → ${percent(summary.bestVal)}` : 'no score yet';
    const cost = summary.simulator ? 'offline simulator' : `$${summary.costUsd.toFixed(2)}`;
    const date = summary.time ? new Date(summary.time).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }) : summary.runId;
    this.description = `${summary.preset ?? ''} · ${scores} · ${cost} · ${date}`;
    this.tooltip = new vscode.MarkdownString(
      [
        `**${file}** — run \`${summary.runId}\` (${summary.status})`,
        `Preset **${summary.preset ?? '?'}** [${summary.techniques.join(', ') || 'no technique'}]`,
        `Forward \`${summary.forwardModel ?? '?'}\`, backward \`${summary.backwardModel ?? '?'}\``,
        `Steps ${summary.steps}/${summary.totalSteps}; val ${percent(summary.startVal)} → best ${percent(summary.bestVal)}; test (best) ${percent(summary.bestTest)}`,
        summary.simulator ? '_Offline simulator: these numbers are not real model results._' : `Cost $${summary.costUsd.toFixed(4)}`,
      ].join('\n\n'),
    );
    this.iconPath = new vscode.ThemeIcon(STATUS_ICON[summary.status]);
    this.contextValue = `dlpoRun.${summary.status}`;
    this.command = { command: 'dlpo.openRun', title: 'Open Run', arguments: [{ runDir: summary.runDir }] };
  }
}

/**
 * The Runs view: past and live runs of every runs folder this window sees, newest
 * first; clicking one reopens it in the panel. It reads run folders only when shown.
 */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunTreeItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly locations: RunLocations,
  ) {
    ctx.pushCleanup(ctx.runs.onDidChange(() => this.refreshSoon()));
  }

  refresh(): void {
    this.changed.fire();
  }

  /** Coalesces bursts (a run's status changes) into one re-read. */
  refreshSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, 500);
  }

  getTreeItem(item: RunTreeItem): vscode.TreeItem {
    return item;
  }

  async getChildren(item?: RunTreeItem): Promise<RunTreeItem[]> {
    if (item) return [];
    const summaries: RunSummary[] = [];
    for (const runsDir of this.locations.allRunsDirs()) {
      for (const dir of await listRunDirs(runsDir, 100)) {
        const s = await summarizeRunDir(dir);
        if (!s) continue;
        const live = this.ctx.runs.get(s.runId);
        if (live && (live.status === 'running' || live.status === 'waiting-review')) s.status = live.status;
        summaries.push(s);
      }
    }
    summaries.sort((a, b) => (b.time ?? b.runId).localeCompare(a.time ?? a.runId));
    void vscode.commands.executeCommand('setContext', 'dlpo.hasRuns', summaries.length > 0 || this.ctx.runs.list().length > 0);
    return summaries.map((s) => new RunTreeItem(s));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }
}
