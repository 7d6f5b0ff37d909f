import * as path from 'node:path';
import * as vscode from 'vscode';
import { toLf } from '../../core/review/regionText';
import { promptVersions, type PromptVersion } from '../../core/review/promptHistory';
import type { RunSession } from '../run/runSession';
import { regionOf, replaceRegion } from './applyToRegion';
import type { RunRegion } from './promptRegion';
import type { ReviewCenter } from './reviewCenter';
import type { ReviewHost } from './reviewHost';

interface VersionPick extends vscode.QuickPickItem {
  version?: PromptVersion;
  session?: RunSession;
}

const BY_LABEL: Record<PromptVersion['by'], string> = {
  start: 'starting prompt',
  user: 'accepted by you',
  tsa: 'accepted by TSA',
  auto: 'accepted automatically',
  trainer: 'accepted by the trainer',
};

function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

function preview(prompt: string): string {
  const oneLine = prompt.replace(/\s+/g, ' ').trim();
  return oneLine.length > 110 ? `${oneLine.slice(0, 109)}…` : oneLine;
}

/** Runs on `uri`, newest first: live and past runs this window knows. */
export function sessionsForDocument(center: ReviewCenter, host: ReviewHost, uri: vscode.Uri): RunSession[] {
  const byId = new Map<string, RunSession>();
  for (const s of [...(host.runs?.list() ?? []), ...center.sessions()]) {
    if (s.documentUri.toString() === uri.toString()) byId.set(s.runId, s);
  }
  const started = (s: RunSession) => {
    const e = s.events.find((x) => x.type === 'run-start');
    return e?.type === 'run-start' ? e.time : '';
  };
  return [...byId.values()].sort((a, b) => started(b).localeCompare(started(a)));
}

/** Quick-pick items of every accepted version, grouped by run. */
export function versionPicks(center: ReviewCenter, sessions: readonly RunSession[]): VersionPick[] {
  const items: VersionPick[] = [];
  for (const s of sessions) {
    const versions = promptVersions(s.events, center.decisionTimesOf(s.runId));
    if (versions.length === 0) continue;
    items.push({ label: `Run ${s.runId}`, kind: vscode.QuickPickItemKind.Separator });
    for (const v of [...versions].reverse()) {
      const score = v.score === null ? 'not scored' : `${v.scoreSplit} ${(v.score * 100).toFixed(1)}%`;
      items.push({
        label: v.step === null ? 'Start' : `Step ${v.step}`,
        description: [score, BY_LABEL[v.by], formatTime(v.time)].filter(Boolean).join(' · '),
        detail: preview(v.prompt),
        version: v,
        session: s,
      });
    }
  }
  return items;
}

/**
 * "DLPO: Restore Prompt Version…": any accepted version of any run on the file goes back
 * into the optimizable region as one undoable edit. A live run is not told: if a
 * candidate is pending, accepting it later goes through the usual rebase/conflict check.
 */
export async function restorePromptVersion(center: ReviewCenter, host: ReviewHost, arg: unknown): Promise<void> {
  const runId = arg && typeof arg === 'object' && 'runId' in arg ? String((arg as { runId: unknown }).runId) : undefined;
  const fromRun = runId ? [...(host.runs?.list() ?? []), ...center.sessions()].find((s) => s.runId === runId) : undefined;
  const uri = fromRun?.documentUri ?? (arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri);
  if (!uri) {
    void vscode.window.showInformationMessage('Open a prompt file to restore one of its versions.');
    return;
  }
  const sessions = fromRun ? [fromRun] : sessionsForDocument(center, host, uri);
  const items = versionPicks(center, sessions);
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`DLPO has no versions of ${path.basename(uri.fsPath)} in this window's runs.`);
    return;
  }
  const pick = await vscode.window.showQuickPick(items, {
    title: `Restore a version of ${path.basename(uri.fsPath)}`,
    placeHolder: 'Step, score, who accepted it, when',
    matchOnDetail: true,
  });
  if (!pick?.version || !pick.session) return;
  await restoreVersionText(center.regionFor(pick.session), uri, pick.version.prompt);
}

/** Puts `prompt` into the region as one undoable edit. */
export async function restoreVersionText(where: RunRegion, uri: vscode.Uri, prompt: string): Promise<boolean> {
  const { region } = await regionOf(uri, where);
  if (region?.text === toLf(prompt)) {
    void vscode.window.showInformationMessage('The file already has this version.');
    return true;
  }
  const result = await replaceRegion(uri, where, prompt);
  if (!result.ok) void vscode.window.showErrorMessage(`DLPO could not restore the version: ${result.reason}.`);
  return result.ok;
}

/**
 * "Apply best": a finished run's best prompt goes into the region as one undoable edit
 * (the file ends a run with the last accepted prompt, which need not be the best one).
 */
export async function applyBestPrompt(center: ReviewCenter, host: ReviewHost, arg: unknown): Promise<boolean> {
  const runId = arg && typeof arg === 'object' && 'runId' in arg ? String((arg as { runId: unknown }).runId) : undefined;
  const all = [...(host.runs?.list() ?? []), ...center.sessions()];
  const session = runId ? all.find((s) => s.runId === runId) : all.find((s) => s.documentUri.toString() === vscode.window.activeTextEditor?.document.uri.toString());
  const done = session ? [...session.events].reverse().find((e) => e.type === 'done') : undefined;
  if (!session || done?.type !== 'done') {
    void vscode.window.showInformationMessage('DLPO has no finished run to take the best prompt from.');
    return false;
  }
  return restoreVersionText(center.regionFor(session), session.documentUri, done.bestPrompt);
}
