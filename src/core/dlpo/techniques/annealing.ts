import type { MethodOptions, TechniqueOptions } from '../../config/runConfig';
import type { TsaAdvice } from '../../run/runTypes';

/**
 * TSA, textual simulated annealing, exactly as the reference decides: with `last` the
 * training accuracy of the last accepted prompt and `acc` the candidate's, accept when
 * acc ≥ last; reject outright when last − acc > maxDrop; otherwise accept with
 * probability exp((acc − last) / T): a seeded uniform draw u is accepted when u ≤ p (the
 * reference rejects when `random() > p`). Accepting sets
 * last = acc and T = T / decay; rejecting changes neither.
 */

export interface AnnealingOptions {
  temperature: number;
  decay: number;
  maxDrop: number;
  initialScore: MethodOptions['tsaInitialScore'];
}

export interface AnnealingState {
  lastScore: number;
  temperature: number;
}

export function annealingOptions(t: TechniqueOptions, m: MethodOptions): AnnealingOptions | null {
  return t.tsa ? { temperature: t.tsaTemperature, decay: t.tsaDecay, maxDrop: t.tsaMaxDrop, initialScore: m.tsaInitialScore } : null;
}

/** The reference starts `last` at 0 (so the first candidate always passes); we start at the initial prompt's score. */
export function initialAnnealing(o: AnnealingOptions, startTrainScore: number): AnnealingState {
  return { lastScore: o.initialScore === 'zero' ? 0 : startTrainScore, temperature: o.temperature };
}

/** Floating-point slack so that e.g. 0.5 − 0.2 is not "more than 0.3". */
const EPS = 1e-9;

/** Decides a candidate; `draw` is called only when a draw is needed. */
export function annealingDecision(state: AnnealingState, candidateScore: number, maxDrop: number, draw: () => number): TsaAdvice {
  const delta = candidateScore - state.lastScore;
  const base = { candidateScore, lastScore: state.lastScore, delta, temperature: state.temperature };
  if (delta >= -EPS) return { ...base, probability: 1, draw: null, accepted: true };
  if (-delta > maxDrop + EPS) return { ...base, probability: 0, draw: null, accepted: false };
  const probability = Math.exp(delta / state.temperature);
  const u = draw();
  return { ...base, probability, draw: u, accepted: u <= probability };
}

/** The state after an accepted candidate with training accuracy `score`. */
export function afterAccept(state: AnnealingState, score: number, decay: number): AnnealingState {
  return { lastScore: score, temperature: state.temperature / decay };
}
