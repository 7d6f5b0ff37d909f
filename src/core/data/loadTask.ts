import * as path from 'node:path';
import type { DataSpec } from '../config/runConfig';
import type { ChatModel } from '../llm/chatModel';
import type { Metric } from '../metrics/metric';
import { MetricConfigError } from '../metrics/errors';
import { createMetric, defaultMetricFor, type MetricOptions } from '../metrics/registry';
import { findBenchmark, type BenchmarkSpec, type ForwardFormat } from './benchmarks';
import { DatasetError } from './datasetError';
import type { DatasetSplits, Example } from './example';
import { resolveFieldMapping, toExamples } from './fieldMapping';
import { readTextFile } from './inputFile';
import { loadBenchmarkExamples } from './loadBenchmark';
import { loadDatasetFile } from './loadDatasetFile';
import { buildForwardMessages } from './forwardMessages';
import { defaultSplitSizes, sampleExamples, splitExamples, type SplitSizes } from './splits';
import type { ForwardOptions, Task } from './task';
import { promptfooMetric, PROMPTFOO_METRIC_NAME } from '../promptfoo/promptfooMetric';
import { suiteExamples } from '../promptfoo/suiteExamples';
import type { LoadedDataset } from './datasetRows';

export interface LoadTaskOptions {
  /** Metric spec `name` or `name:argument` (`regex:^\d+$`, `json-schema:schema.json`, `lenient:mgsm`, `numeric:0.01`). */
  metric?: string;
  /** Split seed when the spec has no `splitSeed`. */
  seed: number;
  /** For the `judge` metric. */
  judgeModel?: ChatModel;
  /** Relative dataset and schema paths resolve against this. */
  cwd: string;
  /** Judge rubric (the promptfoo `llm-rubric` value is used when absent). */
  rubric?: string;
}

/**
 * Parses `name:argument` and builds the metric. The argument means: `numeric:<tolerance>`,
 * `lenient:<gsm8k|mgsm>`, `regex:<pattern>`, `json-schema:<schema file>`, `judge:<rubric>`.
 */
export async function metricFromSpec(spec: string, ctx: { cwd: string; judgeModel?: ChatModel; rubric?: string; defaults?: MetricOptions }): Promise<Metric> {
  const colon = spec.indexOf(':');
  const name = (colon >= 0 ? spec.slice(0, colon) : spec).trim();
  const arg = colon >= 0 ? spec.slice(colon + 1) : undefined;
  const options: MetricOptions = { ...ctx.defaults, judgeModel: ctx.judgeModel, rubric: ctx.rubric ?? ctx.defaults?.rubric };
  if (arg !== undefined && arg !== '') {
    switch (name) {
      case 'numeric': {
        const t = Number(arg);
        if (!Number.isFinite(t) || t < 0) throw new MetricConfigError(`numeric:${arg}: the tolerance must be a non-negative number`);
        options.tolerance = t;
        break;
      }
      case 'lenient':
        if (arg !== 'gsm8k' && arg !== 'mgsm') throw new MetricConfigError(`lenient:${arg}: the variant is gsm8k or mgsm`);
        options.variant = arg;
        break;
      case 'regex':
        options.pattern = arg;
        break;
      case 'judge':
        options.rubric = arg;
        break;
      case 'json-schema': {
        const file = path.resolve(ctx.cwd, arg);
        const text = await readTextFile(file, { what: 'JSON Schema file', maxBytes: 5 * 1024 * 1024 });
        try {
          options.schema = JSON.parse(text.replace(/^\uFEFF/, ''));
        } catch (e) {
          throw new MetricConfigError(`${file}: not valid JSON: ${(e as Error).message}`);
        }
        break;
      }
      default:
        throw new MetricConfigError(`the ${name} metric takes no argument (got "${spec}")`);
    }
  }
  return createMetric(name, options);
}

function sizesFrom(spec: DataSpec, fallback: SplitSizes): SplitSizes {
  return { train: spec.trainSize ?? fallback.train, val: spec.valSize ?? fallback.val, test: spec.testSize ?? fallback.test };
}

function makeTask(parts: {
  id: string;
  description: string;
  splits: DatasetSplits;
  metric: Metric;
  forward: ForwardFormat;
}): Task {
  const { metric, forward } = parts;
  return {
    id: parts.id,
    description: parts.description,
    metric,
    forwardFormat: forward,
    ...parts.splits,
    forwardMessages: (promptText: string, example: Example, options: ForwardOptions) =>
      buildForwardMessages(promptText, example, { ...options, format: forward, formatInstruction: metric.formatInstruction }),
  };
}

async function loadBenchmarkTask(bench: BenchmarkSpec, spec: DataSpec, options: LoadTaskOptions): Promise<Task> {
  const seed = spec.splitSeed ?? options.seed;
  const { pool, testPool } = await loadBenchmarkExamples(bench);
  const sizes = sizesFrom(spec, bench.splits);
  let splits: DatasetSplits;
  if (testPool) {
    const trainVal = splitExamples(pool, { train: sizes.train, val: sizes.val, test: 0 }, seed, { file: bench.name });
    const test = sampleExamples(testPool, sizes.test, seed, { file: `${bench.name} test file`, purpose: 'split:test' });
    splits = { train: trainVal.train, val: trainVal.val, test };
  } else {
    splits = splitExamples(pool, sizes, seed, { file: bench.name });
  }
  const metric = options.metric
    ? await metricFromSpec(options.metric, { cwd: options.cwd, judgeModel: options.judgeModel, rubric: options.rubric, defaults: { variant: bench.lenientVariant } })
    : createMetric(bench.metric, { variant: bench.lenientVariant });
  return makeTask({
    id: bench.name,
    description: `${bench.title} (${bench.license}); ${splits.train.length}/${splits.val.length}/${splits.test.length} train/val/test`,
    splits,
    metric,
    forward: bench.forward,
  });
}

/**
 * The `Task` for a run or an evaluation: a built-in benchmark by name (`gsm8k`,
 * `bbh/object_counting`, ...) or a dataset file (JSONL, JSON, CSV, TSV, promptfoo tests)
 * with field mapping, seeded splits and a metric (given, implied by the file, or inferred
 * from the gold answers). Errors are `DatasetError`, `InputFileError` or `MetricConfigError`.
 */
export async function loadTask(spec: DataSpec, options: LoadTaskOptions): Promise<Task> {
  const bench = findBenchmark(spec.source);
  if (bench) return loadBenchmarkTask(bench, spec, options);
  const file = path.resolve(options.cwd, spec.source);
  const data = await loadDatasetFile(file);
  if (data.rows.length === 0) throw new DatasetError('the dataset is empty (no rows)', { file });
  if (data.promptfoo && (options.metric === undefined || options.metric === PROMPTFOO_METRIC_NAME)) return loadPromptfooTask(data, spec, options);
  if (options.metric === PROMPTFOO_METRIC_NAME) throw new MetricConfigError(`the promptfoo metric scores a promptfoo suite's assertions; ${path.basename(file)} is not a promptfoo config or test file`);
  const mapping = resolveFieldMapping(data, { inputField: spec.inputField, goldField: spec.goldField });
  const metricName = options.metric ?? data.suggestedMetric?.name;
  const allowEmptyGold = (metricName ?? '').startsWith('judge') || (metricName ?? '').startsWith('json-schema') || (metricName ?? '').startsWith('regex:');
  const examples = toExamples(data, mapping, { source: path.basename(file), allowEmptyGold });
  const splits = splitExamples(examples, sizesFrom(spec, defaultSplitSizes(examples.length)), spec.splitSeed ?? options.seed, { file });
  const metric = await metricFromSpec(metricName ?? defaultMetricFor({ examples }), {
    cwd: options.cwd,
    judgeModel: options.judgeModel,
    rubric: options.rubric ?? data.suggestedMetric?.rubric,
  });
  return makeTask({
    id: spec.source,
    description: `${path.basename(file)} (${data.format}, input "${mapping.inputField}", gold "${mapping.goldField}"); ${splits.train.length}/${splits.val.length}/${splits.test.length} train/val/test`,
    splits,
    metric,
    forward: 'raw',
  });
}

/**
 * A promptfoo suite as a task: one example per test (after var expansion), scored by the
 * test's own assertions. `--gold-field` has no meaning here (the assertions are the
 * gold), so it is refused rather than ignored.
 */
function loadPromptfooTask(data: LoadedDataset, spec: DataSpec, options: LoadTaskOptions): Task {
  const suite = data.promptfoo!;
  if (spec.goldField !== undefined) throw new DatasetError('a promptfoo suite is scored by its assertions; --gold-field does not apply (use --metric to score it another way)', { file: data.file });
  const examples = suiteExamples(suite, { inputField: spec.inputField });
  const splits = splitExamples(examples, sizesFrom(spec, defaultSplitSizes(examples.length)), spec.splitSeed ?? options.seed, { file: data.file });
  const metric = promptfooMetric({ judgeModel: options.judgeModel, tests: suite.tests });
  return makeTask({
    id: spec.source,
    description: `${path.basename(data.file)} (promptfoo, ${examples.length} tests); ${splits.train.length}/${splits.val.length}/${splits.test.length} train/val/test`,
    splits,
    metric,
    forward: 'raw',
  });
}
