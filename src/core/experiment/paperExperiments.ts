import type { ExperimentConfig, ExperimentSpec, ExperimentSpecInput } from './experimentSpec';
import { ExperimentSpecSchema } from './experimentSpec';

/**
 * The paper's experiment tables as ready-made configuration lists. They run against any
 * endpoint the user configures; with the offline simulator they run offline and every
 * table says so.
 */
export const PAPER_EXPERIMENTS = {
  'table-robustness': {
    title: 'Robustness: TextGrad vs TLR vs TDO vs TLR+TDO over seeds (the variance claim)',
    baseline: 'textgrad',
    configs: [
      { name: 'textgrad', preset: 'textgrad' },
      { name: 'tlr', preset: 'custom', techniques: { lr: 1 } },
      { name: 'tdo', preset: 'custom', techniques: { dropout: 0.5 } },
      { name: 'tlr+tdo', preset: 'robust' },
    ],
  },
  'table-batch': {
    title: 'Batch size: best practice with batches of 3, 5, 10 and 15',
    baseline: 'batch 5',
    configs: [3, 5, 10, 15].map((b) => ({ name: `batch ${b}`, preset: 'best', batchSize: b })),
  },
  ablation: {
    title: 'Ablation: each technique added to TextGrad, and best practice',
    baseline: 'textgrad',
    configs: [
      { name: 'textgrad', preset: 'textgrad' },
      { name: '+tlr', preset: 'custom', techniques: { lr: 1 } },
      { name: '+tlrd', preset: 'custom', techniques: { lrDecay: 5 } },
      { name: '+tdo', preset: 'custom', techniques: { dropout: 0.5 } },
      { name: '+tmnt', preset: 'custom', techniques: { momentum: 3 } },
      { name: '+tcl', preset: 'custom', techniques: { contrastive: true } },
      { name: '+tregu', preset: 'custom', techniques: { regularize: true } },
      { name: '+tsa', preset: 'custom', techniques: { tsa: true } },
      { name: 'best', preset: 'best' },
    ],
  },
} satisfies Record<string, { title: string; baseline: string; configs: Partial<ExperimentConfig>[] }>;

export type PaperExperimentName = keyof typeof PAPER_EXPERIMENTS;
export const PAPER_EXPERIMENT_NAMES = Object.keys(PAPER_EXPERIMENTS) as PaperExperimentName[];

export function isPaperExperiment(name: string): name is PaperExperimentName {
  return (PAPER_EXPERIMENT_NAMES as string[]).includes(name);
}

/**
 * What the reference code sets per dataset: the TSA temperature decay of its runs,
 * noted next to the decay in its optimizer (textgrad/optimizer_v2/optimizer.py 344-351):
 * BigGSM 1.75, MGSM 2, BBH 4, MMLU 16. Null for any other dataset (the flag's default,
 * 2, stands). Its other per-dataset choice, a bold-exploration threshold of 20 for
 * BigGSM, is commented out there in favour of the 10 it runs with, so it is not used.
 */
export function referenceDatasetSettings(source: string): { tsaDecay: number } | null {
  const name = source.trim().toLowerCase();
  if (name === 'biggsm') return { tsaDecay: 1.75 };
  if (name === 'mgsm') return { tsaDecay: 2 };
  if (name.startsWith('bbh/')) return { tsaDecay: 4 };
  if (name === 'mmlu' || name.startsWith('mmlu/')) return { tsaDecay: 16 };
  return null;
}

/**
 * A paper table as an experiment on the user's prompt and data. `base` carries what the
 * user sets for every configuration (sizes of the run, steps); a configuration's own
 * setting (the batch table's batch size) wins over it. On a benchmark the reference has
 * per-dataset settings for, they go into `base` unless the user set them there.
 */
export function paperExperimentSpec(
  name: PaperExperimentName,
  input: Omit<ExperimentSpecInput, 'configs' | 'name' | 'baseline'>,
): ExperimentSpec {
  const paper = PAPER_EXPERIMENTS[name];
  const dataset = referenceDatasetSettings(input.data.source);
  const base: NonNullable<ExperimentSpecInput['base']> = input.base ?? {};
  const techniques: Record<string, unknown> = { ...(base.techniques ?? {}) };
  const withDataset = dataset ? { ...base, techniques: { tsaDecay: dataset.tsaDecay, ...techniques } } : base;
  return ExperimentSpecSchema.parse({ ...input, base: withDataset, name, baseline: paper.baseline, configs: paper.configs });
}
