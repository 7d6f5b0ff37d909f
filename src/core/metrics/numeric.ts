import type { Metric } from './metric';
import { brief, textAfterLastAnswer } from './answerText';
import { defineMetric, NUMERIC_FORMAT_INSTRUCTION } from './defineMetric';
import { exactEquals, findNumbers, formatExact, makeExact, parseGoldNumber, withinTolerance, type FoundNumber } from './numberParsing';

export interface NumericMetricOptions {
  /**
   * Allowed difference for non-identical values: absolute below 1, relative above.
   * Default 1e-6, so rounding noise passes and 41 vs 42 never does; integers compare exactly
   * as fractions first, so huge BigGSM answers are exact.
   */
  tolerance?: number;
  /** Without an `Answer:` marker, use the reply's last number instead of scoring 0. Default false. */
  fallbackToLastNumber?: boolean;
}

/**
 * The strict numeric metric: the first number after the last `Answer:`. Signs, decimals,
 * thousands separators, currency, percent and fractions are understood; `50%` also
 * matches a gold `0.5`.
 */
export function numericMetric(options: NumericMetricOptions = {}): Metric {
  const tolerance = options.tolerance ?? 1e-6;
  return defineMetric({
    name: 'numeric',
    description: 'The number after the last "Answer:" equals the gold number (commas, $, %, fractions understood)',
    formatInstruction: NUMERIC_FORMAT_INSTRUCTION,
    score(output, example) {
      const gold = parseGoldNumber(example.gold);
      if (!gold) return { score: 0, reason: `gold answer "${brief(example.gold)}" is not a number` };
      const after = textAfterLastAnswer(output);
      let found: FoundNumber | undefined;
      if (after !== undefined) {
        found = findNumbers(after)[0];
        if (!found) return { score: 0, reason: `no number after "Answer:" (expected ${formatExact(gold)})` };
      } else if (options.fallbackToLastNumber) {
        found = findNumbers(output).at(-1);
        if (!found) return { score: 0, reason: `no number in the output (expected ${formatExact(gold)})` };
      } else {
        return { score: 0, reason: `no "Answer:" line (expected ${formatExact(gold)})` };
      }
      const ok =
        withinTolerance(found.value, gold, tolerance) ||
        (found.percent && exactEquals(makeExact(found.value.num, found.value.den * 100n), gold));
      return ok
        ? { score: 1, reason: `correct: ${found.text}`, extracted: found.text }
        : { score: 0, reason: `expected ${formatExact(gold)}, got ${found.text}`, extracted: found.text };
    },
  });
}
