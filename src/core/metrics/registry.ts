import type { ChatModel } from '../llm/chatModel';
import type { DatasetSplits, Example } from '../data/example';
import type { Metric } from './metric';
import { boxedMetric } from './boxed';
import { choiceMetric, goldLetter } from './choice';
import { containsMetric } from './contains';
import { MetricConfigError } from './errors';
import { exactMetric } from './exact';
import { jsonSchemaMetric } from './jsonSchema';
import { judgeMetric } from './judge';
import { lastBoxed } from './latexAnswer';
import { lenientMetric, type LenientVariant } from './lenient';
import { parseGoldNumber } from './numberParsing';
import { numericMetric } from './numeric';
import { regexMetric } from './regex';

export interface MetricOptions {
  /** `numeric`: allowed difference (absolute below 1, relative above). */
  tolerance?: number;
  /** `numeric`: without `Answer:`, use the last number in the reply. */
  fallbackToLastNumber?: boolean;
  /** `lenient`: which of the reference's two scorers. */
  variant?: LenientVariant;
  /** `regex`: the pattern for every example (else each gold is the pattern). */
  pattern?: string;
  flags?: string;
  /** `json-schema`: the JSON Schema object. */
  schema?: unknown;
  /** `judge`: the model that grades, and its rubric. */
  judgeModel?: ChatModel;
  rubric?: string;
}

export const METRIC_NAMES = ['numeric', 'lenient', 'boxed', 'choice', 'exact', 'exact-ci', 'contains', 'icontains', 'regex', 'json-schema', 'judge'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** One line per metric, for `--help` and the quick pick. */
export const METRIC_SUMMARIES: Record<MetricName, string> = {
  numeric: 'number after the last "Answer:" equals the gold number (strict; default for math sets)',
  lenient: "the reference code's lenient number check, for parity (`lenient:mgsm` for its MGSM/BigGSM variant)",
  boxed: 'last \\boxed{} equals the gold after LaTeX normalisation (MATH)',
  choice: 'option letter (A)..(R) after "Answer:" (BBH multiple choice)',
  exact: 'answer text equals the gold exactly',
  'exact-ci': 'answer text equals the gold ignoring case and spacing',
  contains: 'output contains the gold text',
  icontains: 'output contains the gold text, ignoring case',
  regex: 'output matches a pattern (`regex:PATTERN`, or each gold is the pattern)',
  'json-schema': 'output JSON validates against a schema (`json-schema:schema.json`)',
  judge: 'an LLM judge grades with a rubric (uses the backward model)',
};

export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

/** Builds a metric by registry name. Throws `MetricConfigError` for an unknown name or a missing option. */
export function createMetric(name: string, options: MetricOptions = {}): Metric {
  switch (name) {
    case 'numeric':
      return numericMetric({ tolerance: options.tolerance, fallbackToLastNumber: options.fallbackToLastNumber });
    case 'lenient':
      return lenientMetric({ variant: options.variant });
    case 'boxed':
      return boxedMetric();
    case 'choice':
      return choiceMetric();
    case 'exact':
      return exactMetric();
    case 'exact-ci':
      return exactMetric({ caseInsensitive: true });
    case 'contains':
      return containsMetric();
    case 'icontains':
      return containsMetric({ caseInsensitive: true });
    case 'regex':
      return regexMetric({ pattern: options.pattern, flags: options.flags });
    case 'json-schema':
      return jsonSchemaMetric({ schema: options.schema });
    case 'judge':
      return judgeMetric({ judgeModel: options.judgeModel, rubric: options.rubric });
    default:
      throw new MetricConfigError(`unknown metric "${name}"; choose one of: ${METRIC_NAMES.join(', ')}`);
  }
}

/**
 * The metric a dataset most likely wants, from its gold answers: all `\boxed{}` → `boxed`,
 * all option letters → `choice`, all numbers → `numeric`, otherwise `exact-ci`. Built-in
 * benchmarks name their metric in the benchmark registry instead.
 */
export function defaultMetricFor(task: { examples: readonly Example[] } | DatasetSplits): MetricName {
  const examples = 'examples' in task ? task.examples : [...task.train, ...task.val, ...task.test];
  const golds = examples.map((e) => e.gold.trim()).filter((g) => g !== '');
  if (golds.length === 0) return 'exact-ci';
  if (golds.every((g) => lastBoxed(g) !== undefined)) return 'boxed';
  if (golds.every((g) => goldLetter(g) !== undefined && /^\(?[A-R]\)?$/.test(g))) return 'choice';
  if (golds.every((g) => parseGoldNumber(g) !== undefined && (/####/.test(g) || /^[-+−$€£]?[\d,. /%]+$/.test(g)))) return 'numeric';
  return 'exact-ci';
}
