import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { RunSession } from '../run/runSession';
import { PanelStateSchema, type PanelReviewMode } from '../../shared/protocol';
import { canResume } from '../run/findInterruptedRuns';
import { PanelBridge } from './panelBridge';
import { makeNonce, renderMessageHtml, renderPanelHtml } from './panelHtml';

/**
 * One webview panel per run ("DLPO: math.prompt.md — run <id>"), a singleton per run id.
 * The webview holds no state the host cannot rebuild: with `retainContextWhenHidden`
 * off it is torn down when hidden and asks for a snapshot when shown again; after a
 * window reload the serializer reopens the run from its folder.
 */
export class RunPanel implements vscode.Disposable {
  static readonly viewType = 'dlpo.runPanel';
  private static readonly panels = new Map<string, RunPanel>();

  private readonly bridge: PanelBridge;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  static createOrShow(ctx: Ctx, session: RunSession, options: { reviewMode?: PanelReviewMode; preserveFocus?: boolean } = {}): RunPanel {
    const existing = RunPanel.panels.get(session.runId);
    if (existing) {
      if (options.reviewMode) existing.bridge.reviewMode = options.reviewMode;
      existing.panel.reveal(undefined, options.preserveFocus ?? true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      RunPanel.viewType,
      RunPanel.titleOf(session),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: options.preserveFocus ?? true },
      { ...RunPanel.webviewOptions(ctx), retainContextWhenHidden: false },
    );
    return new RunPanel(ctx, panel, session, options.reviewMode);
  }

  /** Re-attaches a panel VS Code restored after a reload. */
  static revive(ctx: Ctx, panel: vscode.WebviewPanel, session: RunSession): RunPanel {
    RunPanel.panels.get(session.runId)?.dispose();
    return new RunPanel(ctx, panel, session);
  }

  static get(runId: string): RunPanel | undefined {
    return RunPanel.panels.get(runId);
  }

  static titleOf(session: RunSession): string {
    return `DLPO: ${path.basename(session.documentUri.fsPath || session.documentUri.path)} — run ${session.runId}`;
  }

  static webviewOptions(ctx: Ctx): vscode.WebviewOptions {
    const root = ctx.extensionContext.extensionUri;
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media')],
    };
  }

  private constructor(
    private readonly ctx: Ctx,
    readonly panel: vscode.WebviewPanel,
    readonly session: RunSession,
    reviewMode?: PanelReviewMode,
  ) {
    RunPanel.panels.set(session.runId, this);
    panel.title = RunPanel.titleOf(session);
    panel.webview.options = RunPanel.webviewOptions(ctx);
    const media = vscode.Uri.joinPath(ctx.extensionContext.extensionUri, 'media');
    panel.iconPath = { light: vscode.Uri.joinPath(media, 'dlpo-light.svg'), dark: vscode.Uri.joinPath(media, 'dlpo-dark.svg') };

    this.bridge = new PanelBridge(
      session,
      {
        post: (message) => void panel.webview.postMessage(message),
        executeCommand: (id, arg) => vscode.commands.executeCommand(id, arg),
        warn: (m) => ctx.output.warn(m),
        info: (m) => ctx.output.info(m),
        resumable: () => canResume(session.runDir),
      },
      { reviewMode },
    );
    panel.webview.onDidReceiveMessage((m: unknown) => void this.bridge.receive(m), null, this.disposables);
    panel.onDidChangeViewState(
      () => {
        // Hidden without retained context: the page is gone; it asks for a snapshot when shown.
        if (!panel.visible) this.bridge.forgetWebview();
      },
      null,
      this.disposables,
    );
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    this.render();
  }

  private render(): void {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(this.ctx.extensionContext.extensionUri, 'dist', 'webview');
    webview.html = renderPanelHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'main.js')).toString(),
      styleUris: ['main.css', 'panel.css'].map((f) => webview.asWebviewUri(vscode.Uri.joinPath(dist, f)).toString()),
      nonce: makeNonce(),
      title: this.panel.title,
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (RunPanel.panels.get(this.session.runId) === this) RunPanel.panels.delete(this.session.runId);
    this.bridge.dispose();
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

/**
 * Lets run panels survive a window reload: VS Code hands back the webview's last
 * `setState` (run id and folder), and the run is reopened from its journal. Must be
 * registered during activation.
 */
export function registerRunPanelSerializer(ctx: Ctx): void {
  ctx.pushCleanup(
    vscode.window.registerWebviewPanelSerializer(RunPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const parsed = PanelStateSchema.safeParse(state);
        panel.webview.options = { ...RunPanel.webviewOptions(ctx), enableScripts: false };
        if (!parsed.success) {
          panel.webview.html = renderMessageHtml(panel.webview.cspSource, panel.title, 'This DLPO run panel cannot be restored: it did not record which run it showed. Open the run again from the DLPO Runs view.');
          return;
        }
        try {
          const opened = ctx.runs.get(parsed.data.runId) ?? (await ctx.runs.open(parsed.data.runDir));
          // While the journal was being read, a Resume may have started this run again and
          // opened its own panel: the live panel wins and this restored copy closes.
          if (RunPanel.get(parsed.data.runId)) {
            panel.dispose();
            return;
          }
          RunPanel.revive(ctx, panel, ctx.runs.get(parsed.data.runId) ?? opened);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          ctx.output.warn(`Could not restore the panel of run ${parsed.data.runId}: ${reason}`);
          panel.webview.html = renderMessageHtml(panel.webview.cspSource, panel.title, `The run ${parsed.data.runId} could not be reopened from ${parsed.data.runDir}: ${reason}`);
        }
      },
    }),
  );
}
