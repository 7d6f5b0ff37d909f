import type { Example } from '../../src/core/data/example';
import type { Task } from '../../src/core/data/task';
import type { Metric } from '../../src/core/metrics/metric';

/**
 * A tiny arithmetic task for trainer tests, independent of the real task and metric
 * code: "What is a + b?" with the sum as gold, and a strict numeric metric (the number
 * after the last "Answer:", else the last number in the output).
 */

export const ANSWER_FORMAT = 'End your reply with "Answer: <number>".';

export const arithmeticMetric: Metric = {
  name: 'test-numeric',
  description: 'number after the last Answer:, else the last number',
  formatInstruction: ANSWER_FORMAT,
  async score(output: string, example: Example) {
    const after = output.lastIndexOf('Answer:');
    const tail = after >= 0 ? output.slice(after) : output;
    const numbers = tail.match(/-?\d+(?:\.\d+)?/g);
    const got = numbers ? numbers[after >= 0 ? 0 : numbers.length - 1] : undefined;
    if (got === undefined) return { score: 0, reason: `expected ${example.gold}, found no number` };
    const ok = Number(got) === Number(example.gold);
    return { score: ok ? 1 : 0, reason: ok ? `expected ${example.gold}, got ${got}` : `expected ${example.gold}, got ${got}`, extracted: got };
  },
};

export function sumExample(split: string, i: number): Example {
  const a = (i * 7 + 3) % 50;
  const b = (i * 11 + 5) % 40;
  const input = `What is ${a} + ${b}?`;
  return { id: `${split}#${i}`, input, gold: String(a + b), vars: { question: input, answer: String(a + b) } };
}

export function arithmeticTask(sizes: { train: number; val: number; test: number }): Task {
  const make = (split: string, n: number, offset: number) => Array.from({ length: n }, (_, i) => sumExample(split, i + offset));
  return {
    id: 'test/arithmetic',
    description: 'Sums of two small integers',
    metric: arithmeticMetric,
    train: make('train', sizes.train, 0),
    val: make('val', sizes.val, 100),
    test: make('test', sizes.test, 200),
    forwardMessages(promptText, example, { includeFormatInstruction, formatSeparator }) {
      const rendered = promptText.includes('{{question}}') ? promptText.replaceAll('{{question}}', example.vars.question) : null;
      const user = rendered === null ? example.input : 'Answer now.';
      const content = includeFormatInstruction ? `${user}${formatSeparator === 'none' ? '' : '\n\n'}${ANSWER_FORMAT}` : user;
      return rendered === null
        ? [
            { role: 'system', content: promptText },
            { role: 'user', content },
          ]
        : [{ role: 'user', content: `${rendered}\n\n${content}` }];
    },
  };
}

/** Parses "What is a + b?" out of a forward request's text. */
export function parseSum(text: string): { a: number; b: number } | null {
  const m = /What is (\d+) \+ (\d+)\?/.exec(text);
  return m ? { a: Number(m[1]), b: Number(m[2]) } : null;
}
