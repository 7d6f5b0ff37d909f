import * as path from 'node:path';
import * as vscode from 'vscode';
import { PRESETS } from '../../core/config/presets';
import type { Budget, PresetName } from '../../core/config/runConfig';
import { BENCHMARKS } from '../../core/data/benchmarks';
import { METRIC_NAMES, METRIC_SUMMARIES, type MetricName } from '../../core/metrics/registry';
import { capsExceeded, formatEstimate, type Estimate } from '../run/estimate';

/** The quick picks of the guided start. Each returns undefined when the user backs out. */

interface DataItem extends vscode.QuickPickItem {
  source?: string;
  browse?: boolean;
}

const DATA_EXCLUDE = '{**/node_modules/**,**/.dlpo/**,**/.git/**,**/.vscode/**,**/dist/**,**/out/**,**/package.json,**/package-lock.json,**/tsconfig*.json,**/dlpo.config.json,**/*.schema.json}';

export async function pickDataset(last: string | undefined, documentUri: vscode.Uri): Promise<string | undefined> {
  const files = await vscode.workspace.findFiles('**/*.{jsonl,csv,tsv,json}', DATA_EXCLUDE, 200);
  const items: DataItem[] = [];
  const fileItems: DataItem[] = files
    .map((f) => f.fsPath)
    .sort()
    .map((p) => ({ label: `$(file) ${path.basename(p)}`, description: vscode.workspace.asRelativePath(p, false), source: p }));
  if (fileItems.length) items.push({ label: 'Workspace files', kind: vscode.QuickPickItemKind.Separator }, ...fileItems);
  items.push(
    { label: 'Built-in benchmarks', kind: vscode.QuickPickItemKind.Separator },
    ...BENCHMARKS.map((b) => ({
      label: `$(database) ${b.title}`,
      description: b.name,
      // A benchmark without a test size tests on every example left after train and val.
      detail: `metric ${b.metric} · train ${b.splits.train} · val ${b.splits.val} · test ${b.splits.test ?? 'the rest'} · ${b.license}`,
      source: b.name,
    })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(folder-opened) Browse…', description: 'a JSONL, CSV, TSV or JSON file', browse: true },
  );
  const lastIndex = last ? items.findIndex((i) => i.source === last) : -1;
  if (lastIndex >= 0) {
    const [lastItem] = items.splice(lastIndex, 1);
    items.unshift({ ...lastItem, description: `${lastItem.description ?? ''} · last used`.trim() });
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: `DLPO: data to optimize ${path.basename(documentUri.fsPath)} on (1/3)`,
    placeHolder: 'A built-in benchmark or a dataset file from the workspace',
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  if (picked.browse) {
    const uris = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Datasets: ['jsonl', 'csv', 'tsv', 'json'] }, title: 'DLPO: dataset file' });
    return uris?.[0]?.fsPath;
  }
  return picked.source;
}

export async function pickMetric(defaultMetric: string, last: string | undefined): Promise<string | undefined> {
  const base = (m: string) => m.split(':')[0];
  const order = [defaultMetric, ...(last && base(last) !== base(defaultMetric) ? [last] : []), ...METRIC_NAMES.filter((m) => m !== base(defaultMetric) && m !== (last && base(last)))];
  const items = order.map((m) => ({
    label: m,
    description: m === defaultMetric ? 'default for this dataset' : m === last ? 'last used' : undefined,
    detail: METRIC_SUMMARIES[base(m) as MetricName] ?? '',
    metric: m,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: 'DLPO: how to score answers (2/3)', placeHolder: `Metric (default: ${defaultMetric})`, ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.metric === 'regex') {
    const pattern = await vscode.window.showInputBox({ title: 'DLPO: regex metric', prompt: 'Pattern every output must match (empty: each example’s gold answer is the pattern)', ignoreFocusOut: true });
    if (pattern === undefined) return undefined;
    return pattern ? `regex:${pattern}` : 'regex';
  }
  if (picked.metric === 'json-schema') {
    const uris = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'JSON Schema': ['json'] }, title: 'DLPO: JSON Schema the output must satisfy' });
    if (!uris?.[0]) return undefined;
    return `json-schema:${uris[0].fsPath}`;
  }
  return picked.metric;
}

export async function pickPreset(current: PresetName): Promise<PresetName | undefined> {
  const order: PresetName[] = ['best', 'robust', 'textgrad', 'reference', 'all', 'custom'];
  const items = order.map((name) => ({
    label: PRESETS[name].label,
    description: name === current ? 'current' : undefined,
    detail: name === 'custom' ? `${PRESETS[name].description} (dlpo.techniques.* settings)` : PRESETS[name].description,
    name,
  }));
  items.sort((a, b) => (a.name === current ? -1 : b.name === current ? 1 : 0));
  const picked = await vscode.window.showQuickPick(items, { title: 'DLPO: preset (3/3)', placeHolder: 'Which DLPO techniques to use', ignoreFocusOut: true });
  return picked?.name;
}

export type EstimateChoice = { start: true } | { start: false; budget: Budget } | undefined;

/** Shows the estimate with `Start` / `Change budget`; `Change budget` returns the new caps. */
export async function confirmEstimate(estimate: Estimate, simulator: boolean, steps: number, budget: Budget): Promise<EstimateChoice> {
  const caps = [
    budget.maxCostUsd !== undefined ? `$${budget.maxCostUsd.toFixed(2)}` : undefined,
    budget.maxCalls !== undefined ? `${budget.maxCalls} calls` : undefined,
    budget.maxTokens !== undefined ? `${budget.maxTokens} tokens` : undefined,
    budget.maxTimeSec !== undefined ? `${budget.maxTimeSec} s` : undefined,
  ].filter(Boolean);
  const over = capsExceeded(estimate, budget, simulator);
  // Checked before the start: an estimate above a cap means the run would stop short of its plan.
  const items = [
    ...(over.length
      ? [{ label: `$(warning) The estimate does not fit the caps: ${over.join('; ')}`, detail: 'It would stop at the cap before its last steps (an experiment: before its last runs). Raise the cap, or start anyway.', id: 'budget' as const }]
      : []),
    { label: over.length ? '$(play) Start anyway' : '$(play) Start', detail: formatEstimate(estimate, simulator), id: 'start' as const },
    { label: '$(edit) Change budget…', detail: caps.length ? `Caps: ${caps.join(', ')}. The run stops cleanly before exceeding one.` : 'No cap set: the run may use all of the estimate.', id: 'budget' as const },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `DLPO: ${steps} steps — estimate`, placeHolder: 'Start the run?', ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.id === 'start') return { start: true };
  const next = await editBudget(budget);
  return next ? { start: false, budget: next } : undefined;
}

export async function editBudget(budget: Budget): Promise<Budget | undefined> {
  const caps = [
    { label: 'Cost (USD)', key: 'maxCostUsd' as const, value: budget.maxCostUsd, integer: false },
    { label: 'Model calls', key: 'maxCalls' as const, value: budget.maxCalls, integer: true },
    { label: 'Tokens', key: 'maxTokens' as const, value: budget.maxTokens, integer: true },
    { label: 'Wall time (seconds)', key: 'maxTimeSec' as const, value: budget.maxTimeSec, integer: false },
  ];
  const picked = await vscode.window.showQuickPick(
    caps.map((c) => ({ ...c, description: c.value === undefined ? 'no cap' : String(c.value) })),
    { title: 'DLPO: which cap to change', ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  const text = await vscode.window.showInputBox({
    title: `DLPO: ${picked.label} cap`,
    prompt: 'Empty: no cap',
    value: picked.value === undefined ? '' : String(picked.value),
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (v.trim() === '') return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) return 'A positive number, or empty for no cap';
      if (picked.integer && !Number.isInteger(n)) return 'A whole number';
      return undefined;
    },
  });
  if (text === undefined) return undefined;
  const next: Budget = { ...budget };
  if (text.trim() === '') delete next[picked.key];
  else next[picked.key] = Number(text);
  return next;
}
