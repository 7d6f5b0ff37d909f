import type { RunEvent, RunEventOf } from '../run/events';
import {
  decisionLine,
  runViewOf,
  techniqueChip,
  tsaLine,
  type RunView,
  type StepView,
} from '../../shared/runView';
import { escapeHtml, escapeMarkdownInline, markdownCodeBlock, truncateForReport } from './escape';
import { promptSentenceDiff, type DiffLine } from './promptDiff';
import { lineChartSvg, type ChartSpec } from './svgChart';

/**
 * A run's report, from its events alone (a live session's or a journal's): the same
 * view model as the panel, so the report says what the panel showed. Two formats: a
 * self-contained HTML page (inline SVG curves, a CSP that allows no script) and
 * Markdown (SVG curves as data-URI images, plus the numbers as tables).
 */

export interface ReportOptions {
  /** ISO time the report was made; omitted = not printed (keeps reports reproducible). */
  generatedAt?: string;
  /** Longest prompt text printed in full. */
  maxPromptChars?: number;
}

const SIM_WARNING = 'Offline simulator — figures are not from a real model.';
const STOPPED_BY: Record<RunEventOf<'done'>['stoppedBy'], string> = {
  completed: 'completed all steps',
  'budget-calls': 'call cap reached',
  'budget-tokens': 'token cap reached',
  'budget-cost': 'cost cap reached',
  'budget-time': 'time cap reached',
  cancelled: 'stopped by the user',
  error: 'stopped by an error',
  'early-stopping': 'stopped early (no improvement)',
};

const pct = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(1)}%`);
const usd = (v: number) => (v < 0.01 && v > 0 ? `$${v.toFixed(4)}` : `$${v.toFixed(2)}`);
const int = (v: number) => v.toLocaleString('en-US');

interface ReportData {
  view: RunView;
  start: RunEventOf<'run-start'> | null;
  done: RunEventOf<'done'> | null;
  diff: DiffLine[] | null;
  charts: ChartSpec[];
}

function collect(events: readonly RunEvent[]): ReportData {
  const view = runViewOf(events);
  let start: RunEventOf<'run-start'> | null = null;
  let done: RunEventOf<'done'> | null = null;
  for (const e of events) {
    if (e.type === 'run-start' && !start) start = e;
    if (e.type === 'done') done = e;
  }
  const diff = start && done ? promptSentenceDiff(start.prompt, done.bestPrompt) : null;
  return { view, start, done, diff, charts: chartSpecs(view) };
}

function chartSpecs(view: RunView): ChartSpec[] {
  const c = view.curves;
  const col = (f: (p: (typeof c)[number]) => number | null): [number, number | null][] => c.map((p) => [p.step, f(p)]);
  const specs: ChartSpec[] = [
    {
      title: 'Score per step',
      yRange: [0, 1],
      yFormat: (v) => `${Math.round(v * 100)}%`,
      series: [
        { label: 'train batch', color: '#888888', style: 'line', dash: true, points: col((p) => p.batch) },
        { label: 'train', color: '#8a63d2', style: 'line', points: col((p) => p.train) },
        { label: 'validation', color: '#1f6feb', style: 'line', points: col((p) => p.val) },
        { label: 'test', color: '#d97706', style: 'dots', points: col((p) => p.test) },
        { label: 'best so far', color: '#1a7f37', style: 'step', points: col((p) => p.bestVal) },
        { label: 'accepted', color: '#1a7f37', style: 'dots', points: col((p) => (p.decision === 'accepted' ? p.candidate : null)) },
        { label: 'rejected', color: '#cf222e', style: 'rings', points: col((p) => (p.decision === 'rejected' ? p.candidate : null)) },
      ],
    },
    {
      title: 'Prompt length (sentences)',
      series: [{ label: 'sentences', color: '#b08800', style: 'line', points: col((p) => p.sentences) }],
    },
    {
      title: 'Cumulative cost (USD)',
      yFormat: (v) => (v === 0 ? '$0' : v < 1 ? `$${Number(v.toPrecision(2))}` : `$${v.toFixed(2)}`),
      series: [{ label: 'cost', color: '#d97706', style: 'line', points: col((p) => p.cumCostUsd) }],
    },
  ];
  return specs;
}

function summaryRows(d: ReportData): [string, string][] {
  const { view, start, done } = d;
  const rows: [string, string][] = [];
  if (start) {
    rows.push(['Prompt file', start.promptFile]);
    rows.push(['Run', `${start.runId}, started ${start.time}`]);
    rows.push(['Preset', `${start.preset}${start.techniques.length ? ` (${start.techniques.map((t) => t.toUpperCase()).join(', ')})` : ''}`]);
    rows.push(['Models', `forward ${start.forwardModel}, backward ${start.backwardModel}${start.simulator ? ' (offline simulator)' : ''}`]);
    rows.push(['Seed', String(start.seed)]);
    rows.push(['Data', `${int(start.sizes.train)} train, ${int(start.sizes.val)} validation, ${int(start.sizes.test)} test`]);
  }
  if (done) {
    rows.push(['Outcome', `${STOPPED_BY[done.stoppedBy]} after ${int(done.steps)} steps; best step ${done.bestStep}`]);
    rows.push(['Validation', `start ${pct(done.scores.start.val)}, best ${pct(done.scores.best.val)}, final ${pct(done.scores.final.val)}`]);
    rows.push(['Test', `start ${pct(done.scores.start.test)}, best ${pct(done.scores.best.test)}, final ${pct(done.scores.final.test)}`]);
  } else {
    rows.push(['Outcome', `not finished (${view.steps.length} steps so far)`]);
  }
  const u = view.usage;
  rows.push(['Usage', `${int(u.calls)} calls (${int(u.cachedCalls)} cached), ${int(u.promptTokens)} prompt + ${int(u.completionTokens)} completion tokens, ${usd(u.costUsd)}`]);
  return rows;
}

function stepRow(s: StepView): string[] {
  const val = s.evals.find((e) => e.split === 'val' && e.prompt === 'current');
  return [
    String(s.step),
    s.loss ? `${pct(s.loss.batchScore)} (${s.loss.failures}/${s.loss.n} failed)` : '—',
    val ? pct(val.score) : '—',
    s.candidate ? `${s.candidate.editCount} edits${s.candidate.revertedCount ? `, ${s.candidate.revertedCount} reverted` : ''}` : s.skipped !== null ? `skipped: ${s.skipped}` : '—',
    s.tsa ? tsaLine(s.tsa) : '—',
    decisionLine(s) ?? '—',
    s.techniques.map(techniqueChip).join('; ') || '—',
    usd(s.usage.costUsd),
  ];
}

const STEP_HEADERS = ['Step', 'Train batch', 'Validation', 'Candidate', 'TSA', 'Decision', 'Techniques', 'Cost'];

const CSS = `
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#1f2328;background:#fff}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f6f8fa}.warn{border:2px solid #bf8700;background:#fff8c5;padding:8px 12px;font-weight:600}
.diff{list-style:none;padding:0;font-family:ui-monospace,monospace;font-size:13px}.diff li{padding:2px 8px;white-space:pre-wrap;overflow-wrap:anywhere}
.added{background:#dafbe1}.removed{background:#ffebe9;text-decoration:line-through}.same{color:#57606a}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;padding:8px;border:1px solid #d0d7de}
figure{margin:12px 0}svg{max-width:100%;height:auto}.muted{color:#57606a}
`;

/** A self-contained HTML report; every model-written text escaped. */
export function renderHtmlReport(events: readonly RunEvent[], options: ReportOptions = {}): string {
  const d = collect(events);
  const maxPrompt = options.maxPromptChars ?? 20_000;
  const title = d.start ? `DLPO run ${d.start.runId} — ${baseName(d.start.promptFile)}` : 'DLPO run report';
  const h: string[] = [];
  h.push('<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">');
  // A report is opened from disk, maybe in a browser: it may not run anything.
  h.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
  h.push(`<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>`);
  h.push(`<h1>${escapeHtml(title)}</h1>`);
  if (d.start?.simulator) h.push(`<p class="warn" data-testid="simulator-warning">${escapeHtml(SIM_WARNING)}</p>`);
  if (options.generatedAt) h.push(`<p class="muted">Report generated ${escapeHtml(options.generatedAt)}.</p>`);
  h.push('<h2>Summary</h2><table>');
  for (const [k, v] of summaryRows(d)) h.push(`<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
  h.push('</table>');
  if (d.done?.message) h.push(`<p>${escapeHtml(d.done.message)}</p>`);
  h.push('<h2>Curves</h2>');
  if (d.start?.simulator) h.push(`<p class="muted">${escapeHtml(SIM_WARNING)}</p>`);
  for (const c of d.charts) h.push(`<figure>${lineChartSvg(c)}</figure>`);
  if (d.diff) {
    h.push('<h2>Prompt: start → best</h2><ul class="diff">');
    for (const line of d.diff) {
      const mark = line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '− ' : '  ';
      h.push(`<li class="${line.kind}">${escapeHtml(mark + truncateForReport(line.text, 4000))}</li>`);
    }
    h.push('</ul>');
  }
  if (d.done) {
    h.push(`<h2>Best prompt (step ${d.done.bestStep})</h2><pre>${escapeHtml(truncateForReport(d.done.bestPrompt, maxPrompt))}</pre>`);
    if (d.done.finalPrompt !== d.done.bestPrompt) h.push(`<h2>Final prompt</h2><pre>${escapeHtml(truncateForReport(d.done.finalPrompt, maxPrompt))}</pre>`);
  }
  h.push('<h2>Steps</h2><table><tr>');
  for (const th of STEP_HEADERS) h.push(`<th>${escapeHtml(th)}</th>`);
  h.push('</tr>');
  for (const s of d.view.steps) h.push(`<tr>${stepRow(s).map((c) => `<td>${escapeHtml(truncateForReport(c, 1000))}</td>`).join('')}</tr>`);
  h.push('</table>');
  if (d.view.errorCount > 0) {
    h.push(`<h2>Errors and warnings (${d.view.errorCount})</h2><ul>`);
    for (const e of d.view.errors) h.push(`<li>${escapeHtml(`${e.fatal ? 'Error' : 'Warning'} (${e.kind}): ${e.message}${e.action ? ` — ${e.action}` : ''}`)}</li>`);
    h.push('</ul>');
  }
  h.push('</body></html>');
  return h.join('\n');
}

function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

/** A Markdown report; model text escaped or fenced so it cannot become markup. */
export function renderMarkdownReport(events: readonly RunEvent[], options: ReportOptions = {}): string {
  const d = collect(events);
  const maxPrompt = options.maxPromptChars ?? 20_000;
  const md: string[] = [];
  const title = d.start ? `DLPO run ${d.start.runId} — ${baseName(d.start.promptFile)}` : 'DLPO run report';
  md.push(`# ${escapeMarkdownInline(title)}`, '');
  if (d.start?.simulator) md.push(`> **${escapeMarkdownInline(SIM_WARNING)}**`, '');
  if (options.generatedAt) md.push(`Report generated ${escapeMarkdownInline(options.generatedAt)}.`, '');
  md.push('## Summary', '', '| | |', '|---|---|');
  for (const [k, v] of summaryRows(d)) md.push(`| ${escapeMarkdownInline(k)} | ${escapeMarkdownInline(v)} |`);
  md.push('');
  if (d.done?.message) md.push(escapeMarkdownInline(d.done.message), '');
  md.push('## Curves', '');
  if (d.start?.simulator) md.push(`*${escapeMarkdownInline(SIM_WARNING)}*`, '');
  for (const c of d.charts) md.push(`![${escapeMarkdownInline(c.title)}](${svgDataUri(lineChartSvg(c))})`, '');
  if (d.diff) {
    md.push('## Prompt: start → best', '');
    md.push(markdownCodeBlock(d.diff.map((l) => `${l.kind === 'added' ? '+' : l.kind === 'removed' ? '-' : ' '} ${truncateForReport(l.text, 4000)}`).join('\n'), 'diff'), '');
  }
  if (d.done) {
    md.push(`## Best prompt (step ${d.done.bestStep})`, '', markdownCodeBlock(truncateForReport(d.done.bestPrompt, maxPrompt)), '');
    if (d.done.finalPrompt !== d.done.bestPrompt) md.push('## Final prompt', '', markdownCodeBlock(truncateForReport(d.done.finalPrompt, maxPrompt)), '');
  }
  md.push('## Steps', '', `| ${STEP_HEADERS.join(' | ')} |`, `|${STEP_HEADERS.map(() => '---').join('|')}|`);
  for (const s of d.view.steps) md.push(`| ${stepRow(s).map((c) => escapeMarkdownInline(truncateForReport(c, 1000))).join(' | ')} |`);
  md.push('');
  if (d.view.errorCount > 0) {
    md.push(`## Errors and warnings (${d.view.errorCount})`, '');
    for (const e of d.view.errors) md.push(`- ${escapeMarkdownInline(`${e.fatal ? 'Error' : 'Warning'} (${e.kind}): ${e.message}${e.action ? ` — ${e.action}` : ''}`)}`);
    md.push('');
  }
  return md.join('\n');
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}
