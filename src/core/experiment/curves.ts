import type { RunEvent } from '../run/events';

/** Validation score after each step of one run (step 0 = the starting prompt). */
export function valSeries(events: readonly RunEvent[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of events) {
    // `current` is the prompt the next step starts from: the run's trajectory.
    if (e.type === 'eval' && e.split === 'val' && e.prompt === 'current') out.set(e.step, e.score);
  }
  return out;
}

export interface ConfigCurve {
  config: string;
  steps: number[];
  /** Mean validation score over the runs that reached the step; null where none did. */
  meanVal: (number | null)[];
  /** How many runs the mean at each step is over (runs stopped early drop out). */
  n: number[];
}

/** One curve per configuration: mean validation per step over its runs (seeds). */
export function meanValCurves(runs: readonly { config: string; events: readonly RunEvent[] }[], configOrder: readonly string[]): ConfigCurve[] {
  return configOrder.map((config) => {
    const series = runs.filter((r) => r.config === config).map((r) => valSeries(r.events));
    const maxStep = Math.max(-1, ...series.flatMap((s) => [...s.keys()]));
    const steps: number[] = [];
    const meanVal: (number | null)[] = [];
    const n: number[] = [];
    for (let step = 0; step <= maxStep; step++) {
      const xs = series.map((s) => s.get(step)).filter((v): v is number => v !== undefined);
      steps.push(step);
      n.push(xs.length);
      meanVal.push(xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    }
    return { config, steps, meanVal, n };
  });
}
