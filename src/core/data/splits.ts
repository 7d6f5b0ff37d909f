import { derive } from '../run/rng';
import type { DatasetSplits, Example } from './example';
import { DatasetError } from './datasetError';

export interface SplitSizes {
  train: number;
  val: number;
  /** Undefined: all the examples left after train and val. */
  test?: number;
}

/**
 * Sizes for a user dataset when none are given: a third each up to 50 train and 50
 * validation examples (the paper's BBH sizes), the rest for test.
 */
export function defaultSplitSizes(total: number): SplitSizes {
  const third = Math.floor(total / 3);
  return { train: Math.min(50, third), val: Math.min(50, third) };
}

/**
 * Shuffles with the run's `split` random stream and cuts train, val, test in that order.
 * The same seed always gives the same split. Sizes larger than the data are an error,
 * not a silent truncation: the user asked for something the data cannot give.
 */
export function splitExamples(examples: readonly Example[], sizes: SplitSizes, seed: number, where: { file?: string; purpose?: string } = {}): DatasetSplits {
  const n = examples.length;
  if (n === 0) throw new DatasetError('the dataset is empty (no rows)', { file: where.file });
  if (sizes.train < 1) {
    throw new DatasetError(`${n} example${n === 1 ? '' : 's'} is too few for a training split; use at least 3 rows or set --train-size`, { file: where.file });
  }
  const test = sizes.test ?? n - sizes.train - sizes.val;
  const wanted = sizes.train + sizes.val + test;
  if (test < 0 || wanted > n) {
    throw new DatasetError(
      `split sizes train ${sizes.train} + val ${sizes.val} + test ${sizes.test ?? 'rest'} need ${Math.max(wanted, sizes.train + sizes.val)} examples but the dataset has ${n}; lower the sizes`,
      { file: where.file },
    );
  }
  const shuffled = derive(seed, where.purpose ?? 'split').shuffle(examples);
  return {
    train: shuffled.slice(0, sizes.train),
    val: shuffled.slice(sizes.train, sizes.train + sizes.val),
    test: shuffled.slice(sizes.train + sizes.val, sizes.train + sizes.val + test),
  };
}

/**
 * A seeded sample of `count` examples (all when undefined), for benchmarks whose test set
 * comes from a separate file (GSM8K). Asking for more than there are is an error.
 */
export function sampleExamples(pool: readonly Example[], count: number | undefined, seed: number, where: { file?: string; purpose: string }): Example[] {
  if (pool.length === 0) throw new DatasetError('the dataset is empty (no rows)', { file: where.file });
  const n = count ?? pool.length;
  if (n > pool.length) throw new DatasetError(`test size ${n} is larger than the ${pool.length} examples available; lower it`, { file: where.file });
  return derive(seed, where.purpose).shuffle(pool).slice(0, n);
}
