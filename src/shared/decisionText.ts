import type { TsaAdvice } from '../core/run/runTypes';

/**
 * How a step's candidate was decided, in words a reader of the panel (or a report) can
 * check against what happened: who decided, and whether the user changed the text
 * before accepting. Pure, shared by the panel and the editor hover.
 */

export type DecisionLabel = 'accepted' | 'edited and accepted' | 'rejected' | 'TSA accepted' | 'TSA rejected';

export interface DecisionFacts {
  /** The `review` event of the step, when there was one. */
  review: { by: 'tsa' | 'user' | 'auto' | 'trainer'; accepted: boolean; edited: boolean } | null;
  /** TSA's decision of the step, when TSA ran. */
  tsa: Pick<TsaAdvice, 'accepted'> | null;
}

/** The badge of a decided step, or null while undecided. */
export function decisionLabel(s: DecisionFacts): DecisionLabel | null {
  if (s.review) {
    if (s.review.by === 'tsa') return s.review.accepted ? 'TSA accepted' : 'TSA rejected';
    if (!s.review.accepted) return 'rejected';
    return s.review.edited ? 'edited and accepted' : 'accepted';
  }
  // No reviewer (a CLI run): TSA's decision is the step's decision.
  if (s.tsa) return s.tsa.accepted ? 'TSA accepted' : 'TSA rejected';
  return null;
}

function points(x: number): string {
  return Math.abs(x).toFixed(2);
}

function chance(p: number): string {
  const pct = p * 100;
  if (pct > 99.9 && pct < 100) return '99.9%';
  if (pct < 0.1 && pct > 0) return 'under 0.1%';
  return `${pct.toFixed(1).replace(/\.0$/, '')}%`;
}

/**
 * TSA's verdict in plain language, beside its numbers: better or worse than the last
 * accepted prompt on the training data, and when worse, the chance annealing gave it
 * and what the seeded draw did with that chance.
 */
export function tsaExplanation(tsa: TsaAdvice): string {
  const scores = `${(tsa.candidateScore * 100).toFixed(1)}% against ${(tsa.lastScore * 100).toFixed(1)}% for the last accepted prompt`;
  if (tsa.delta >= -1e-9) {
    const how = tsa.delta > 1e-9 ? `Better by ${points(tsa.delta)}` : 'As good';
    return `${how} on the training data (${scores}): TSA always accepts a candidate that is not worse.`;
  }
  const worse = `Worse by ${points(tsa.delta)} on the training data (${scores})`;
  if (tsa.probability <= 0 || tsa.draw === null) {
    return `${worse}: a bigger drop than TSA ever explores, so rejected.`;
  }
  const warmth =
    tsa.probability >= 0.5
      ? `At temperature ${formatT(tsa.temperature)}, still high enough that worse candidates are explored,`
      : `At temperature ${formatT(tsa.temperature)}, low enough that worse candidates are seldom explored,`;
  const verdict = tsa.accepted ? `the draw ${tsa.draw.toFixed(2)} fell within that chance: accepted` : `the draw ${tsa.draw.toFixed(2)} fell outside that chance: rejected`;
  return `${worse}. ${warmth} TSA takes it with probability ${chance(tsa.probability)}; ${verdict}.`;
}

function formatT(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toPrecision(3).replace(/\.?0+$/, '');
}
