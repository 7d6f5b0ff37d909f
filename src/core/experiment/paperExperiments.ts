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
 * A paper table as an experiment on the user's prompt and data. `base` carries what the
 * user sets for every configuration (sizes of the run, steps); a configuration's own
 * setting (the batch table's batch size) wins over it.
 */
export function paperExperimentSpec(
  name: PaperExperimentName,
  input: Omit<ExperimentSpecInput, 'configs' | 'name' | 'baseline'>,
): ExperimentSpec {
  const paper = PAPER_EXPERIMENTS[name];
  return ExperimentSpecSchema.parse({ ...input, name, baseline: paper.baseline, configs: paper.configs });
}
