import type { MethodOptions, TechniqueOptions } from '../../config/runConfig';

/**
 * TLRD, textual learning-rate decay: explore first, then settle. After k accepted
 * updates R = max(D − k, 1), so D = 5 gives 5 (no constraint in the reference's
 * wording), 4, 3, 2, 1, 1, ... Only accepted steps count: a rejected candidate (TSA)
 * leaves the schedule where it was, as in the reference.
 */

export interface LrDecayOptions {
  /** D: the starting budget; 0 = off. */
  start: number;
}

export function lrDecayOptions(t: TechniqueOptions): LrDecayOptions {
  return { start: t.lrDecay };
}

export function decayedLearningRate(start: number, acceptedSteps: number): number {
  return Math.max(start - acceptedSteps, 1);
}

/**
 * The sentence budget R of the next step, or null when neither TLR nor TLRD is on.
 * TLRD takes precedence over a fixed `lr` once it applies. With `firstStep: 'decayed'`
 * (ours) it applies from step 1 (R = D). With `'lr'` (the reference: its optimizer starts
 * from `--lr` and only rewrites the rate after an accepted step, optimizer_v2/optimizer.py
 * 127, 353-358) the fixed `lr` holds until the first accept.
 */
export function learningRateForStep(
  t: TechniqueOptions,
  acceptedSteps: number,
  firstStep: MethodOptions['lrDecayFirstStep'] = 'decayed',
): number | null {
  const decayApplies = t.lrDecay > 0 && (firstStep !== 'lr' || acceptedSteps > 0);
  if (decayApplies) return decayedLearningRate(t.lrDecay, acceptedSteps);
  if (t.lr > 0) return t.lr;
  return null;
}
