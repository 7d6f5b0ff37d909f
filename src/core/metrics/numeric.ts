import type { Metric } from './metric';
import { brief, textAfterLastAnswer } from './answerText';
import { defineMetric, NUMERIC_FORMAT_INSTRUCTION } from './defineMetric';
import { asciiDigits, exactEquals, findNumbers, formatExact, makeExact, parseGoldNumber, withinTolerance, type ExactNumber, type FoundNumber } from './numberParsing';

/**
 * The continental reading of the first number-like token (`1.600` = 1600, `2,5` = 2.5),
 * which replies in MGSM's languages use. It is only ever an alternative: a reply counts
 * if either reading equals the gold, so `1.600` passes for both 1.6 and 1600.
 */
export function continentalReading(text: string): ExactNumber | undefined {
  const m = /(?<![\w.,])([-+]?)[$€£¥₹]?\s?(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+)(?![\d.,])/.exec(asciiDigits(text));
  if (!m) return undefined;
  const [intPart, fracPart = ''] = m[2].replace(/\./g, '').split(',');
  if (m[2].includes(',') && !m[2].includes('.') && /,\d{3}$/.test(m[2])) return undefined; // `1,600` is English grouping
  const value = makeExact(BigInt(intPart + fracPart), 10n ** BigInt(fracPart.length));
  return m[1] === '-' ? makeExact(-value.num, value.den) : value;
}

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
      const continental = after !== undefined ? continentalReading(after.slice(0, 200)) : undefined;
      const ok =
        withinTolerance(found.value, gold, tolerance) ||
        (found.percent && exactEquals(makeExact(found.value.num, found.value.den * 100n), gold)) ||
        (continental !== undefined && withinTolerance(continental, gold, tolerance));
      return ok
        ? { score: 1, reason: `correct: ${found.text}`, extracted: found.text }
        : { score: 0, reason: `expected ${formatExact(gold)}, got ${found.text}`, extracted: found.text };
    },
  });
}
