/**
 * Axis ranges and legend values for the panel's charts, kept out of the uPlot glue so
 * they are unit-tested. A cumulative axis runs from 0 to the cap when there is one (the
 * user sees how much of the budget is gone), else to a little above the data; it never
 * falls back to the library's default span (which drew $0–$100 for a free run).
 */

/** [0, top] for a cumulative quantity (cost, tokens, calls). */
export function cumulativeRange(dataMax: number | null, cap: number | null, floor: number): [number, number] {
  const max = dataMax !== null && Number.isFinite(dataMax) ? Math.max(0, dataMax) : 0;
  if (cap !== null && cap > 0) return [0, Math.max(cap, max)];
  return [0, max > 0 ? max * 1.1 : floor];
}

/** The largest finite number in a chart column, or null. */
export function columnMax(values: readonly (number | null | undefined)[] | undefined): number | null {
  let max: number | null = null;
  for (const v of values ?? []) if (typeof v === 'number' && Number.isFinite(v) && (max === null || v > max)) max = v;
  return max;
}

/** The last non-null value of a column (what a legend shows when the cursor is off the chart). */
export function lastInColumn(values: readonly (number | null | undefined)[] | undefined): number | null {
  if (!values) return null;
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

/**
 * A legend value: the value under the cursor, or — with the cursor off the chart — the
 * series' latest value, so a legend at rest reads "validation 62%", not "validation —".
 */
export function legendValue(
  column: readonly (number | null | undefined)[] | undefined,
  value: number | null,
  idx: number | null | undefined,
  format: (v: number) => string,
): string {
  if (value !== null && value !== undefined) return format(value);
  if (idx === null || idx === undefined) {
    const last = lastInColumn(column);
    return last === null ? 'no data yet' : format(last);
  }
  return '–';
}
