import uPlot from 'uplot';
import type { CurvePoint, RunView } from '../shared/runView';
import { columnMax, cumulativeRange, legendValue } from './chartScales';
import { el, setText } from './dom';
import { formatCount, formatScore, formatUsd } from './format';

/** Theme colours for canvas drawing, read from VS Code's CSS variables. */
interface Palette {
  fg: string;
  muted: string;
  grid: string;
  bg: string;
  blue: string;
  green: string;
  orange: string;
  purple: string;
  red: string;
  yellow: string;
}

function readPalette(): Palette {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--vscode-foreground', '#cccccc'),
    muted: v('--vscode-descriptionForeground', '#999999'),
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    bg: v('--vscode-editor-background', '#1e1e1e'),
    blue: v('--vscode-charts-blue', '#3794ff'),
    green: v('--vscode-charts-green', '#89d185'),
    orange: v('--vscode-charts-orange', '#d18616'),
    purple: v('--vscode-charts-purple', '#b180d7'),
    red: v('--vscode-charts-red', '#f14c4c'),
    yellow: v('--vscode-charts-yellow', '#cca700'),
  };
}

type Column = (number | null)[];

/** The run's caps, read when an axis is ranged (the run's meta can arrive after the chart). */
interface Caps {
  costUsd: number | null;
  tokens: number | null;
}

interface ChartSpec {
  id: string;
  title: string;
  height: number;
  build(p: Palette, caps: () => Caps): Omit<uPlot.Options, 'width' | 'height'>;
  data(points: CurvePoint[]): uPlot.AlignedData;
  summary(points: CurvePoint[], view: RunView): string;
}

const noPath: uPlot.Series.PathBuilder = () => null;
/** The x legend: the step under the cursor, else the last step. */
const stepValue = (u: uPlot, v: number | null, _s: number, idx: number | null) => legendValue(u.data[0] as Column, v, idx, (x) => String(x));
/** A legend formatter that shows the latest value when the cursor is off the chart. */
const latest =
  (format: (v: number) => string) =>
  (u: uPlot, v: number | null, sidx: number, idx: number | null): string =>
    legendValue(u.data[sidx] as Column, v, idx, format);
/** Decision markers at rest: how many, not the last marker's score. */
const decisions = (u: uPlot, v: number | null, sidx: number, idx: number | null): string => {
  if (v !== null && v !== undefined) return formatScore(v);
  if (idx === null || idx === undefined) return String((u.data[sidx] as Column).filter((x) => x !== null && x !== undefined).length);
  return '–';
};

function axis(p: Palette, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return { stroke: p.muted, grid: { stroke: p.grid, width: 1 }, ticks: { stroke: p.grid, width: 1 }, ...extra };
}

/** Steps are whole numbers: no 0.5 ticks. */
function stepAxis(p: Palette): uPlot.Axis {
  return axis(p, { label: 'step', incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000], values: (_u, t) => t.map((v) => String(v)) });
}

function lastValue(points: CurvePoint[], key: keyof CurvePoint): number | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = points[i][key];
    if (typeof v === 'number') return v;
  }
  return null;
}

function col(points: CurvePoint[], f: (p: CurvePoint) => number | null): Column {
  return points.map(f);
}

const pct = latest((v) => formatScore(v));

const SPECS: ChartSpec[] = [
  {
    id: 'chart-scores',
    title: 'Score per step',
    height: 220,
    build: (p) => ({
      scales: { x: { time: false }, y: { range: [0, 1] } },
      axes: [stepAxis(p), axis(p, { values: (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)}%`) })],
      series: [
        { label: 'step', value: stepValue },
        { label: 'train batch', stroke: p.muted, width: 1, dash: [4, 4], value: pct, spanGaps: true },
        { label: 'train', stroke: p.purple, width: 1.5, value: pct, spanGaps: true },
        { label: 'validation', stroke: p.blue, width: 2, value: pct, spanGaps: true },
        { label: 'test', stroke: p.orange, width: 2, value: pct, points: { show: true, size: 7 }, spanGaps: true },
        { label: 'best so far (val)', stroke: p.green, width: 1.5, value: pct, paths: uPlot.paths.stepped!({ align: 1 }), spanGaps: true },
        { label: '● accepted', stroke: p.green, fill: p.green, width: 0, paths: noPath, points: { show: true, size: 9, fill: p.green, stroke: p.green }, value: decisions },
        { label: '○ rejected', stroke: p.red, width: 0, paths: noPath, points: { show: true, size: 9, fill: p.bg, stroke: p.red, width: 2 }, value: decisions },
      ],
    }),
    data: (pts) => [
      pts.map((q) => q.step),
      col(pts, (q) => q.batch),
      col(pts, (q) => q.train),
      col(pts, (q) => q.val),
      col(pts, (q) => q.test),
      col(pts, (q) => q.bestVal),
      col(pts, (q) => (q.decision === 'accepted' ? q.candidate : null)),
      col(pts, (q) => (q.decision === 'rejected' ? q.candidate : null)),
    ] as uPlot.AlignedData,
    summary: (pts) => {
      const accepted = pts.filter((q) => q.decision === 'accepted').length;
      const rejected = pts.filter((q) => q.decision === 'rejected').length;
      return `Validation ${formatScore(lastValue(pts, 'val'))} now, best ${formatScore(lastValue(pts, 'bestVal'))}; ${accepted} accepted, ${rejected} rejected candidates.`;
    },
  },
  {
    id: 'chart-length',
    title: 'Prompt length per step',
    height: 160,
    build: (p) => ({
      scales: { x: { time: false }, sentences: {}, tokens: {} },
      axes: [
        stepAxis(p),
        axis(p, { scale: 'sentences', label: 'sentences' }),
        axis(p, { scale: 'tokens', side: 1, grid: { show: false }, label: 'tokens' }),
      ],
      series: [
        { label: 'step', value: stepValue },
        { label: 'sentences', stroke: p.yellow, width: 2, scale: 'sentences', spanGaps: true, value: latest((v) => String(v)) },
        { label: 'tokens', stroke: p.purple, width: 1.5, dash: [5, 3], scale: 'tokens', spanGaps: true, value: latest((v) => formatCount(v)) },
      ],
    }),
    data: (pts) => [pts.map((q) => q.step), col(pts, (q) => q.sentences), col(pts, (q) => q.tokens)] as uPlot.AlignedData,
    summary: (pts) => {
      const s = lastValue(pts, 'sentences');
      const t = lastValue(pts, 'tokens');
      return s === null ? 'No prompt length yet.' : `Prompt now ${s} sentences, ${formatCount(t ?? 0, 'tokens')}.`;
    },
  },
  {
    id: 'chart-cost',
    title: 'Cumulative tokens and cost',
    height: 160,
    build: (p, caps) => ({
      scales: {
        x: { time: false },
        // From 0 to the cap (or just above the data): never the library's default span.
        tokens: { range: (u) => cumulativeRange(columnMax(u.data[1] as Column), caps().tokens, 1_000) },
        usd: { range: (u) => cumulativeRange(columnMax(u.data[2] as Column), caps().costUsd, 0.01) },
      },
      axes: [
        stepAxis(p),
        axis(p, { scale: 'tokens', size: 56, values: (_u, t) => t.map((v) => formatCount(v)) }),
        axis(p, { scale: 'usd', side: 1, size: 64, grid: { show: false }, values: (_u, t) => t.map((v) => formatUsd(v)) }),
      ],
      series: [
        { label: 'step', value: stepValue },
        { label: 'tokens', stroke: p.blue, width: 2, scale: 'tokens', spanGaps: true, value: latest((v) => formatCount(v)) },
        { label: 'cost', stroke: p.orange, width: 2, scale: 'usd', spanGaps: true, value: latest((v) => formatUsd(v)) },
      ],
    }),
    data: (pts) => [pts.map((q) => q.step), col(pts, (q) => q.cumTokens), col(pts, (q) => q.cumCostUsd)] as uPlot.AlignedData,
    summary: (_pts, view) => {
      const cap = view.meta?.budget.maxCostUsd;
      const cost = cap !== undefined && cap > 0 ? `${formatUsd(view.usage.costUsd)} of the ${formatUsd(cap)} cap` : formatUsd(view.usage.costUsd);
      return `${formatCount(view.usage.promptTokens + view.usage.completionTokens, 'tokens')}, ${cost}, ${formatCount(view.usage.calls, 'calls')} (${formatCount(view.usage.cachedCalls)} cached).`;
    },
  },
];

/**
 * The three charts (uPlot, bundled). Data is pushed at most once per animation frame;
 * charts are rebuilt only when the theme changes. Where a canvas cannot be drawn (a
 * DOM without canvas, as in unit tests) the text summaries still show.
 */
export class CurvesView {
  readonly root: HTMLElement;
  private readonly charts: { spec: ChartSpec; box: HTMLElement; summary: HTMLElement; plot: uPlot | null }[] = [];
  private readonly simulatorNote = el('div', { class: 'simulator-note', testid: 'curves-simulator-note', text: 'Offline simulator: these curves are not from a real model.' });
  private resize: ResizeObserver | null = null;
  private themeWatch: MutationObserver | null = null;
  private lastPoints: CurvePoint[] = [];
  private lastView: RunView | null = null;

  constructor(private readonly enabled: boolean) {
    this.root = el('section', { class: 'curves', testid: 'curves', id: 'curves' }, this.simulatorNote);
    this.simulatorNote.hidden = true;
    const grid = el('div', { class: 'chart-grid' });
    for (const spec of SPECS) {
      const box = el('div', { class: 'chart-box', testid: spec.id });
      box.style.minHeight = `${spec.height + 40}px`;
      const summary = el('div', { class: 'chart-summary muted' });
      grid.appendChild(el('figure', { class: `chart ${spec.id}` }, el('figcaption', { class: 'chart-title', text: spec.title }), box, summary));
      this.charts.push({ spec, box, summary, plot: null });
    }
    this.root.appendChild(grid);
  }

  /** Called once the root is in the document. */
  attach(): void {
    if (!this.enabled || typeof ResizeObserver === 'undefined') return;
    this.resize = new ResizeObserver(() => this.fit());
    for (const c of this.charts) this.resize.observe(c.box);
    // VS Code swaps the body's theme class (vscode-light/dark/high-contrast): redraw in the new colours.
    this.themeWatch = new MutationObserver(() => this.rebuild());
    this.themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  update(view: RunView): void {
    this.lastPoints = view.curves;
    this.lastView = view;
    this.simulatorNote.hidden = !view.meta?.simulator;
    for (const c of this.charts) {
      setText(c.summary, c.spec.summary(view.curves, view));
      if (!this.enabled) continue;
      if (!c.plot) this.create(c);
      else c.plot.setData(c.spec.data(view.curves));
    }
  }

  private create(c: (typeof this.charts)[number]): void {
    try {
      const probe = document.createElement('canvas');
      if (!probe.getContext || !probe.getContext('2d')) return;
      const opts: uPlot.Options = {
        ...c.spec.build(readPalette(), () => {
          const b = this.lastView?.meta?.budget;
          return { costUsd: b?.maxCostUsd ?? null, tokens: b?.maxTokens ?? null };
        }),
        width: Math.max(240, c.box.clientWidth || 480),
        height: c.spec.height,
        legend: { show: true, live: true },
        cursor: { drag: { x: false, y: false } },
      };
      c.plot = new uPlot(opts, c.spec.data(this.lastPoints), c.box);
    } catch (error) {
      c.plot = null;
      c.box.appendChild(el('div', { class: 'muted', text: `Chart unavailable: ${error instanceof Error ? error.message : String(error)}` }));
    }
  }

  private rebuild(): void {
    for (const c of this.charts) {
      c.plot?.destroy();
      c.plot = null;
    }
    if (this.lastView) this.update(this.lastView);
  }

  private fit(): void {
    for (const c of this.charts) {
      if (!c.plot) continue;
      const w = Math.max(240, c.box.clientWidth);
      if (Math.abs(w - c.plot.width) > 2) c.plot.setSize({ width: w, height: c.spec.height });
    }
  }

  dispose(): void {
    this.resize?.disconnect();
    this.themeWatch?.disconnect();
    for (const c of this.charts) c.plot?.destroy();
  }
}
