import uPlot from 'uplot';
import type { ExperimentView } from '../../shared/experimentProtocol';
import { clear, el, setText } from '../dom';
import { formatScore } from '../format';

type Curve = ExperimentView['curves'][number];

const COLOR_VARS = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-foreground', '#cccccc'],
] as const;

function palette(): { series: string[]; muted: string; grid: string } {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    series: COLOR_VARS.map(([name, fallback]) => v(name, fallback)),
    muted: v('--vscode-descriptionForeground', '#999999'),
    grid: v('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)'),
  };
}

/** Aligns every configuration's curve on one step axis (uPlot wants shared x values). */
export function alignCurves(curves: readonly Curve[]): uPlot.AlignedData {
  const maxStep = Math.max(0, ...curves.flatMap((c) => c.steps));
  const xs = Array.from({ length: maxStep + 1 }, (_, i) => i);
  const ys = curves.map((c) => xs.map((s) => {
    const i = c.steps.indexOf(s);
    return i >= 0 ? c.meanVal[i] : null;
  }));
  return [xs, ...ys] as uPlot.AlignedData;
}

/**
 * Mean validation score per step, one line per configuration (uPlot, bundled). A text
 * summary (the last mean per configuration) is always there, also where no canvas is.
 */
export class ExperimentCurves {
  readonly root: HTMLElement;
  private readonly box = el('div', { class: 'chart-box', testid: 'experiment-curves-chart' });
  private readonly summary = el('div', { class: 'chart-summary muted', testid: 'experiment-curves-summary' });
  private readonly note = el('div', { class: 'simulator-note', text: 'Offline simulator: these curves are not from a real model.' });
  private plot: uPlot | null = null;
  private names = '';
  private resize: ResizeObserver | null = null;
  private themeWatch: MutationObserver | null = null;
  private last: { curves: Curve[]; simulator: boolean } | null = null;

  constructor(private readonly canvas: boolean) {
    this.root = el('figure', { class: 'chart', testid: 'experiment-curves' }, this.note, this.box, this.summary);
    this.note.hidden = true;
  }

  attach(): void {
    if (!this.canvas || typeof ResizeObserver === 'undefined') return;
    this.resize = new ResizeObserver(() => {
      if (this.plot) {
        const w = Math.max(240, this.box.clientWidth);
        if (Math.abs(w - this.plot.width) > 2) this.plot.setSize({ width: w, height: 240 });
      }
    });
    this.resize.observe(this.box);
    this.themeWatch = new MutationObserver(() => {
      this.plot?.destroy();
      this.plot = null;
      if (this.last) this.update(this.last.curves, this.last.simulator);
    });
    this.themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  update(curves: Curve[], simulator: boolean): void {
    this.last = { curves, simulator };
    this.note.hidden = !simulator;
    const lines = curves.map((c) => {
      const lastIndex = c.meanVal.map((v, i) => (v === null ? -1 : i)).filter((i) => i >= 0).pop();
      return lastIndex === undefined ? `${c.config}: no finished run yet` : `${c.config}: ${formatScore(c.meanVal[lastIndex])} at step ${c.steps[lastIndex]} (mean of ${c.n[lastIndex]})`;
    });
    setText(this.summary, lines.join(' · '));
    if (!this.canvas) return;
    const names = curves.map((c) => c.config).join('\u0000');
    if (this.plot && names === this.names) {
      this.plot.setData(alignCurves(curves));
      return;
    }
    this.plot?.destroy();
    this.plot = null;
    this.names = names;
    try {
      const probe = document.createElement('canvas');
      if (!probe.getContext || !probe.getContext('2d')) return;
      const p = palette();
      const axis = (extra: Partial<uPlot.Axis> = {}): uPlot.Axis => ({ stroke: p.muted, grid: { stroke: p.grid, width: 1 }, ticks: { stroke: p.grid, width: 1 }, ...extra });
      clear(this.box);
      this.plot = new uPlot(
        {
          width: Math.max(240, this.box.clientWidth || 480),
          height: 240,
          scales: { x: { time: false }, y: { range: [0, 1] } },
          axes: [axis({ label: 'step', incrs: [1, 2, 5, 10, 20, 50, 100], values: (_u, t) => t.map((x) => String(x)) }), axis({ values: (_u, t) => t.map((x) => `${Math.round(x * 100)}%`) })],
          series: [
            { label: 'step' },
            ...curves.map((c, i) => ({ label: c.config, stroke: p.series[i % p.series.length], width: i === 0 ? 2.5 : 2, dash: i >= p.series.length ? [6, 3] : undefined, spanGaps: true, value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatScore(v)) })),
          ],
          legend: { show: true, live: true },
          cursor: { drag: { x: false, y: false } },
        },
        alignCurves(curves),
        this.box,
      );
    } catch (error) {
      this.plot = null;
      this.box.appendChild(el('div', { class: 'muted', text: `Chart unavailable: ${error instanceof Error ? error.message : String(error)}` }));
    }
  }

  dispose(): void {
    this.resize?.disconnect();
    this.themeWatch?.disconnect();
    this.plot?.destroy();
  }
}
