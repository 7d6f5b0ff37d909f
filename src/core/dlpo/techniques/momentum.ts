import type { MethodOptions, TechniqueOptions } from '../../config/runConfig';

/**
 * TMnt, textual momentum: the update sees the last k accepted gradients, oldest first,
 * and is asked to look for trends (feedback that repeats means earlier edits were too
 * timid). The reference's `--momentum` flag is a no-op and its past-feedback block
 * (k = 3) is always shown; `pastFeedbackAlways` reproduces that.
 */

export interface MomentumOptions {
  k: number;
  weighting: TechniqueOptions['momentumWeighting'];
}

/** The reference's fixed window. */
export const REFERENCE_WINDOW = 3;

/** Null when momentum is off and the reference quirk is not requested. */
export function momentumOptions(t: TechniqueOptions, m: MethodOptions): MomentumOptions | null {
  if (t.momentum > 0) return { k: t.momentum, weighting: t.momentumWeighting };
  if (m.pastFeedbackAlways) return { k: REFERENCE_WINDOW, weighting: 'uniform' };
  return null;
}

/** How many gradients the memory keeps: enough for any window in use. */
export function momentumCapacity(t: TechniqueOptions): number {
  return Math.max(t.momentum, REFERENCE_WINDOW);
}

/** Appends an accepted gradient, keeping the newest `capacity`. */
export function rememberGradient(memory: readonly string[], gradient: string, capacity: number): string[] {
  return [...memory, gradient].slice(-Math.max(capacity, 1));
}

/** The k newest accepted gradients, oldest first. */
export function momentumWindow(memory: readonly string[], k: number): string[] {
  return k > 0 ? memory.slice(-k) : [];
}

export function momentumInstruction(): string {
  return 'The PAST_FEEDBACK block lists the feedback of earlier accepted steps, oldest first. Compare it with the current feedback: a point that comes back step after step was not fixed by the earlier edits, so change the prompt more decisively on that point this time.';
}

export function momentumList(window: readonly string[], weighting: MomentumOptions['weighting']): string {
  const n = window.length;
  return window
    .map((g, i) => {
      const age = n - 1 - i;
      const label = age === 0 ? 'most recent step' : `${age} accepted step${age === 1 ? '' : 's'} earlier`;
      const weight = weighting === 'recent' ? ` (weight ${i + 1}/${n}${age === 0 ? ': most important' : ''})` : '';
      return `--- Feedback ${i + 1} of ${n}, ${label}${weight} ---\n${g}`;
    })
    .join('\n\n');
}
