import type { Example } from '../data/example';
import type { Metric, MetricResult } from './metric';

/** Builds a `Metric` from a synchronous scorer; every metric except the judge is one. */
export function defineMetric(spec: {
  name: string;
  description: string;
  formatInstruction: string;
  score: (output: string, example: Example) => MetricResult;
}): Metric {
  return {
    name: spec.name,
    description: spec.description,
    formatInstruction: spec.formatInstruction,
    score: async (output, example) => spec.score(output, example),
  };
}

/** The reference's instruction for numeric answers (TextGrad's GSM8K/BBH task description). */
export const NUMERIC_FORMAT_INSTRUCTION =
  "The last line of your response should be of the following format: 'Answer: $VALUE' where VALUE is a numerical value.";
