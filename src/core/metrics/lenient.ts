import type { Metric } from './metric';
import { brief } from './answerText';
import { defineMetric, NUMERIC_FORMAT_INSTRUCTION } from './defineMetric';

/**
 * The reference implementation's numeric scorers, reproduced for parity (sfasfaffa/DLPO,
 * `textgrad/tasks/big_bench_hard.py` and `mgsm.py`). They ignore signs and decimals and
 * accept the gold number in several places, so they over-count; the strict `numeric`
 * metric is our default.
 *
 * - `gsm8k` variant (GSM8K, BBH object_counting): correct if the gold equals the last
 *   digit run, or the first digit run, or the "integer answer" of the reply.
 * - `mgsm` variant (MGSM, BigGSM): correct if the integer answer matches, or any of the
 *   last four digit runs.
 *
 * The "integer answer" (`parse_integer_answer`): the last whitespace token containing a
 * digit, cut at its first `.`, with every non-digit removed; 0 if there is none.
 */
export type LenientVariant = 'gsm8k' | 'mgsm';

/** Python's `str.isdigit` on one character, restricted to what `int()` then accepts. */
function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

/** `parse_integer_answer`; its "0 after an exception" is kept. */
export function parseIntegerAnswer(text: string): bigint {
  const tokens = text.trim().split(/\s+/).filter((t) => [...t].some(isDigit));
  const last = tokens.at(-1);
  if (last === undefined) return 0n;
  const digits = [...last.split('.')[0]].filter(isDigit).join('');
  return digits === '' ? 0n : BigInt(digits);
}

function digitRuns(text: string): bigint[] {
  return (text.match(/[0-9]+/g) ?? []).map((r) => BigInt(r));
}

export function lenientCorrect(output: string, gold: string, variant: LenientVariant): boolean {
  const goldInt = parseIntegerAnswer(gold);
  const runs = digitRuns(output);
  if (variant === 'gsm8k') {
    if (runs.length === 0) return false;
    return runs[runs.length - 1] === goldInt || runs[0] === goldInt || parseIntegerAnswer(output) === goldInt;
  }
  if (parseIntegerAnswer(output) === goldInt) return true;
  return runs.slice(-4).some((r) => r === goldInt);
}

export function lenientMetric(options: { variant?: LenientVariant } = {}): Metric {
  const variant = options.variant ?? 'gsm8k';
  return defineMetric({
    name: 'lenient',
    description: `The reference code's lenient numeric check (${variant} variant): gold among the last/first digit runs`,
    formatInstruction: NUMERIC_FORMAT_INSTRUCTION,
    score(output, example) {
      const hash = example.gold.lastIndexOf('####');
      const goldText = hash >= 0 ? example.gold.slice(hash + 4) : example.gold;
      const gold = parseIntegerAnswer(goldText);
      return lenientCorrect(output, goldText, variant)
        ? { score: 1, reason: `gold ${gold} found (lenient)` }
        : { score: 0, reason: `gold ${gold} not found in "…${brief(output.slice(-60))}" (lenient)` };
    },
  });
}
