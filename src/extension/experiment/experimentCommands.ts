import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunConfig } from '../../core/config/runConfig';
import { findBenchmark } from '../../core/data/benchmarks';
import { loadTask } from '../../core/data/loadTask';
import type { ExperimentSpec } from '../../core/experiment/experimentSpec';
import { ExperimentSpecSchema } from '../../core/experiment/experimentSpec';
import { readExperimentSpec } from '../../core/experiment/experimentFolder';
import { planRuns } from '../../core/experiment/grid';
import { loadExperimentFile } from '../../core/experiment/loadExperimentFile';
import { PAPER_EXPERIMENTS, paperExperimentSpec, type PaperExperimentName } from '../../core/experiment/paperExperiments';
import { runConfigFor, runExperiment, type ExperimentOutcome } from '../../core/experiment/runExperiment';
import { estimateTokens } from '../../core/llm/tokens';
import { loadPromptFile } from '../../core/run/promptFile';
import { newRunId } from '../../core/run/runDir';
import { Config } from '../config';
import { formatIssues, mergeRunConfig, modelsConfigured } from '../config/settingsToRunConfig';
import { configLayersFor } from '../config/workspaceConfig';
import { selectModels } from '../commands/models';
import { documentFor, requireTrust } from '../commands/optimize';
import { confirmEstimate, pickDataset } from '../commands/pickers';
import type { Services } from '../commands/services';
import { resolveRunModels } from '../providers/resolveModels';
import { estimateRun, stepsFor, type Estimate } from '../run/estimate';
import { ExperimentPanel, registerExperimentPanelSerializer } from './experimentPanel';
import { LiveExperiments } from './liveExperiments';

/**
 * DLPO: Run Experiment — what to run (a paper table or a `dlpo.experiment.yaml|json` of
 * the workspace), then for a paper table the prompt and the data, the seeds, the
 * estimate, and the start: a notification with Cancel and the experiment panel. And
 * DLPO: Open Experiment for a finished (or interrupted) experiment folder.
 */
export function registerExperimentCommands(services: Services): void {
  const lives = new LiveExperiments();
  services.ctx.pushCleanup(lives);
  registerExperimentPanelSerializer(services.ctx, lives);
  services.ctx.registerCommand('runExperiment', (arg?: unknown) => runExperimentCommand(services, lives, arg));
  services.ctx.registerCommand('openExperiment', (arg?: unknown) => openExperimentCommand(services, lives, arg));
  services.ctx.registerCommand('resumeExperiment', (arg?: unknown) => resumeExperimentCommand(services, lives, arg));
}

type KindItem = vscode.QuickPickItem & { paper?: PaperExperimentName; file?: string };

const PAPER_ITEMS: KindItem[] = [
  { label: '$(beaker) Paper: robustness', description: 'TextGrad vs TLR vs TDO vs TLR+TDO', detail: PAPER_EXPERIMENTS['table-robustness'].title, paper: 'table-robustness' },
  { label: '$(beaker) Paper: technique ablation', description: 'each technique added to TextGrad, and best practice', detail: PAPER_EXPERIMENTS.ablation.title, paper: 'ablation' },
  { label: '$(beaker) Paper: batch size', description: 'best practice with batches of 3, 5, 10, 15', detail: PAPER_EXPERIMENTS['table-batch'].title, paper: 'table-batch' },
];

async function pickKind(): Promise<KindItem | undefined> {
  const files = await vscode.workspace.findFiles('**/dlpo.experiment.{yaml,yml,json}', '{**/node_modules/**,**/.dlpo/**}', 50);
  const items: KindItem[] = [...PAPER_ITEMS];
  if (files.length) {
    items.push(
      { label: 'Experiment files', kind: vscode.QuickPickItemKind.Separator },
      ...files.map((f) => ({ label: `$(file) ${vscode.workspace.asRelativePath(f, false)}`, description: 'prompt, data and configurations from the file', file: f.fsPath })),
    );
  }
  return vscode.window.showQuickPick(items, { title: 'DLPO: Run Experiment — what to compare', placeHolder: 'A paper table on your prompt and data, or an experiment file', ignoreFocusOut: true });
}

async function pickPrompt(arg: unknown): Promise<vscode.Uri | undefined> {
  const active = documentFor(arg);
  // The prompt in the active editor (or the one the command was invoked on) is the prompt.
  if (active && active.scheme === 'file' && /\.(md|prompty|txt)$/i.test(active.fsPath)) return active;
  const files = await vscode.workspace.findFiles('**/*.{prompt.md,prompty}', '{**/node_modules/**,**/.dlpo/**}', 200);
  const items: (vscode.QuickPickItem & { uri?: vscode.Uri })[] = [];
  if (active && active.scheme === 'file') items.push({ label: `$(edit) ${path.basename(active.fsPath)}`, description: 'the active editor', uri: active });
  for (const f of files) if (!active || f.fsPath !== active.fsPath) items.push({ label: `$(file) ${path.basename(f.fsPath)}`, description: vscode.workspace.asRelativePath(f, false), uri: f });
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Open a prompt file (e.g. a .prompt.md) first: an experiment optimizes one prompt many times.', 'Create Sample Workspace').then((c) => {
      if (c) void vscode.commands.executeCommand('dlpo.createSampleWorkspace');
    });
    return undefined;
  }
  if (items.length === 1) return items[0].uri;
  const picked = await vscode.window.showQuickPick(items, { title: 'DLPO: Run Experiment — the prompt', ignoreFocusOut: true });
  return picked?.uri;
}

async function pickSeeds(): Promise<number | undefined> {
  const items = [
    { label: '3 seeds', description: 'recommended: mean ± std with a first look at the spread', seeds: 3 },
    { label: '5 seeds', description: 'tighter intervals, 5/3 the cost', seeds: 5 },
    { label: '10 seeds', description: 'for a claim you want to defend', seeds: 10 },
    { label: '1 seed', description: 'a dry run: no spread, no interval', seeds: 1 },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'DLPO: Run Experiment — seeds per configuration', placeHolder: 'More seeds tell noise from an effect; more seeds cost more', ignoreFocusOut: true });
  return picked?.seeds;
}

/** The grid's estimate: each planned run's, summed (runs share the cache, so this errs high). */
function estimateGrid(spec: ExperimentSpec, runDefaults: Record<string, unknown>, sizes: { train: number; val: number; test: number }, promptTokens: number, inputTokens: number): { estimate: Estimate; steps: number; runs: number } {
  const total: Estimate = { forwardCalls: 0, backwardCalls: 0, calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
  let steps = 0;
  const runs = planRuns(spec);
  for (const run of runs) {
    const c = runConfigFor(spec, run.config, run.seed, runDefaults);
    const s = stepsFor(sizes.train, c.batchSize, c.epochs, c.steps);
    steps += s;
    const e = estimateRun({ steps: s, batchSize: c.batchSize, sizes, tsa: c.techniques.tsa, evalTrainEachStep: c.method.evalTrainEachStep, cacheEnabled: c.cache.enabled, promptTokens, inputTokens, forwardModel: c.forward.model, backwardModel: c.backward.model, prices: c.prices });
    total.forwardCalls += e.forwardCalls;
    total.backwardCalls += e.backwardCalls;
    total.calls += e.calls;
    total.promptTokens += e.promptTokens;
    total.completionTokens += e.completionTokens;
    total.costUsd = total.costUsd === undefined || e.costUsd === undefined ? undefined : total.costUsd + e.costUsd;
  }
  return { estimate: total, steps, runs: runs.length };
}

async function runExperimentCommand(services: Services, lives: LiveExperiments, arg?: unknown): Promise<void> {
  if (!(await requireTrust())) return;
  const kind = await pickKind();
  if (!kind) return;

  let spec: ExperimentSpec;
  let promptUri: vscode.Uri;
  try {
    if (kind.file) {
      spec = loadExperimentFile(kind.file);
      promptUri = vscode.Uri.file(spec.prompt);
    } else {
      const prompt = await pickPrompt(arg);
      if (!prompt) return;
      promptUri = prompt;
      const source = await pickDataset(services.state.lastChoices(prompt.fsPath).dataSource, prompt);
      if (!source) return;
      const folder = vscode.workspace.getWorkspaceFolder(prompt)?.uri.fsPath ?? path.dirname(prompt.fsPath);
      spec = paperExperimentSpec(kind.paper!, { prompt: prompt.fsPath, data: { source: findBenchmark(source) ? source : path.resolve(folder, source) } });
    }
  } catch (e) {
    void vscode.window.showErrorMessage(`DLPO cannot use this experiment: ${(e as Error).message}`);
    return;
  }
  if (!fs.existsSync(spec.prompt)) {
    void vscode.window.showErrorMessage(`DLPO: the experiment's prompt file does not exist: ${spec.prompt}`);
    return;
  }
  const seeds = kind.file ? spec.seeds : await pickSeeds();
  if (seeds === undefined) return;
  spec = { ...spec, seeds };

  // Models and plumbing from the settings and the workspace file (as for a single run).
  let layers = configLayersFor(promptUri).layers;
  if (!spec.forward && !modelsConfigured(layers)) {
    if (!(await selectModels(services, promptUri))) return;
    layers = configLayersFor(promptUri).layers;
  }
  const merged = mergeRunConfig([...layers, { name: 'choices', values: { promptFile: spec.prompt, data: spec.data } }]);
  if (!merged.ok) {
    void vscode.window.showErrorMessage(`DLPO configuration problem:\n${formatIssues(merged.issues)}`);
    return;
  }
  const settings: RunConfig = merged.config;
  spec = ExperimentSpecSchema.parse({
    ...spec,
    forward: spec.forward ?? settings.forward,
    backward: spec.backward ?? settings.backward,
    // A paper table on the user's data uses the split sizes of their settings or workspace file.
    data: kind.file ? spec.data : { ...settings.data, source: spec.data.source },
    budget: Object.keys(spec.budget).length ? spec.budget : settings.budget,
    maxConcurrency: settings.maxConcurrency,
  });
  const runDefaults: Record<string, unknown> = {
    requestTimeoutSec: settings.requestTimeoutSec,
    prices: settings.prices,
    cache: { enabled: settings.cache.enabled, dir: settings.cache.dir ?? new Config(promptUri).cacheLocation ?? services.locations.cacheDir(promptUri) },
  };

  // The estimate, from the data's sizes and the prompt's length.
  const folder = vscode.workspace.getWorkspaceFolder(promptUri)?.uri.fsPath ?? path.dirname(promptUri.fsPath);
  let sizes: { train: number; val: number; test: number };
  let inputTokens = 100;
  let promptTokens = 200;
  try {
    const task = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'DLPO: reading the dataset' }, () => loadTask(spec.data, { seed: 1001, cwd: folder }));
    sizes = { train: task.train.length, val: task.val.length, test: task.test.length };
    if (task.train.length) inputTokens = Math.round(task.train.reduce((n, ex) => n + estimateTokens(ex.input), 0) / task.train.length);
    promptTokens = estimateTokens(loadPromptFile(spec.prompt).body);
  } catch (e) {
    void vscode.window.showErrorMessage(`DLPO cannot use ${path.basename(spec.data.source)}: ${(e as Error).message}`);
    return;
  }
  const simulator = spec.forward?.provider === 'simulator' && spec.backward?.provider === 'simulator';
  for (let round = 0; ; round++) {
    if (round >= 10) return;
    const { estimate, steps } = estimateGrid(spec, runDefaults, sizes, promptTokens, inputTokens);
    const choice = await confirmEstimate(estimate, simulator, steps, spec.budget);
    if (!choice) return;
    if (choice.start) break;
    spec = { ...spec, budget: choice.budget };
  }

  let models: Awaited<ReturnType<typeof resolveRunModels>>;
  try {
    models = await resolveRunModels({ ...settings, forward: spec.forward!, backward: spec.backward! }, services.secrets);
  } catch (e) {
    const choice = await vscode.window.showErrorMessage((e as Error).message, 'Set API Key');
    if (choice) await vscode.commands.executeCommand('dlpo.setApiKey');
    return;
  }

  const experimentDir = path.join(path.dirname(services.locations.runsDir(promptUri)), 'experiments', `${spec.name.replace(/[^\w.+-]+/g, '_')}-${newRunId()}`);
  await startExperiment(services, lives, { spec, experimentDir, runDefaults, models, cwd: folder });
}

async function startExperiment(
  services: Services,
  lives: LiveExperiments,
  input: { spec: ExperimentSpec; experimentDir: string; runDefaults: Record<string, unknown>; models: Awaited<ReturnType<typeof resolveRunModels>>; cwd: string },
): Promise<void> {
  const live = lives.start(input.experimentDir);
  const total = planRuns(input.spec).length;
  let outcome: ExperimentOutcome | undefined;
  const progressOf = new Map<string, { step: number; total: number | null; best: number | null }>();
  try {
    outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `DLPO experiment ${input.spec.name}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => live.stop());
        let finished = 0;
        progress.report({ message: `0 of ${total} runs finished` });
        let panelOpened = false;
        return runExperiment({
          spec: input.spec,
          experimentDir: input.experimentDir,
          cwd: input.cwd,
          runDefaults: input.runDefaults,
          models: input.models.models,
          apiKeys: input.models.apiKeys,
          signal: live.controller.signal,
          title: input.spec.name in PAPER_EXPERIMENTS ? PAPER_EXPERIMENTS[input.spec.name as PaperExperimentName].title : input.spec.name,
          onRunUpdate: (u) => {
            if (u.status === 'finished' && u.action !== 'skipped') {
              finished++;
              progress.report({ message: `${finished} of ${total} runs finished`, increment: 100 / total });
            }
            if (u.status === 'running' && !panelOpened) {
              panelOpened = true;
              ExperimentPanel.createOrShow(services.ctx, lives, input.experimentDir);
            }
            const p = progressOf.get(u.run.key) ?? { step: 0, total: null, best: null };
            live.publish({ type: 'runProgress', key: u.run.key, status: u.status, step: u.done?.steps ?? p.step, totalSteps: p.total, bestVal: u.done?.scores.best.val ?? p.best });
          },
          onEvent: (run, e) => {
            const p = progressOf.get(run.key) ?? { step: 0, total: null, best: null };
            if (e.type === 'run-start') p.total = e.totalSteps;
            else if (e.type === 'step-start') p.step = e.step;
            else if (e.type === 'eval' && e.split === 'val' && e.prompt === 'current') p.best = p.best === null ? e.score : Math.max(p.best, e.score);
            else return;
            progressOf.set(run.key, p);
            if (e.type !== 'run-start') live.publish({ type: 'runProgress', key: run.key, status: 'running', step: p.step, totalSteps: p.total, bestVal: p.best });
          },
          onResults: (results) => live.publish({ type: 'results', results, running: true }),
        });
      },
    );
  } catch (e) {
    services.ctx.output.error(`Experiment in ${input.experimentDir} failed: ${(e as Error).message}`);
    void vscode.window.showErrorMessage(`DLPO experiment failed: ${(e as Error).message}`);
  } finally {
    lives.end(live);
    if (live.latest) live.publish({ type: 'results', results: live.latest, running: false });
    live.dispose();
    services.refreshRuns();
  }
  if (!outcome) return;
  const label = outcome.results.simulator ? ' (offline simulator)' : '';
  const text =
    outcome.stoppedBy === 'completed'
      ? `Experiment finished${label}: ${outcome.message}`
      : outcome.stoppedBy === 'budget'
        ? `Experiment stopped by its budget${label}. ${outcome.message}`
        : `Experiment stopped${label}. ${outcome.message}`;
  const choice = await vscode.window.showInformationMessage(text, 'Open Results', 'Reveal Folder');
  if (choice === 'Open Results') ExperimentPanel.createOrShow(services.ctx, lives, outcome.experimentDir);
  if (choice === 'Reveal Folder') await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(outcome.experimentDir));
}

async function pickExperimentDir(services: Services, arg: unknown): Promise<string | undefined> {
  let dir = arg && typeof arg === 'object' && typeof (arg as { experimentDir?: unknown }).experimentDir === 'string' ? (arg as { experimentDir: string }).experimentDir : undefined;
  if (!dir) {
    const root = path.join(path.dirname(services.locations.runsDir(vscode.window.activeTextEditor?.document.uri)), 'experiments');
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: vscode.Uri.file(fs.existsSync(root) ? root : path.dirname(root)), title: 'DLPO: experiment folder (holds experiment.json)' });
    dir = picked?.[0]?.fsPath;
  }
  if (!dir) return undefined;
  if (!fs.existsSync(path.join(dir, 'experiment.json'))) {
    void vscode.window.showErrorMessage(`${dir} is not a DLPO experiment folder (no experiment.json).`);
    return undefined;
  }
  return dir;
}

/**
 * DLPO: Resume Experiment — continues a folder: finished runs are skipped, stopped ones
 * continue from their checkpoints, missing ones start; optionally with more seeds. The
 * experiment keeps its own prompt, data and models; keys and plumbing come from here.
 */
async function resumeExperimentCommand(services: Services, lives: LiveExperiments, arg?: unknown): Promise<void> {
  if (!(await requireTrust())) return;
  const dir = await pickExperimentDir(services, arg);
  if (!dir) return;
  if (lives.get(dir)) {
    void vscode.window.showInformationMessage('This experiment is already running.');
    return;
  }
  let spec: ExperimentSpec;
  try {
    spec = readExperimentSpec(dir);
  } catch (e) {
    void vscode.window.showErrorMessage((e as Error).message);
    return;
  }
  const count = Array.isArray(spec.seeds) ? spec.seeds.length : spec.seeds;
  const choices = [
    { label: `Finish the missing runs (${count} seed${count === 1 ? '' : 's'})`, seeds: spec.seeds },
    ...(Array.isArray(spec.seeds) ? [] : [3, 5, 10].filter((n) => n > count).map((n) => ({ label: `Extend to ${n} seeds`, description: 'finished runs are kept; only the new seeds run', seeds: n }))),
  ];
  const picked = choices.length > 1 ? await vscode.window.showQuickPick(choices, { title: `DLPO: Resume Experiment ${path.basename(dir)}`, ignoreFocusOut: true }) : choices[0];
  if (!picked) return;
  spec = { ...spec, seeds: picked.seeds };
  const promptUri = vscode.Uri.file(spec.prompt);
  const merged = mergeRunConfig([...configLayersFor(promptUri).layers, { name: 'choices', values: { promptFile: spec.prompt, data: spec.data } }]);
  if (!merged.ok) {
    void vscode.window.showErrorMessage(`DLPO configuration problem:\n${formatIssues(merged.issues)}`);
    return;
  }
  const settings = merged.config;
  let models: Awaited<ReturnType<typeof resolveRunModels>>;
  try {
    models = await resolveRunModels({ ...settings, forward: spec.forward ?? settings.forward, backward: spec.backward ?? settings.backward }, services.secrets);
  } catch (e) {
    const choice = await vscode.window.showErrorMessage((e as Error).message, 'Set API Key');
    if (choice) await vscode.commands.executeCommand('dlpo.setApiKey');
    return;
  }
  const runDefaults: Record<string, unknown> = {
    requestTimeoutSec: settings.requestTimeoutSec,
    prices: settings.prices,
    cache: { enabled: settings.cache.enabled, dir: settings.cache.dir ?? new Config(promptUri).cacheLocation ?? services.locations.cacheDir(promptUri) },
  };
  const cwd = vscode.workspace.getWorkspaceFolder(promptUri)?.uri.fsPath ?? path.dirname(spec.prompt);
  ExperimentPanel.createOrShow(services.ctx, lives, dir);
  await startExperiment(services, lives, { spec, experimentDir: dir, runDefaults, models, cwd });
}

async function openExperimentCommand(services: Services, lives: LiveExperiments, arg?: unknown): Promise<void> {
  const dir = await pickExperimentDir(services, arg);
  if (dir) ExperimentPanel.createOrShow(services.ctx, lives, dir);
}
