import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExperimentPanelStateSchema } from '../../shared/experimentProtocol';
import type { Ctx } from '../ctx';
import { makeNonce, renderMessageHtml, renderPanelHtml, type PanelHtmlInput } from '../panel/panelHtml';
import { ExperimentBridge } from './experimentBridge';
import type { LiveExperiment, LiveExperiments } from './liveExperiments';

/** The page: the run panel's page (same CSP, nothing inline) with the experiment bundle. */
export function renderExperimentHtml(input: Omit<PanelHtmlInput, 'rootTestId'>): string {
  return renderPanelHtml({ ...input, rootTestId: 'experiment-panel-root' });
}

/**
 * One webview panel per experiment folder ("DLPO experiment: <name>"). It shows the
 * results table, the runs with their progress (a click opens the run in the run panel),
 * the curves per configuration, and saves exports. While this window runs the
 * experiment it follows it live and offers Stop.
 */
export class ExperimentPanel implements vscode.Disposable {
  static readonly viewType = 'dlpo.experimentPanel';
  private static readonly panels = new Map<string, ExperimentPanel>();

  private readonly bridge: ExperimentBridge;
  private readonly disposables: vscode.Disposable[] = [];
  private liveSubscription: vscode.Disposable | undefined;
  private disposed = false;

  static createOrShow(ctx: Ctx, lives: LiveExperiments, experimentDir: string): ExperimentPanel {
    const dir = path.resolve(experimentDir);
    const existing = ExperimentPanel.panels.get(dir);
    if (existing) {
      existing.follow(lives.get(dir));
      existing.panel.reveal(undefined, false);
      existing.bridge.pushResults();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(ExperimentPanel.viewType, ExperimentPanel.titleOf(dir), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
      ...ExperimentPanel.webviewOptions(ctx),
      retainContextWhenHidden: false,
    });
    return new ExperimentPanel(ctx, lives, panel, dir);
  }

  static revive(ctx: Ctx, lives: LiveExperiments, panel: vscode.WebviewPanel, experimentDir: string): ExperimentPanel {
    const dir = path.resolve(experimentDir);
    ExperimentPanel.panels.get(dir)?.dispose();
    return new ExperimentPanel(ctx, lives, panel, dir);
  }

  static titleOf(dir: string): string {
    return `DLPO experiment: ${path.basename(dir)}`;
  }

  static webviewOptions(ctx: Ctx): vscode.WebviewOptions {
    const root = ctx.extensionContext.extensionUri;
    return { enableScripts: true, enableCommandUris: false, localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media')] };
  }

  private constructor(
    private readonly ctx: Ctx,
    private readonly lives: LiveExperiments,
    readonly panel: vscode.WebviewPanel,
    readonly experimentDir: string,
  ) {
    ExperimentPanel.panels.set(experimentDir, this);
    panel.title = ExperimentPanel.titleOf(experimentDir);
    panel.webview.options = ExperimentPanel.webviewOptions(ctx);
    this.bridge = new ExperimentBridge(experimentDir, {
      post: (message) => void panel.webview.postMessage(message),
      openRun: async (runDir) => {
        await vscode.commands.executeCommand('dlpo.openRun', { runDir });
      },
      save: async (defaultPath, format, content) => {
        const filters: Record<string, string[]> = format === 'csv' ? { CSV: ['csv'] } : format === 'json' ? { JSON: ['json'] } : { Markdown: ['md'] };
        const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(defaultPath), filters, title: 'DLPO: save the experiment table' });
        if (!target) return undefined;
        await fs.promises.writeFile(target.fsPath, content, 'utf8');
        void vscode.window.showInformationMessage(`Saved ${path.basename(target.fsPath)}.`);
        return target.fsPath;
      },
      stop: () => this.lives.get(experimentDir)?.stop(),
      resume: () => void vscode.commands.executeCommand('dlpo.resumeExperiment', { experimentDir }),
      isRunning: () => !!this.lives.get(experimentDir)?.running,
      latest: () => this.lives.get(experimentDir)?.latest ?? null,
      warn: (m) => ctx.output.warn(m),
    });
    panel.webview.onDidReceiveMessage((m: unknown) => void this.bridge.receive(m), null, this.disposables);
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    this.follow(lives.get(experimentDir));
    this.render();
  }

  /** Forwards a live experiment's messages to the page. */
  follow(live: LiveExperiment | undefined): void {
    this.liveSubscription?.dispose();
    this.liveSubscription = live?.onMessage((m) => void this.panel.webview.postMessage(m));
  }

  private render(): void {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(this.ctx.extensionContext.extensionUri, 'dist', 'webview');
    if (!fs.existsSync(path.join(dist.fsPath, 'experiment.js'))) {
      webview.options = { ...ExperimentPanel.webviewOptions(this.ctx), enableScripts: false };
      webview.html = renderMessageHtml(webview.cspSource, this.panel.title, 'The experiment panel is not built: run `npm run build` (dist/webview/experiment.js is missing).');
      return;
    }
    webview.html = renderExperimentHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'experiment.js')).toString(),
      styleUris: ['panel.css', 'experiment.css'].map((f) => webview.asWebviewUri(vscode.Uri.joinPath(dist, f)).toString()),
      nonce: makeNonce(),
      title: this.panel.title,
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (ExperimentPanel.panels.get(this.experimentDir) === this) ExperimentPanel.panels.delete(this.experimentDir);
    this.liveSubscription?.dispose();
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

/** Reopens experiment panels after a window reload from the folder the page recorded. Registered during activation. */
export function registerExperimentPanelSerializer(ctx: Ctx, lives: LiveExperiments): void {
  ctx.pushCleanup(
    vscode.window.registerWebviewPanelSerializer(ExperimentPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const parsed = ExperimentPanelStateSchema.safeParse(state);
        if (!parsed.success || !fs.existsSync(parsed.data.experimentDir)) {
          panel.webview.options = { ...ExperimentPanel.webviewOptions(ctx), enableScripts: false };
          panel.webview.html = renderMessageHtml(panel.webview.cspSource, panel.title, 'This DLPO experiment panel cannot be restored: its folder is gone or was not recorded. Use DLPO: Open Experiment.');
          return;
        }
        ExperimentPanel.revive(ctx, lives, panel, parsed.data.experimentDir);
      },
    }),
  );
}
