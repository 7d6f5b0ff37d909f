import { escapeHtml } from './escape';

/**
 * Small line charts as standalone SVG for reports: the same curves as the panel,
 * drawn from numbers only (labels escaped), so a report needs no script or library.
 */

export type SeriesStyle = 'line' | 'step' | 'dots' | 'rings';

export interface ChartSeries {
  label: string;
  color: string;
  style: SeriesStyle;
  /** [x, y]; y null = a gap. */
  points: [number, number | null][];
  dash?: boolean;
}

export interface ChartSpec {
  title: string;
  series: ChartSeries[];
  /** Fixed y range; otherwise from the data (starting at 0). */
  yRange?: [number, number];
  yFormat?: (v: number) => string;
  width?: number;
  height?: number;
}

const FAMILY = "font-family='system-ui, -apple-system, Segoe UI, sans-serif'";
const FONT = `${FAMILY} font-size='11'`;

function niceStep(range: number, ticks: number): number {
  const raw = range / Math.max(1, ticks);
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
const r1 = (v: number) => Math.round(v * 10) / 10;

export function lineChartSvg(spec: ChartSpec): string {
  const W = spec.width ?? 640;
  const H = spec.height ?? 240;
  const m = { l: 52, r: 16, t: 28, b: 48 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = spec.series.flatMap((s) => s.points.map((p) => p[1]).filter((y): y is number => y !== null && Number.isFinite(y)));
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  const [yMin, yMax] = spec.yRange ?? [0, ys.length ? Math.max(...ys) * 1.05 || 1 : 1];
  const sx = (x: number) => m.l + (xMax === xMin ? pw / 2 : ((x - xMin) / (xMax - xMin)) * pw);
  const sy = (y: number) => m.t + ph - ((y - yMin) / (yMax - yMin || 1)) * ph;
  const yf = spec.yFormat ?? fmt;
  const out: string[] = [];
  out.push(`<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 ${W} ${H}' width='${W}' height='${H}' role='img' aria-label='${escapeHtml(spec.title)}'>`);
  out.push(`<title>${escapeHtml(spec.title)}</title>`);
  out.push(`<rect x='0' y='0' width='${W}' height='${H}' fill='white'/>`);
  out.push(`<text x='${m.l}' y='16' ${FAMILY} font-size='13' font-weight='600' fill='#222'>${escapeHtml(spec.title)}</text>`);
  const yStep = niceStep(yMax - yMin, 5);
  for (let v = Math.ceil(yMin / yStep) * yStep; v <= yMax + 1e-9; v += yStep) {
    const y = r1(sy(v));
    out.push(`<line x1='${m.l}' x2='${m.l + pw}' y1='${y}' y2='${y}' stroke='#ddd'/>`);
    out.push(`<text x='${m.l - 6}' y='${y + 4}' text-anchor='end' ${FONT} fill='#555'>${escapeHtml(yf(v))}</text>`);
  }
  const xStep = Math.max(1, Math.round(niceStep(xMax - xMin, 8)));
  for (let v = Math.ceil(xMin / xStep) * xStep; v <= xMax; v += xStep) {
    const x = r1(sx(v));
    out.push(`<line x1='${x}' x2='${x}' y1='${m.t + ph}' y2='${m.t + ph + 4}' stroke='#888'/>`);
    out.push(`<text x='${x}' y='${m.t + ph + 16}' text-anchor='middle' ${FONT} fill='#555'>${v}</text>`);
  }
  out.push(`<line x1='${m.l}' x2='${m.l + pw}' y1='${m.t + ph}' y2='${m.t + ph}' stroke='#888'/>`);
  for (const s of spec.series) {
    const color = /^#[0-9a-fA-F]{3,8}$/.test(s.color) ? s.color : '#444';
    const pts = s.points.filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]));
    if (s.style === 'line' || s.style === 'step') {
      let d = '';
      let prev: [number, number] | null = null;
      for (const [x, y] of pts) {
        const X = r1(sx(x));
        const Y = r1(sy(y));
        if (!prev) d += `M${X} ${Y}`;
        else if (s.style === 'step') d += `H${X}V${Y}`;
        else d += `L${X} ${Y}`;
        prev = [X, Y];
      }
      if (d) out.push(`<path d='${d}' fill='none' stroke='${color}' stroke-width='2'${s.dash ? " stroke-dasharray='4 3'" : ''}/>`);
      if (pts.length === 1) out.push(`<circle cx='${r1(sx(pts[0][0]))}' cy='${r1(sy(pts[0][1]))}' r='3' fill='${color}'/>`);
    } else {
      for (const [x, y] of pts) {
        out.push(`<circle cx='${r1(sx(x))}' cy='${r1(sy(y))}' r='4' ${s.style === 'dots' ? `fill='${color}'` : `fill='white' stroke='${color}' stroke-width='1.5'`}/>`);
      }
    }
  }
  // Legend under the plot.
  let lx = m.l;
  const ly = H - 12;
  for (const s of spec.series) {
    const color = /^#[0-9a-fA-F]{3,8}$/.test(s.color) ? s.color : '#444';
    if (s.style === 'dots' || s.style === 'rings') {
      out.push(`<circle cx='${lx + 6}' cy='${ly - 4}' r='4' ${s.style === 'dots' ? `fill='${color}'` : `fill='white' stroke='${color}' stroke-width='1.5'`}/>`);
    } else {
      out.push(`<line x1='${lx}' x2='${lx + 14}' y1='${ly - 4}' y2='${ly - 4}' stroke='${color}' stroke-width='2'${s.dash ? " stroke-dasharray='4 3'" : ''}/>`);
    }
    out.push(`<text x='${lx + 18}' y='${ly}' ${FONT} fill='#333'>${escapeHtml(s.label)}</text>`);
    lx += 26 + s.label.length * 6.2;
  }
  out.push('</svg>');
  return out.join('');
}
