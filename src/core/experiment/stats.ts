import { derive } from '../run/rng';

/** Summary of one figure over seeds. `std` is the sample standard deviation (n − 1). */
export interface Summary {
  n: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
}

export function summarize(values: readonly (number | null | undefined)[]): Summary {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n: 0, mean: null, std: null, min: null, max: null };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { n, mean, std, min: Math.min(...xs), max: Math.max(...xs) };
}

export interface BootstrapInterval {
  mean: number;
  low: number;
  high: number;
  level: number;
  resamples: number;
}

/**
 * Percentile bootstrap interval of the mean of paired differences (one per seed).
 * Seeded, so the same experiment prints the same interval.
 */
export function bootstrapMeanInterval(diffs: readonly number[], seed: number, resamples = 2000, level = 0.95): BootstrapInterval | null {
  const n = diffs.length;
  if (n === 0) return null;
  const mean = diffs.reduce((a, b) => a + b, 0) / n;
  const rng = derive(seed, 'bootstrap');
  const means: number[] = new Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += diffs[rng.int(n)];
    means[r] = s / n;
  }
  means.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))];
  return { mean, low: at(alpha), high: at(1 - alpha), level, resamples };
}

export interface PairedExampleTest {
  /** Pairs (same seed, same test example) compared. */
  pairs: number;
  /** Pairs where the configuration beat the baseline, and the reverse. */
  better: number;
  worse: number;
  /** Two-sided exact sign test (McNemar's exact test for 0/1 scores) on the discordant pairs. */
  pValue: number;
}

/** Exact two-sided binomial sign test on per-example paired scores. */
export function pairedSignTest(pairs: readonly { a: number; b: number }[]): PairedExampleTest {
  let better = 0;
  let worse = 0;
  for (const { a, b } of pairs) {
    if (a > b) better++;
    else if (a < b) worse++;
  }
  const n = better + worse;
  const k = Math.min(better, worse);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += binomialPmfHalf(n, i);
  return { pairs: pairs.length, better, worse, pValue: n === 0 ? 1 : Math.min(1, 2 * tail) };
}

/** P(X = k) for X ~ Binomial(n, 1/2), computed in log space so large n does not overflow. */
function binomialPmfHalf(n: number, k: number): number {
  return Math.exp(logChoose(n, k) - n * Math.LN2);
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}
