/** Numbers with units, the same everywhere in the panel (and in reports). */

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatInt(n: number): string {
  return INT.format(n);
}

/** 0.6234 → `62.3%`. Scores are fractions in [0, 1]. */
export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return '—';
  // Rounded first: 0.55 × 100 is 55.00000000000001, which must read 55%, not 55.0%.
  const pct = Math.round(score * 1000) / 10;
  return `${Number.isInteger(pct) ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 100) return `$${usd.toFixed(2)}`;
  return `$${INT.format(Math.round(usd))}`;
}

/** 1234 → `1.2k tokens`-style compact count. */
export function formatCount(n: number, unit?: string): string {
  let s: string;
  if (Math.abs(n) >= 1_000_000) s = `${(n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1)}M`;
  else if (Math.abs(n) >= 10_000) s = `${(n / 1000).toFixed(0)}k`;
  else if (Math.abs(n) >= 1000) s = `${(n / 1000).toFixed(1)}k`;
  else s = INT.format(n);
  return unit ? `${s} ${unit}` : s;
}

export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return '—';
  const s = Math.round(sec);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatInt(n)} ${n === 1 ? one : many}`;
}
