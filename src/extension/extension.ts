import * as vscode from 'vscode';
import type { RunConfigInput } from '../core/config/runConfig';
import type { RunResult } from '../core/run/runTypes';
import { registerReviewCommands } from './commands/review';
import { clearCache } from './commands/cache';
import { evaluatePrompt } from './commands/evaluate';
import { exportPromptfoo } from './commands/exportPromptfoo';
import { clearApiKey, selectModels, setApiKey } from './commands/models';
import { optimizePrompt, optimizeSelection } from './commands/optimize';
import {
  discardRun,
  exportReport,
  openPromptOf,
  openRun,
  outcomeActions,
  resumeRun,
  revealRunFolder,
  showPanel,
  stopRun,
} from './commands/runCommands';
import type { Services } from './commands/services';
import { formatIssues, mergeRunConfig, type PlainObject } from './config/settingsToRunConfig';
import type { ReviewMode } from './config/settingsModel';
import { configLayersFor } from './config/workspaceConfig';
import { Ctx } from './ctx';
import { registerExperimentCommands } from './experiment/experimentCommands';
import { registerRunPanelSerializer } from './panel/runPanel';
import { PromptCodeLensProvider, trackPromptFileContext } from './providers/promptCodeLens';
import { offerInterruptedRuns } from './run/interruptedRuns';
import { RunLocations } from './run/locations';
import { RunController } from './run/runController';
import type { RunSessions } from './run/runSessions';
import { createSampleWorkspace } from './sample/createSample';
import { Secrets } from './secrets';
import { WorkspaceState } from './state';
import { RunsTreeProvider } from './views/runsTree';
import { RunStatusBar } from './views/statusBar';
import { trackHasRuns } from './views/contextKeys';

/** What `activate` returns: for extension-host tests and automation. Never exposes a key. */
export interface DlpoApi {
  readonly runs: RunSessions;
  /**
   * Starts a run with no quick pick, notification, panel or editor review (the run's own
   * rule decides). The config is merged over the settings and the workspace file as the
   * command's choices would be. Cancelling the token stops the run like the Cancel button.
   */
  startRun(
    request: { documentUri: vscode.Uri; config: Partial<RunConfigInput> & PlainObject; reviewMode?: ReviewMode },
    token?: vscode.CancellationToken,
  ): Promise<RunResult | undefined>;
}

/** The table of contents: build the shared objects, then register each feature. */
export function activate(context: vscode.ExtensionContext): DlpoApi {
  const ctx = new Ctx(context);
  const secrets = new Secrets(context.secrets);
  const state = new WorkspaceState(context.workspaceState);
  const locations = new RunLocations(context.globalStorageUri);
  const runsTree = new RunsTreeProvider(ctx, locations);
  let controller: RunController | undefined;
  const statusBar = new RunStatusBar(() => controller?.liveSessions() ?? []);
  const services: Services = {
    ctx,
    secrets,
    state,
    locations,
    get controller() {
      return controller!;
    },
    refreshRuns: () => runsTree.refresh(),
  };
  controller = new RunController(ctx, secrets, statusBar, outcomeActions(services));
  ctx.pushCleanup(controller);
  ctx.pushCleanup(statusBar);
  ctx.pushCleanup(runsTree);

  // Optimizing and evaluating
  ctx.registerCommand('optimizePrompt', (arg?: unknown) => optimizePrompt(services, arg));
  ctx.registerCommand('optimizeSelection', () => optimizeSelection(services));
  ctx.registerCommand('evaluatePrompt', (arg?: unknown) => evaluatePrompt(services, arg));
  // Experiments: Run Experiment, Open Experiment, the experiment panel's serializer
  registerExperimentCommands(services);

  // Run control and results (the panel's buttons call these with `{ runId }`)
  ctx.registerCommand('stopRun', (arg?: unknown) => stopRun(services, arg));
  ctx.registerCommand('resumeRun', (arg?: unknown) => resumeRun(services, arg));
  ctx.registerCommand('showPanel', (arg?: unknown) => showPanel(services, arg));
  ctx.registerCommand('openRun', (arg?: unknown) => openRun(services, arg));
  ctx.registerCommand('openBestPrompt', (arg?: unknown) => openPromptOf(services, arg, 'best'));
  ctx.registerCommand('openFinalPrompt', (arg?: unknown) => openPromptOf(services, arg, 'final'));
  ctx.registerCommand('exportReport', (arg?: unknown) => exportReport(services, arg));
  ctx.registerCommand('exportPromptfoo', (arg?: unknown) => exportPromptfoo(services, arg));
  ctx.registerCommand('refreshRuns', () => runsTree.refresh());
  ctx.registerCommand('revealRunFolder', (arg?: unknown) => revealRunFolder(services, arg));
  ctx.registerCommand('discardRun', (arg?: unknown) => discardRun(services, arg));

  // Models, keys, cache, sample
  ctx.registerCommand('selectModels', () => selectModels(services, vscode.window.activeTextEditor?.document.uri));
  ctx.registerCommand('setApiKey', (arg?: { provider?: string; key?: string }) => setApiKey(services, arg));
  ctx.registerCommand('clearApiKey', (arg?: { provider?: string }) => clearApiKey(services, arg));
  ctx.registerCommand('clearCache', () => clearCache(services));
  ctx.registerCommand('createSampleWorkspace', (arg?: { folder?: string; open?: boolean }) => createSampleWorkspace(ctx, arg));

  // Editor review (review helper) and the panel (panel helper)
  registerReviewCommands(ctx);
  registerRunPanelSerializer(ctx);

  // Views, lenses, context keys
  ctx.pushCleanup(vscode.window.registerTreeDataProvider('dlpoRuns', runsTree));
  const lenses = new PromptCodeLensProvider(ctx);
  ctx.pushCleanup(lenses);
  ctx.pushCleanup(vscode.languages.registerCodeLensProvider({ scheme: 'file' }, lenses));
  trackPromptFileContext(ctx);
  trackHasRuns(ctx, locations);
  const setTrustKey = () => void vscode.commands.executeCommand('setContext', 'dlpo.untrusted', !vscode.workspace.isTrusted);
  setTrustKey();
  ctx.pushCleanup(vscode.workspace.onDidGrantWorkspaceTrust(setTrustKey));

  // After start-up settles: offer interrupted runs once (reads a few small files, no network).
  const timer = setTimeout(() => void offerInterruptedRuns(ctx, locations, state, (id) => !!controller?.liveSessions().some((s) => s.runId === id)), 3000);
  ctx.pushCleanup({ dispose: () => clearTimeout(timer) });

  return {
    runs: ctx.runs,
    startRun: async (request, token) => {
      const { layers } = configLayersFor(request.documentUri);
      const merged = mergeRunConfig([...layers, { name: 'choices', values: { promptFile: request.documentUri.fsPath, cache: { dir: locations.cacheDir(request.documentUri) }, ...request.config } }]);
      if (!merged.ok) throw new Error(formatIssues(merged.issues));
      return controller!.start(
        { documentUri: request.documentUri, config: merged.config, reviewMode: request.reviewMode ?? 'tsa', runsDir: locations.runsDir(request.documentUri) },
        { token, quiet: true },
      );
    },
  };
}

export function deactivate(): void {
  // Disposables (runs are stopped by RunController.dispose) are in context.subscriptions.
}
