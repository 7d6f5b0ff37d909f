import type { Metric } from './metric';
import { brief, textAfterLastAnswer } from './answerText';
import { defineMetric } from './defineMetric';

export const CHOICE_FORMAT_INSTRUCTION =
  "The last line of your response should be of the following format: 'Answer: (X)' where X is the letter of the correct option.";

/** The options listed in a BBH input: lines like `(A) 12/14/2026`. */
export function optionsInInput(input: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const m of input.matchAll(/^[ \t]*\(([A-R])\)[ \t]*(.+)$/gm)) options.set(m[1], m[2].trim());
  return options;
}

/** The option letter a gold answer names: `(B)`, `B`, `B)`. */
export function goldLetter(gold: string): string | undefined {
  const m = /^\s*\(?([A-Ra-r])\)?\s*\.?\s*$/.exec(gold);
  return m ? m[1].toUpperCase() : undefined;
}

/**
 * The letter a reply picks. After the last `Answer:`: a `(X)`, else a bare capital letter
 * at its start, else the text of one of the listed options. Without `Answer:`, the last
 * `(X)` anywhere in the reply.
 */
export function chosenLetter(output: string, input: string): string | undefined {
  const after = textAfterLastAnswer(output);
  if (after !== undefined) {
    const line = after.trim().split('\n')[0].replace(/[*_`]/g, '').trim();
    const paren = /\(([A-R])\)/.exec(line);
    if (paren) return paren[1];
    const bare = /^(?:option\s+)?([A-R])(?![\w'])/i.exec(line);
    if (bare && (bare[1] === bare[1].toUpperCase() || /^option/i.test(line))) return bare[1].toUpperCase();
    const text = line.replace(/[.。]$/, '').trim().toLowerCase();
    for (const [letter, optionText] of optionsInInput(input)) if (optionText.toLowerCase() === text) return letter;
    return undefined;
  }
  const all = [...output.matchAll(/\(([A-R])\)/g)];
  return all.at(-1)?.[1];
}

/** Multiple choice (A)..(R), as in BBH's multiple-choice tasks. */
export function choiceMetric(): Metric {
  return defineMetric({
    name: 'choice',
    description: 'The option letter (A)..(R) after "Answer:" equals the gold option',
    formatInstruction: CHOICE_FORMAT_INSTRUCTION,
    score(output, example) {
      const gold = goldLetter(example.gold);
      if (!gold) return { score: 0, reason: `gold answer "${brief(example.gold)}" is not an option letter` };
      const got = chosenLetter(output, example.input);
      if (!got) return { score: 0, reason: `no option letter in the answer (expected (${gold}))` };
      return got === gold
        ? { score: 1, reason: `correct: (${got})`, extracted: `(${got})` }
        : { score: 0, reason: `expected (${gold}), got (${got})`, extracted: `(${got})` };
    },
  });
}
