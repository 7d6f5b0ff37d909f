import type { Metric } from './metric';
import { brief } from './answerText';
import { defineMetric } from './defineMetric';
import { lastBoxed, latexAnswersEqual } from './latexAnswer';

export const BOXED_FORMAT_INSTRUCTION = 'Put your final answer within \\boxed{}.';

/**
 * MATH: the last `\boxed{}` of the reply against the gold answer (itself the last
 * `\boxed{}` of a solution, or a bare answer), compared after LaTeX normalisation.
 */
export function boxedMetric(): Metric {
  return defineMetric({
    name: 'boxed',
    description: 'The last \\boxed{} answer equals the gold answer after LaTeX normalisation',
    formatInstruction: BOXED_FORMAT_INSTRUCTION,
    score(output, example) {
      const gold = lastBoxed(example.gold) ?? example.gold.trim();
      const got = lastBoxed(output);
      if (got === undefined) return { score: 0, reason: `no \\boxed{} answer (expected ${brief(gold)})` };
      return latexAnswersEqual(got, gold)
        ? { score: 1, reason: `correct: ${brief(got)}`, extracted: got }
        : { score: 0, reason: `expected ${brief(gold)}, got ${brief(got)}`, extracted: got };
    },
  });
}
