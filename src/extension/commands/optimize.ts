import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunConfig } from '../../core/config/runConfig';
import { loadTask } from '../../core/data/loadTask';
import type { Task } from '../../core/data/task';
import { estimateTokens } from '../../core/llm/tokens';
import { loadPromptFile } from '../../core/run/promptFile';
import { Config } from '../config';
import { formatIssues, mergeRunConfig, modelsConfigured, type ConfigLayer } from '../config/settingsToRunConfig';
import { configLayersFor, fileValue, resolveDataSource } from '../config/workspaceConfig';
import { estimateRun, stepsFor } from '../run/estimate';
import { confirmEstimate, pickDataset, pickMetric, pickPreset } from './pickers';
import { selectModels } from './models';
import type { Services } from './services';
import type { PresetName } from '../../core/config/runConfig';

/**
 * Optimize Prompt / Optimize Selection: the guided start. It asks only what neither the
 * settings nor the workspace `dlpo.config` answer — data, metric (defaulted from the
 * data), preset, and the models when none is configured — remembers the answers per
 * file, shows the estimate, and hands the merged config to the run controller.
 */

export function documentFor(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (arg && typeof arg === 'object' && 'uri' in arg && (arg as { uri: unknown }).uri instanceof vscode.Uri) return (arg as { uri: vscode.Uri }).uri;
  return vscode.window.activeTextEditor?.document.uri;
}

export async function optimizePrompt(services: Services, arg?: unknown): Promise<void> {
  const uri = documentFor(arg);
  if (!uri) {
    void vscode.window.showInformationMessage('Open a prompt file (e.g. a .prompt.md) to optimize it with DLPO.', 'Create Sample Workspace').then((c) => {
      if (c) void vscode.commands.executeCommand('dlpo.createSampleWorkspace');
    });
    return;
  }
  await startGuided(services, uri, undefined);
}

export async function optimizeSelection(services: Services): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) {
    void vscode.window.showInformationMessage('Select the part of the prompt DLPO should optimize, then run Optimize Selection.');
    return;
  }
  const doc = editor.document;
  const start = doc.offsetAt(editor.selection.start);
  const end = doc.offsetAt(editor.selection.end);
  await startGuided(services, doc.uri, { start, end });
}

/** Untrusted workspace: nothing runs and nothing is sent; the user can manage trust. */
export async function requireTrust(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage('DLPO runs nothing and sends nothing to any model until you trust this workspace.', 'Manage Workspace Trust');
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/** Saves a dirty prompt file first (the run reads it from disk), after asking. */
export async function ensureSaved(uri: vscode.Uri): Promise<boolean> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!doc) return true;
  if (doc.isUntitled) {
    void vscode.window.showWarningMessage('Save the prompt to a file first: DLPO reads the prompt file and journals the run next to it.');
    return false;
  }
  if (!doc.isDirty) return true;
  const choice = await vscode.window.showWarningMessage(`${path.basename(uri.fsPath)} has unsaved changes. DLPO optimizes the saved file.`, 'Save and Optimize');
  if (choice !== 'Save and Optimize') return false;
  return doc.save();
}

async function startGuided(services: Services, uri: vscode.Uri, region: { start: number; end: number } | undefined): Promise<void> {
  if (!(await requireTrust())) return;
  if (uri.scheme !== 'file') {
    void vscode.window.showWarningMessage('DLPO optimizes files on disk: runs are journaled next to them. This file is not on the local file system.');
    return;
  }
  if (services.controller.isRunning(uri)) {
    await services.controller.offerRunningFor(uri);
    return;
  }
  if (!(await ensureSaved(uri))) return;
  const prepared = await prepareRun(services, uri, region);
  if (!prepared) return;
  await services.controller.start({
    documentUri: uri,
    config: prepared.config,
    reviewMode: prepared.reviewMode,
    runsDir: services.locations.runsDir(uri),
  });
}

interface PreparedRun {
  config: RunConfig;
  reviewMode: 'manual' | 'tsa' | 'auto';
}

/** The guided questions, the merge, the estimate. Undefined when the user backs out or the config is invalid. */
export async function prepareRun(services: Services, uri: vscode.Uri, region: { start: number; end: number } | undefined): Promise<PreparedRun | undefined> {
  const file = uri.fsPath;
  let base: ReturnType<typeof configLayersFor>;
  try {
    base = configLayersFor(uri);
  } catch (e) {
    void showConfigProblem((e as Error).message);
    return undefined;
  }
  const last = services.state.lastChoices(file);

  // 1. data (unless the workspace file names it)
  const fileSource = fileValue(base.layers, 'data', 'source');
  const source = typeof fileSource === 'string' ? fileSource : await pickDataset(last.dataSource, uri);
  if (!source) return undefined;

  // Loading the data now checks it before anything is spent, and gives the metric's default and the sizes.
  const { source: absoluteSource, folder } = resolveDataSource(source, typeof fileSource === 'string', base, uri);
  const dataSpec = { ...(asObject(fileValue(base.layers, 'data')) ?? {}), source: absoluteSource };
  let task: Task;
  try {
    task = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'DLPO: reading the dataset' }, () =>
      loadTask({ source: absoluteSource, ...(dataSpec as object) } as RunConfig['data'], { seed: base.settings.seed, cwd: folder }),
    );
  } catch (e) {
    void vscode.window.showErrorMessage(`DLPO cannot use ${path.basename(absoluteSource)}: ${(e as Error).message}`);
    return undefined;
  }

  // 2. metric, defaulted from the data (unless the workspace file names it)
  const fileMetric = fileValue(base.layers, 'metric');
  const metric =
    typeof fileMetric === 'string' ? fileMetric : await pickMetric(task.metric.name, last.dataSource === source ? last.metric : undefined);
  if (!metric) return undefined;

  // 3. preset (unless the workspace file names it)
  const filePreset = fileValue(base.layers, 'preset');
  const preset: PresetName | undefined = typeof filePreset === 'string' ? (filePreset as PresetName) : await pickPreset(last.preset ?? base.settings.preset);
  if (!preset) return undefined;
  await services.state.updateLastChoices(file, { dataSource: source, metric, preset });

  // 4. models, only when none is configured
  let layers = base.layers;
  if (!modelsConfigured(layers)) {
    if (!(await selectModels(services, uri))) return undefined;
    layers = configLayersFor(uri).layers;
  }

  const choices: ConfigLayer = {
    name: 'choices',
    values: {
      promptFile: file,
      data: dataSpec,
      metric,
      preset,
      ...(region ? { region } : {}),
      cache: { dir: services.locations.cacheDir(uri) },
    },
  };
  // A cache dir from the workspace file wins over the default one chosen here.
  const fileCache = asObject(fileValue(layers, 'cache'));
  if (fileCache && typeof fileCache.dir === 'string') (choices.values.cache as Record<string, unknown>).dir = fileCache.dir;
  const merged = mergeRunConfig([...layers, choices]);
  if (!merged.ok) {
    void showConfigProblem(formatIssues(merged.issues));
    return undefined;
  }
  let config = merged.config;

  // 5. the estimate
  let promptTokens = 200;
  try {
    promptTokens = estimateTokens(loadPromptFile(file, config.region).body);
  } catch (e) {
    void vscode.window.showErrorMessage(`DLPO cannot read the prompt: ${(e as Error).message}`);
    return undefined;
  }
  const inputTokens = task.train.length ? Math.round(task.train.reduce((n, ex) => n + estimateTokens(ex.input), 0) / task.train.length) : 100;
  const simulator = config.forward.provider === 'simulator' && config.backward.provider === 'simulator';
  for (let round = 0; round < 10; round++) {
    const steps = stepsFor(task.train.length, config.batchSize, config.epochs, config.steps);
    const estimate = estimateRun({
      steps,
      batchSize: config.batchSize,
      sizes: { train: task.train.length, val: task.val.length, test: task.test.length },
      tsa: config.techniques.tsa,
      evalTrainEachStep: config.method.evalTrainEachStep,
      cacheEnabled: config.cache.enabled,
      promptTokens,
      inputTokens,
      forwardModel: config.forward.model,
      backwardModel: config.backward.model,
      prices: config.prices,
    });
    const choice = await confirmEstimate(estimate, simulator, steps, config.budget);
    if (!choice) return undefined;
    if (choice.start) return { config, reviewMode: new Config(uri).reviewMode };
    config = { ...config, budget: choice.budget };
  }
  return undefined;
}

async function showConfigProblem(text: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(`DLPO configuration problem:\n${text}`, { modal: false }, 'Open Settings');
  if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'dlpo.');
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
