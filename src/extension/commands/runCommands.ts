import { renderHtmlReport, renderMarkdownReport } from '../../core/report/runReport';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunConfigSchema, type Budget, type RunConfig } from '../../core/config/runConfig';
import { runPaths } from '../../core/run/runDir';
import { writeReports } from '../../core/run/runner';
import type { RunEventOf } from '../../core/run/events';
import { Config } from '../config';
import { formatIssues, mergeRunConfig } from '../config/settingsToRunConfig';
import { configLayersFor } from '../config/workspaceConfig';
import { RunPanel } from '../panel/runPanel';
import { isFinished, type RunSession } from '../run/runSession';
import type { OutcomeAction } from '../run/outcomeMessage';
import { replayRunDir } from '../run/journalReplay';
import { editBudget } from './pickers';
import { ensureSaved, requireTrust } from './optimize';
import { setApiKey, selectModels } from './models';
import type { Services } from './services';

/**
 * Stop, Resume, Show Panel, Open Run…, Open Best/Final Prompt, Export Run Report,
 * Discard Run, Reveal Run Folder. Each takes `{ runId }` (panel buttons), a Runs-view
 * item (`{ runDir }`), or nothing (then the active editor's run, or a pick).
 */

export interface RunRef {
  runId?: string;
  runDir?: string;
}

function refOf(arg: unknown): RunRef {
  if (arg && typeof arg === 'object') {
    const a = arg as Record<string, unknown>;
    return { runId: typeof a.runId === 'string' ? a.runId : undefined, runDir: typeof a.runDir === 'string' ? a.runDir : undefined };
  }
  return {};
}

/** The session a command acts on: the argument's, the active editor's live run, the only live run, or a pick. */
export async function resolveSession(services: Services, arg: unknown, filter: (s: RunSession) => boolean = () => true): Promise<RunSession | undefined> {
  const ref = refOf(arg);
  if (ref.runId) {
    const s = services.ctx.runs.get(ref.runId);
    if (s) return s;
  }
  if (ref.runDir) return services.ctx.runs.open(ref.runDir);
  const editorUri = vscode.window.activeTextEditor?.document.uri;
  const active = editorUri ? services.ctx.runs.forDocument(editorUri) : undefined;
  if (active && filter(active)) return active;
  const candidates = services.ctx.runs.list().filter(filter);
  const live = candidates.filter((s) => !isFinished(s.status));
  if (live.length === 1) return live[0];
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) return pickPastRun(services);
  const picked = await vscode.window.showQuickPick(
    candidates.map((s) => ({ label: path.basename(s.documentUri.fsPath), description: `${s.runId} · ${s.status}`, session: s })),
    { title: 'DLPO: which run?' },
  );
  return picked?.session;
}

async function pickPastRun(services: Services): Promise<RunSession | undefined> {
  const dir = await pickRunDir(services);
  return dir ? services.ctx.runs.open(dir) : undefined;
}

/** Lists run folders of every runs directory, newest first, for Open Run…. */
export async function pickRunDir(services: Services): Promise<string | undefined> {
  const entries: { label: string; description: string; detail: string; dir: string }[] = [];
  for (const runsDir of services.locations.allRunsDirs()) {
    let names: string[] = [];
    try {
      names = await fs.promises.readdir(runsDir);
    } catch {
      continue;
    }
    for (const name of names.sort().reverse().slice(0, 200)) {
      const dir = path.join(runsDir, name);
      if (!fs.existsSync(path.join(dir, 'events.jsonl'))) continue;
      entries.push({ label: name, description: vscode.workspace.asRelativePath(runsDir, false), detail: '', dir });
    }
  }
  if (entries.length === 0) {
    void vscode.window.showInformationMessage('No DLPO runs yet. Run DLPO: Optimize Prompt on a prompt file.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(entries, { title: 'DLPO: open a run', placeHolder: 'Run folders, newest first', matchOnDescription: true });
  return picked?.dir;
}

export async function stopRun(services: Services, arg?: unknown): Promise<void> {
  const s = await resolveSession(services, arg, (x) => !isFinished(x.status));
  if (!s || isFinished(s.status)) {
    if (!s) void vscode.window.showInformationMessage('No DLPO run is in progress.');
    return;
  }
  services.ctx.output.info(`Stopping run ${s.runId}…`);
  s.stop();
}

export async function showPanel(services: Services, arg?: unknown): Promise<void> {
  const s = await resolveSession(services, arg);
  if (s) RunPanel.createOrShow(services.ctx, s, { preserveFocus: false });
}

export async function openRun(services: Services, arg?: unknown): Promise<void> {
  const ref = refOf(arg);
  const dir = ref.runDir ?? (ref.runId ? services.ctx.runs.get(ref.runId)?.runDir : undefined) ?? (await pickRunDir(services));
  if (!dir) return;
  try {
    const s = await services.ctx.runs.open(dir);
    RunPanel.createOrShow(services.ctx, s, { preserveFocus: false });
    services.refreshRuns();
  } catch (e) {
    void vscode.window.showErrorMessage(`DLPO cannot open the run in ${dir}: ${(e as Error).message}`);
  }
}

function lastDone(s: RunSession): RunEventOf<'done'> | undefined {
  return [...s.events].reverse().find((e): e is RunEventOf<'done'> => e.type === 'done');
}

/** Opens the best (or final) prompt of a run as a diff against the prompt file. */
export async function openPromptOf(services: Services, arg: unknown, which: 'best' | 'final'): Promise<void> {
  const s = await resolveSession(services, arg);
  if (!s) return;
  const paths = runPaths(s.runDir, s.documentUri.fsPath);
  const file = which === 'best' ? paths.bestPrompt : paths.finalPrompt;
  let target: vscode.Uri;
  if (fs.existsSync(file)) {
    target = vscode.Uri.file(file);
  } else {
    // A live run has no prompt files yet: show the text it has so far.
    const done = lastDone(s);
    const start = s.events.find((e): e is RunEventOf<'run-start'> => e.type === 'run-start');
    const text = done ? (which === 'best' ? done.bestPrompt : done.finalPrompt) : lastAcceptedPrompt(s) ?? start?.prompt;
    if (text === undefined) {
      void vscode.window.showInformationMessage('This run has no prompt yet.');
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'markdown' });
    target = doc.uri;
  }
  const title = `${path.basename(s.documentUri.fsPath)} ↔ ${which} prompt (run ${s.runId})`;
  if (fs.existsSync(s.documentUri.fsPath)) await vscode.commands.executeCommand('vscode.diff', s.documentUri, target, title);
  else await vscode.window.showTextDocument(target);
}

function lastAcceptedPrompt(s: RunSession): string | undefined {
  let prompt: string | undefined;
  let pendingAfter: string | undefined;
  for (const e of s.events) {
    if (e.type === 'candidate') pendingAfter = e.after;
    if (e.type === 'review' && e.accepted) prompt = e.prompt ?? pendingAfter;
  }
  return prompt;
}

/**
 * Exports a run as a self-contained HTML report (curves as inline SVG, the sentence
 * diff, scores and cost; model text escaped, no script) or as Markdown, both built from
 * the journal alone so a replayed run exports the same report as a live one. The
 * runner's own report.md/report.json stay in the run folder.
 */
export async function exportReport(services: Services, arg?: unknown): Promise<void> {
  const s = await resolveSession(services, arg);
  if (!s) return;
  const paths = runPaths(s.runDir, s.documentUri.fsPath);
  const format = await vscode.window.showQuickPick(
    [
      { label: 'HTML report', description: 'self-contained, with curves; opens in any browser', ext: 'html' as const },
      { label: 'Markdown report', description: 'with SVG curves', ext: 'md' as const },
      { label: 'Open the run’s report.md', description: 'the summary the run wrote itself', ext: null },
    ],
    { title: `Export run ${s.runId}`, placeHolder: 'Choose a format' },
  );
  if (!format) return;
  try {
    if (format.ext === null) {
      if (!fs.existsSync(paths.reportMd) || !isFinished(s.status)) writeReports(paths);
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(paths.reportMd));
      return;
    }
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(s.runDir, `report.${format.ext}`)),
      filters: format.ext === 'html' ? { HTML: ['html'] } : { Markdown: ['md'] },
      title: `Export run ${s.runId} as ${format.label}`,
    });
    if (!target) return;
    const options = { generatedAt: new Date().toISOString() };
    const text = format.ext === 'html' ? renderHtmlReport(s.events, options) : renderMarkdownReport(s.events, options);
    await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
    if (format.ext === 'md') await vscode.commands.executeCommand('markdown.showPreview', target);
    const choice = await vscode.window.showInformationMessage(`Report written to ${vscode.workspace.asRelativePath(target, false)}.`, 'Reveal');
    if (choice) await vscode.commands.executeCommand('revealFileInOS', target);
  } catch (e) {
    void vscode.window.showErrorMessage(`DLPO could not write the report: ${(e as Error).message}`);
  }
}

export async function revealRunFolder(services: Services, arg?: unknown): Promise<void> {
  const s = await resolveSession(services, arg);
  if (s) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(s.runDir));
}

export async function discardRun(services: Services, arg?: unknown): Promise<void> {
  const s = await resolveSession(services, arg, (x) => isFinished(x.status));
  if (!s) return;
  if (!isFinished(s.status)) {
    void vscode.window.showWarningMessage('Stop the run before discarding it.');
    return;
  }
  const ok = await vscode.window.showWarningMessage(`Delete the run folder ${s.runId} (journal, checkpoint, reports)? Your prompt file is not touched.`, { modal: true }, 'Delete');
  if (ok !== 'Delete') return;
  services.ctx.runs.remove(s.runId);
  await fs.promises.rm(s.runDir, { recursive: true, force: true });
  services.refreshRuns();
}

/** The config a resumed run is given: its saved config with today's budgets and plumbing. */
export function resumeConfig(runDir: string, documentUri: vscode.Uri, budget?: Budget): RunConfig {
  const saved = RunConfigSchema.parse(JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8')));
  const { layers } = configLayersFor(documentUri);
  const merged = mergeRunConfig([...layers, { name: 'choices', values: { promptFile: saved.promptFile, data: saved.data } }]);
  if (!merged.ok) throw new Error(formatIssues(merged.issues));
  return {
    ...saved,
    budget: budget ?? merged.config.budget,
    maxConcurrency: merged.config.maxConcurrency,
    requestTimeoutSec: merged.config.requestTimeoutSec,
  };
}

export async function resumeRun(services: Services, arg?: unknown, budget?: Budget): Promise<void> {
  if (!(await requireTrust())) return;
  const ref = refOf(arg);
  let runDir = ref.runDir ?? (ref.runId ? services.ctx.runs.get(ref.runId)?.runDir : undefined);
  if (!runDir) {
    const s = await resolveSession(services, arg, (x) => x.status === 'interrupted' || x.status === 'stopped');
    runDir = s?.runDir;
  }
  if (!runDir) return;
  let replay: Awaited<ReturnType<typeof replayRunDir>>;
  try {
    replay = await replayRunDir(runDir);
  } catch (e) {
    void vscode.window.showErrorMessage((e as Error).message);
    return;
  }
  if (!replay.hasCheckpoint) {
    void vscode.window.showWarningMessage('This run stopped before its first step completed: there is nothing to resume. Start a new run instead.');
    return;
  }
  if (!replay.promptFile) {
    void vscode.window.showErrorMessage('The run’s journal does not say which prompt file it optimized; it cannot be resumed.');
    return;
  }
  const documentUri = vscode.Uri.file(replay.promptFile);
  if (!(await ensureSaved(documentUri))) return;
  let config: RunConfig;
  try {
    config = resumeConfig(runDir, documentUri, budget);
  } catch (e) {
    void vscode.window.showErrorMessage(`DLPO cannot resume the run: ${(e as Error).message}`);
    return;
  }
  // Open the past session first so the panel shows the steps already done.
  await services.ctx.runs.open(runDir).catch(() => undefined);
  await services.controller.start({
    documentUri,
    config,
    reviewMode: new Config(documentUri).reviewMode,
    resumeDir: runDir,
    runsDir: path.dirname(runDir),
  });
}

/** "Raise cap and resume": asks for the new cap, saves it to the workspace settings, resumes. */
export async function raiseCapAndResume(services: Services, runId: string, documentUri: vscode.Uri): Promise<void> {
  const s = services.ctx.runs.get(runId);
  if (!s) return;
  const config = new Config(documentUri);
  const current: Budget = { maxCalls: config.maxCalls, maxTokens: config.maxTokens, maxCostUsd: config.maxCostUsd, maxTimeSec: config.maxTimeSec };
  const next = await editBudget(current);
  if (!next) return;
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  for (const key of ['maxCalls', 'maxTokens', 'maxCostUsd', 'maxTimeSec'] as const) {
    if (next[key] !== current[key]) await vscode.workspace.getConfiguration('dlpo', documentUri).update(`budget.${key}`, next[key] ?? null, target);
  }
  await resumeRun(services, { runDir: s.runDir }, next);
}

/** The actions offered by the outcome notifications. */
export function outcomeActions(services: Services): { run(action: OutcomeAction, runId: string | undefined, documentUri: vscode.Uri): Promise<void> } {
  return {
    run: async (action, runId, documentUri) => {
      switch (action) {
        case 'openPanel':
          if (runId) await showPanel(services, { runId });
          return;
        case 'openBest':
          if (runId) await openPromptOf(services, { runId }, 'best');
          return;
        case 'applyBest':
          if (runId) await vscode.commands.executeCommand('dlpo.applyBestPrompt', { runId });
          return;
        case 'keepFinal':
          // The file already holds the final prompt: nothing to do.
          return;
        case 'raiseCap':
          if (runId) await raiseCapAndResume(services, runId, documentUri);
          return;
        case 'resume':
          if (runId) await resumeRun(services, { runId });
          return;
        case 'setApiKey':
          await setApiKey(services);
          return;
        case 'selectModels':
          await selectModels(services, documentUri);
          return;
        case 'openSettings':
          await vscode.commands.executeCommand('workbench.action.openSettings', 'dlpo.');
          return;
        case 'openLog':
          services.ctx.output.show(true);
          return;
      }
    },
  };
}
