import { escapeMarkdownInline } from '../report/escape';
import type { Summary } from './stats';
import type { TableRow } from './results';

/** `62.0 ± 3.1` in percent, or `–` when no run produced the figure. */
export function formatMeanStd(s: Summary, digits = 1): string {
  if (s.mean === null) return '–';
  // One seed has no spread: a `± 0.0` would claim a precision nobody measured.
  if (s.n < 2) return `${(s.mean * 100).toFixed(digits)} (n=1)`;
  return `${(s.mean * 100).toFixed(digits)} ± ${((s.std ?? 0) * 100).toFixed(digits)}`;
}


function comparisonCell(row: TableRow): string {
  const c = row.comparison;
  if (!c) return 'baseline';
  const d = c.testDiff;
  const ci = d ? `${signed(d.mean * 100)} [${signed(d.low * 100)}, ${signed(d.high * 100)}]` : '–';
  const p = c.perExample ? ` · p ${c.perExample.pValue < 0.001 ? '<0.001' : c.perExample.pValue.toFixed(3)}` : '';
  return ci + p;
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
}

export function tableToMarkdown(rows: readonly TableRow[], options: { title?: string; simulator?: boolean } = {}): string {
  const lines: string[] = [];
  if (options.title) lines.push(`### ${escapeMarkdownInline(options.title)}`, '');
  if (options.simulator) lines.push('> **Offline simulator** — these figures come from the simulator model, not from a real LLM.', '');
  lines.push(
    '| config | runs | start val | best val | best test | final val | final test | Δ test vs baseline [95% CI] · paired p | steps to best | calls | tokens | cost | final sentences |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of rows) {
    lines.push(
      `| ${escapeCell(r.config)} | ${r.runs} | ${formatMeanStd(r.scores.start.val)} | ${formatMeanStd(r.scores.best.val)} | ${formatMeanStd(r.scores.best.test)} | ${formatMeanStd(r.scores.final.val)} | ${formatMeanStd(r.scores.final.test)} | ${comparisonCell(r)} | ${r.stepsToBest.mean === null ? '–' : r.stepsToBest.mean.toFixed(1)} | ${r.calls} | ${r.tokens} | ${options.simulator ? '$0 (simulator)' : `$${r.costUsd.toFixed(4)}`} | ${r.finalPromptSentences.mean === null ? '–' : r.finalPromptSentences.mean.toFixed(1)} |`,
    );
  }
  lines.push('', 'Scores in percent, mean ± sample std over seeds (min–max in the CSV/JSON). Δ: best-prompt test score minus the baseline’s, paired by seed, with a percentile bootstrap interval; p: exact sign test on per-example test outcomes paired by seed and example.');
  return lines.join('\n') + '\n';
}

/** A config name in a table cell: no markup of its own (HTML, links, a `|` that breaks the row). */
function escapeCell(s: string): string {
  return escapeMarkdownInline(s);
}

const CSV_COLUMNS = [
  'config', 'runs',
  'start_val_mean', 'start_val_std', 'best_val_mean', 'best_val_std', 'best_val_min', 'best_val_max',
  'best_test_mean', 'best_test_std', 'best_test_min', 'best_test_max',
  'final_val_mean', 'final_val_std', 'final_test_mean', 'final_test_std',
  'diff_test_mean', 'diff_test_low', 'diff_test_high', 'paired_p',
  'steps_to_best_mean', 'calls', 'tokens', 'cost_usd', 'final_sentences_mean',
] as const;

export function tableToCsv(rows: readonly TableRow[]): string {
  const out = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    const d = r.comparison?.testDiff;
    const values: (string | number | null | undefined)[] = [
      r.config, r.runs,
      r.scores.start.val.mean, r.scores.start.val.std, r.scores.best.val.mean, r.scores.best.val.std, r.scores.best.val.min, r.scores.best.val.max,
      r.scores.best.test.mean, r.scores.best.test.std, r.scores.best.test.min, r.scores.best.test.max,
      r.scores.final.val.mean, r.scores.final.val.std, r.scores.final.test.mean, r.scores.final.test.std,
      d?.mean, d?.low, d?.high, r.comparison?.perExample?.pValue,
      r.stepsToBest.mean, r.calls, r.tokens, r.costUsd, r.finalPromptSentences.mean,
    ];
    out.push(values.map(csvCell).join(','));
  }
  return out.join('\n') + '\n';
}

function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(Number(v.toFixed(6)));
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

