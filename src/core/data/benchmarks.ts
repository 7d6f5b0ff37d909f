import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MetricName } from '../metrics/registry';
import { DatasetError } from './datasetError';
import type { SplitSizes } from './splits';

/**
 * The paper's benchmarks, shipped under `data/benchmarks/` (licenses and attribution in
 * `data/benchmarks/README.md`). Each entry says where its rows are, which fields are
 * input and gold, how the forward model sees an example, the metric, and the split
 * sizes the DLPO paper's reference code uses (method.md). The reference's Python
 * shuffles cannot be reproduced bit for bit; our splits use the run's seeded `split`
 * stream with the same sizes.
 */

export type BenchmarkReader = 'gsm8k-jsonl' | 'mgsm-tsv' | 'bbh-json' | 'math-jsonl' | 'math500-jsonl';

/** How the example becomes the user message: the reference prefixes math questions with `Question: `. */
export type ForwardFormat = 'question-prefix' | 'raw';

export interface BenchmarkSpec {
  /** Registry name: `gsm8k`, `bbh/object_counting`, ... */
  name: string;
  title: string;
  license: string;
  /** Folder under `data/benchmarks/`. */
  dir: string;
  reader: BenchmarkReader;
  /** Files train and val are drawn from. */
  files: string[];
  /** Files the test split is drawn from, when they differ (GSM8K: the official test file). */
  testFiles?: string[];
  metric: MetricName;
  /** The reference code's lenient scorer for this task, for `--metric lenient`. */
  lenientVariant?: 'gsm8k' | 'mgsm';
  forward: ForwardFormat;
  splits: SplitSizes;
  /** What differs from the paper's setup, in one line for the docs and `--help`. */
  note: string;
}

const MGSM_LANGUAGES = ['en', 'es', 'fr', 'de', 'ru', 'zh', 'ja', 'th', 'sw', 'bn', 'te'] as const;
export const BBH_TASKS = ['object_counting', 'multistep_arithmetic_two', 'date_understanding', 'navigate', 'word_sorting'] as const;

const BBH_METRIC: Record<(typeof BBH_TASKS)[number], MetricName> = {
  object_counting: 'numeric',
  multistep_arithmetic_two: 'numeric',
  date_understanding: 'choice',
  navigate: 'exact-ci',
  word_sorting: 'exact-ci',
};

export const BENCHMARKS: readonly BenchmarkSpec[] = [
  {
    name: 'gsm8k',
    title: 'GSM8K grade-school math',
    license: 'MIT (OpenAI)',
    dir: 'gsm8k',
    reader: 'gsm8k-jsonl',
    files: ['train.jsonl'],
    testFiles: ['test.jsonl'],
    metric: 'numeric',
    lenientVariant: 'gsm8k',
    forward: 'question-prefix',
    splits: { train: 50, val: 100, test: 400 },
    note: 'train/val from the first 1,000 rows of the official train file (shipped), test from the official test file',
  },
  {
    name: 'biggsm',
    title: 'BigGSM (large-number arithmetic)',
    license: 'MIT (as stated by the DLPO repository)',
    dir: 'biggsm',
    reader: 'gsm8k-jsonl',
    files: ['data.jsonl'],
    metric: 'numeric',
    lenientVariant: 'mgsm',
    forward: 'question-prefix',
    splits: { train: 190, val: 10, test: 410 },
    note: 'one seeded shuffle instead of the reference\'s two (seeds 1001, 1002); same sizes',
  },
  {
    name: 'mgsm',
    title: 'MGSM (11 languages mixed)',
    license: 'CC BY 4.0 (Google Research)',
    dir: 'mgsm',
    reader: 'mgsm-tsv',
    files: MGSM_LANGUAGES.map((l) => `mgsm_${l}.tsv`),
    metric: 'numeric',
    lenientVariant: 'mgsm',
    forward: 'question-prefix',
    splits: { train: 50, val: 100 },
    note: 'the 2,750 test problems only; the reference also mixes in the 88 few-shot exemplars',
  },
  ...BBH_TASKS.map(
    (task): BenchmarkSpec => ({
      name: `bbh/${task}`,
      title: `BIG-Bench Hard: ${task.replace(/_/g, ' ')}`,
      license: 'MIT (suzgunmirac)',
      dir: 'bbh',
      reader: 'bbh-json',
      files: [`${task}.json`],
      metric: BBH_METRIC[task],
      lenientVariant: 'gsm8k',
      forward: 'raw',
      splits: { train: 50, val: 50, test: 150 },
      note:
        task === 'object_counting'
          ? 'as in the paper'
          : `scored with the deterministic ${BBH_METRIC[task]} metric; the reference asks an LLM judge for BBH tasks other than object_counting`,
    }),
  ),
  {
    name: 'math',
    title: 'MATH competition mathematics',
    license: 'MIT (Dan Hendrycks)',
    dir: 'math',
    reader: 'math-jsonl',
    files: ['test.jsonl'],
    metric: 'boxed',
    forward: 'question-prefix',
    splits: { train: 100, val: 200, test: 300 },
    note: 'all three splits drawn from the 5,000-problem test split (the train split is not shipped); MATH500 problems included',
  },
  {
    name: 'math500',
    title: 'MATH500 (PRM800K subset of MATH test)',
    license: 'MIT (Dan Hendrycks; OpenAI PRM800K)',
    dir: 'math',
    reader: 'math500-jsonl',
    files: ['math500_test.jsonl'],
    metric: 'boxed',
    forward: 'question-prefix',
    splits: { train: 100, val: 100, test: 300 },
    note: 'not in the paper; our sizes 100/100/300',
  },
];

/** Names accepted by `--data`: every benchmark, plus `bbh` as shorthand for `bbh/object_counting` (the paper's BBH task). */
export const BENCHMARK_ALIASES: Record<string, string> = { bbh: 'bbh/object_counting', 'math-500': 'math500', big_gsm: 'biggsm', 'big-gsm': 'biggsm' };

export function findBenchmark(name: string): BenchmarkSpec | undefined {
  const key = name.trim().toLowerCase();
  const resolved = BENCHMARK_ALIASES[key] ?? key;
  return BENCHMARKS.find((b) => b.name === resolved);
}

export function benchmarkNames(): string[] {
  return BENCHMARKS.map((b) => b.name);
}

/**
 * The folder holding the shipped benchmarks: `DLPO_BENCHMARKS_DIR` if set, else the
 * nearest `data/benchmarks` above this module (works from `src/` under tsx and from the
 * bundled `dist/` inside the installed extension).
 */
export function benchmarksRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DLPO_BENCHMARKS_DIR) return env.DLPO_BENCHMARKS_DIR;
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'data', 'benchmarks');
    if (fs.existsSync(path.join(candidate, 'README.md'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new DatasetError('the built-in benchmark data (data/benchmarks) was not found next to the program; reinstall, or set DLPO_BENCHMARKS_DIR');
}
