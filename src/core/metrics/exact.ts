import type { Metric } from './metric';
import { answerPart, brief, cleanAnswer } from './answerText';
import { defineMetric } from './defineMetric';

export const TEXT_FORMAT_INSTRUCTION =
  "The last line of your response should be of the following format: 'Answer: $ANSWER' where ANSWER is your final answer.";

function foldCase(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * The answer part of the reply (after the last `Answer:`, else the whole reply) equals
 * the gold answer: `exact` compares the trimmed text, `exact-ci` also ignores case,
 * Unicode width and runs of whitespace.
 */
export function exactMetric(options: { caseInsensitive?: boolean } = {}): Metric {
  const ci = options.caseInsensitive ?? false;
  return defineMetric({
    name: ci ? 'exact-ci' : 'exact',
    description: ci ? 'The answer equals the gold text, ignoring case and spacing' : 'The answer equals the gold text exactly (trimmed)',
    formatInstruction: TEXT_FORMAT_INSTRUCTION,
    score(output, example) {
      const { text } = answerPart(output);
      const gold = cleanAnswer(example.gold);
      const equal = ci ? foldCase(text) === foldCase(gold) : text === gold;
      return equal
        ? { score: 1, reason: `correct: ${brief(text)}`, extracted: text }
        : { score: 0, reason: `expected "${brief(gold)}", got "${brief(text)}"`, extracted: text };
    },
  });
}
