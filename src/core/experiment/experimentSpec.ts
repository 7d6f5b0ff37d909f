import { z } from 'zod';
import { BudgetSchema, DataSpecSchema, MethodOptionsSchema, ModelSpecSchema, PresetNameSchema, TechniqueOptionsSchema } from '../config/runConfig';

/**
 * A `dlpo.experiment.yaml|json` file: one prompt, dataset and metric; a list of
 * configurations (optionally expanded by a parameter grid) × seeds; one budget for the
 * whole grid.
 */

/**
 * The same fields with every default removed: an override must say only what it sets,
 * or a configuration's defaults would silently overwrite the experiment's `base`.
 */
function overridesOf<T extends z.ZodRawShape>(schema: z.ZodObject<T>): z.ZodType<Partial<z.infer<z.ZodObject<T>>>> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([k, v]) => [k, (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : (v as z.ZodType)).optional()]),
  );
  return z.object(shape).strict() as unknown as z.ZodType<Partial<z.infer<z.ZodObject<T>>>>;
}

/** One configuration of the grid: a preset plus overrides, named for the table. */
export const ExperimentConfigSchema = z.object({
  name: z.string().min(1).regex(/^[\w.+\-= ]+$/, 'use letters, digits, spaces and . + - = _ only'),
  preset: PresetNameSchema.default('custom'),
  techniques: overridesOf(TechniqueOptionsSchema).default({}),
  method: overridesOf(MethodOptionsSchema).default({}),
  batchSize: z.number().int().min(1).optional(),
  epochs: z.number().int().min(1).optional(),
  steps: z.number().int().min(1).optional(),
  /** Early stopping: stop a run when validation has not improved for this many steps. */
  patience: z.number().int().min(1).optional(),
}).strict();
export type ExperimentConfig = z.infer<typeof ExperimentConfigSchema>;

/** Values to sweep: each key is a config field path (`techniques.lr`, `batchSize`, ...). */
export const GridSchema = z.record(z.string(), z.array(z.union([z.number(), z.boolean(), z.string()])).min(1));

export const ExperimentSpecSchema = z.object({
  name: z.string().min(1).default('experiment'),
  prompt: z.string().min(1),
  data: DataSpecSchema,
  metric: z.string().optional(),
  forward: ModelSpecSchema.optional(),
  backward: ModelSpecSchema.optional(),
  /** A seed count (seeds 1..N offset from 1001, the reference's seed) or an explicit list. */
  seeds: z.union([z.number().int().min(1).max(100), z.array(z.number().int()).min(1)]).default(3),
  /** Settings shared by every configuration. */
  base: ExperimentConfigSchema.omit({ name: true }).partial().default({}),
  configs: z.array(ExperimentConfigSchema).min(1),
  /** Optional sweep applied to every configuration (cartesian product). */
  grid: GridSchema.optional(),
  /** Name of the configuration the others are compared with; default the first. */
  baseline: z.string().optional(),
  /** One budget for the whole grid. */
  budget: BudgetSchema.default({}),
  maxConcurrency: z.number().int().min(1).max(256).default(8),
  /** How many runs execute at once (each still obeys the shared concurrency limit). */
  parallelRuns: z.number().int().min(1).max(64).default(4),
}).strict(); // A misspelt key must be an error, not a setting silently ignored.
export type ExperimentSpec = z.infer<typeof ExperimentSpecSchema>;
export type ExperimentSpecInput = z.input<typeof ExperimentSpecSchema>;

export function seedList(seeds: ExperimentSpec['seeds']): number[] {
  return Array.isArray(seeds) ? [...seeds] : Array.from({ length: seeds }, (_, i) => 1001 + i);
}
