import type { Metric } from './metric';
import { brief } from './answerText';
import { defineMetric } from './defineMetric';
import { TEXT_FORMAT_INSTRUCTION } from './exact';

/** The whole reply contains the gold text (promptfoo's `contains` / `icontains`). */
export function containsMetric(options: { caseInsensitive?: boolean } = {}): Metric {
  const ci = options.caseInsensitive ?? false;
  return defineMetric({
    name: ci ? 'icontains' : 'contains',
    description: ci ? 'The output contains the gold text, ignoring case' : 'The output contains the gold text',
    formatInstruction: TEXT_FORMAT_INSTRUCTION,
    score(output, example) {
      const gold = example.gold.trim();
      if (gold === '') return { score: 0, reason: 'gold answer is empty' };
      const found = ci ? output.toLowerCase().includes(gold.toLowerCase()) : output.includes(gold);
      return found ? { score: 1, reason: `contains "${brief(gold)}"` } : { score: 0, reason: `does not contain "${brief(gold)}"` };
    },
  });
}
