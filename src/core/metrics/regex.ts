import type { Metric } from './metric';
import { brief } from './answerText';
import { defineMetric } from './defineMetric';
import { MetricConfigError } from './errors';

/** Replies longer than this are cut before matching, so a pathological pattern stays bounded. */
const MAX_MATCHED_CHARS = 100_000;

function compile(pattern: string, flags: string | undefined, where: string): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (e) {
    throw new MetricConfigError(`${where}: invalid regular expression /${pattern}/: ${(e as Error).message}`);
  }
}

/**
 * The reply matches a regular expression: `options.pattern` for every example, or, when
 * absent, each example's gold text used as the pattern (promptfoo's `regex` assert).
 */
export function regexMetric(options: { pattern?: string; flags?: string } = {}): Metric {
  const fixed = options.pattern !== undefined ? compile(options.pattern, options.flags, 'regex metric') : undefined;
  return defineMetric({
    name: 'regex',
    description: fixed ? `The output matches /${fixed.source}/${fixed.flags}` : "The output matches the example's gold pattern",
    formatInstruction: '',
    score(output, example) {
      let re = fixed;
      if (!re) {
        try {
          re = new RegExp(example.gold, options.flags);
        } catch (e) {
          return { score: 0, reason: `gold pattern /${brief(example.gold)}/ is invalid: ${brief((e as Error).message, 60)}` };
        }
      }
      const m = re.exec(output.slice(0, MAX_MATCHED_CHARS));
      return m
        ? { score: 1, reason: `matches /${brief(re.source, 30)}/`, extracted: m[0] }
        : { score: 0, reason: `does not match /${brief(re.source, 30)}/` };
    },
  });
}
