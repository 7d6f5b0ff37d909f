import { z } from 'zod';

/**
 * The run configuration: one zod schema shared by the CLI, the extension, the
 * workspace `dlpo.config.(json|yaml)` file and experiments. Defaults are the paper's.
 */

export const ProviderSchema = z.enum(['openai', 'azure', 'openai-compatible', 'vscode-lm', 'simulator']);
export type Provider = z.infer<typeof ProviderSchema>;

export const ModelSpecSchema = z.object({
  provider: ProviderSchema.default('simulator'),
  /** Model name (OpenAI, compatible endpoints), deployment name (Azure), or `vendor/family` (VS Code LM). */
  model: z.string().min(1).default('simulator'),
  baseUrl: z.string().url().optional(),
  /** Name of the environment variable holding the key; the key itself never enters a config. */
  apiKeyEnv: z.string().min(1).optional(),
  azureEndpoint: z.string().url().optional(),
  azureApiVersion: z.string().optional(),
  temperature: z.number().min(0).max(2).default(0),
  maxTokens: z.number().int().positive().optional(),
});
export type ModelSpec = z.infer<typeof ModelSpecSchema>;

/** The seven techniques. Each is off unless its field turns it on. */
export const TechniqueOptionsSchema = z.object({
  /** TLR: at most `lr` sentence edits per step; 0 = no constraint. */
  lr: z.number().int().min(0).default(0),
  /** TLRD: after each accepted step R = max(lrDecay - acceptedSteps, 1); 0 = off. */
  lrDecay: z.number().int().min(0).default(0),
  /** TDO: fraction of sentences protected from change each step; 0 = off. */
  dropout: z.number().min(0).max(1).default(0),
  /** TMnt: how many past accepted gradients the update sees; 0 = off. */
  momentum: z.number().int().min(0).default(0),
  /** TMnt: `uniform` shows all k alike; `recent` labels the newest as most important. */
  momentumWeighting: z.enum(['uniform', 'recent']).default('uniform'),
  /** TCL: contrastive memory of (prompt, train accuracy). */
  contrastive: z.boolean().default(false),
  /** TCL: best − worst gap above which both are shown (paper: 0.15). */
  contrastiveGap: z.number().min(0).max(1).default(0.15),
  /** TRegu: ask the update to simplify and prune. */
  regularize: z.boolean().default(false),
  /** TRegu: first step (1-based) at which regularisation applies. */
  regularizeFromStep: z.number().int().min(1).default(1),
  /** TSA: simulated-annealing acceptance on the full training set. */
  tsa: z.boolean().default(false),
  tsaTemperature: z.number().positive().default(64),
  tsaDecay: z.number().positive().default(2),
  /** TSA: a drop larger than this is rejected outright (reference: 0.3). */
  tsaMaxDrop: z.number().min(0).max(1).default(0.3),
});
export type TechniqueOptions = z.infer<typeof TechniqueOptionsSchema>;

/**
 * Where our default deliberately differs from the reference implementation. The
 * `reference` preset flips every one of these to the reference's behaviour.
 */
export const MethodOptionsSchema = z.object({
  /** `all`: aggregate all B critiques; `single`: the reference's one surviving critique. */
  gradientAggregation: z.enum(['all', 'single']).default('all'),
  /** Append the answer-format instruction during training too (reference: evaluation only). */
  formatInstructionInTraining: z.boolean().default(true),
  /** How the format instruction joins the question: after a blank line, or glued on (reference, at evaluation). */
  formatSeparator: z.enum(['blank-line', 'none']).default('blank-line'),
  /** Enforce TLR/TDO in code after the update (reference: only asks). */
  enforceInCode: z.boolean().default(true),
  /** TLR over budget: `truncate` keeps the first R edits, `reask` asks once more then truncates. */
  tlrOverBudget: z.enum(['truncate', 'reask']).default('truncate'),
  /** Show the past-feedback block even with momentum off (reference quirk). */
  pastFeedbackAlways: z.boolean().default(false),
  /** Initial `last` accuracy of TSA: the reference starts at 0 (first candidate always accepted). */
  tsaInitialScore: z.enum(['zero', 'start']).default('start'),
  /** Regularisation needs ≥16 contrastive entries in the reference. */
  regularizeNeedsMemory: z.boolean().default(false),
  /** Retry a reply without <IMPROVED_VARIABLE> tags once with a repair instruction. */
  repairUpdateReply: z.boolean().default(true),
  /** Re-score the full training set after each step (reference: yes; cached anyway). */
  evalTrainEachStep: z.boolean().default(true),
  /**
   * TCL: re-insert a prompt already in the contrastive memory (reference quirk: the kept
   * prompt is added again on every rejected step). Absent = false (one entry per prompt).
   */
  contrastiveKeepDuplicates: z.boolean().optional(),
  /**
   * Backward only on the batch's failures (score < 1) instead of on every example as
   * method.md and the reference do. Absent = false. Saves 2 calls per passing example.
   */
  critiqueFailuresOnly: z.boolean().optional(),
  /**
   * Where the update request puts the full current prompt. `prompt-first` (absent): once,
   * at the top. `prompt-last` (reference): a role line, a short excerpt of the prompt, the
   * feedback and the technique blocks, then the full prompt at the end.
   */
  updateLayout: z.enum(['prompt-first', 'prompt-last']).optional(),
  /**
   * Order of the technique blocks in the update request. `momentum-first` (absent): past
   * feedback, contrastive, dropout, regularisation, learning rate. `contrastive-first`
   * (reference): contrastive, past feedback, dropout, regularisation, learning rate.
   */
  blockOrder: z.enum(['momentum-first', 'contrastive-first']).optional(),
  /**
   * An update that returns the prompt unchanged (or changed only in whitespace) is a
   * candidate like any other: scored by TSA, accepted or rejected, and when accepted the
   * temperature, the learning-rate schedule and the momentum memory advance (reference).
   * Absent = false: the step is skipped with `update-skipped` and no state moves.
   */
  acceptUnchanged: z.boolean().optional(),
  /**
   * TLRD's budget before the first accepted update. `decayed` (absent): D from step 1.
   * `lr` (reference): the fixed `lr` (none when 0) until an update is accepted, then
   * max(D − accepted, 1).
   */
  lrDecayFirstStep: z.enum(['decayed', 'lr']).optional(),
  /** TDO: emit the dropout block even when it protects no sentence (reference). Absent = false. */
  dropoutEmptyBlock: z.boolean().optional(),
});
export type MethodOptions = z.infer<typeof MethodOptionsSchema>;

export const PresetNameSchema = z.enum(['best', 'robust', 'textgrad', 'reference', 'all', 'custom']);
export type PresetName = z.infer<typeof PresetNameSchema>;

export const BudgetSchema = z.object({
  maxCalls: z.number().int().positive().optional(),
  maxTokens: z.number().int().positive().optional(),
  maxCostUsd: z.number().positive().optional(),
  maxTimeSec: z.number().positive().optional(),
});
export type Budget = z.infer<typeof BudgetSchema>;

export const DataSpecSchema = z.object({
  /** A built-in benchmark name (`gsm8k`, `bbh/object_counting`, ...) or a dataset file path. */
  source: z.string().min(1),
  /** Field holding the input; inferred when absent (`question`, `input`, ...). */
  inputField: z.string().optional(),
  /** Field holding the gold answer; inferred when absent (`answer`, `target`, ...). */
  goldField: z.string().optional(),
  trainSize: z.number().int().min(1).optional(),
  valSize: z.number().int().min(0).optional(),
  testSize: z.number().int().min(0).optional(),
  /** Seed of the split shuffle; defaults to the run seed. */
  splitSeed: z.number().int().optional(),
});
export type DataSpec = z.infer<typeof DataSpecSchema>;

export const RunConfigSchema = z.object({
  promptFile: z.string().min(1),
  /** Optimize only this part of the body: a role section (`system`), UTF-16 offsets into the file, or one prompt (1-based) of a multi-prompt `.txt` file. */
  region: z
    .union([z.object({ section: z.string() }), z.object({ start: z.number().int().min(0), end: z.number().int().min(0) }), z.object({ prompt: z.number().int().min(1) })])
    .optional(),
  data: DataSpecSchema,
  /** Metric name; defaulted from the dataset when absent. */
  metric: z.string().optional(),
  forward: ModelSpecSchema.default({ provider: 'simulator', model: 'simulator', temperature: 0 }),
  backward: ModelSpecSchema.default({ provider: 'simulator', model: 'simulator', temperature: 0 }),
  preset: PresetNameSchema.default('best'),
  techniques: TechniqueOptionsSchema.default(TechniqueOptionsSchema.parse({})),
  method: MethodOptionsSchema.default(MethodOptionsSchema.parse({})),
  batchSize: z.number().int().min(1).default(5),
  epochs: z.number().int().min(1).default(1),
  /** Stop after this many steps (accepted or not); default ceil(train / batch) × epochs. */
  steps: z.number().int().min(1).optional(),
  seed: z.number().int().default(1001),
  maxConcurrency: z.number().int().min(1).max(256).default(8),
  requestTimeoutSec: z.number().positive().default(120),
  budget: BudgetSchema.default({}),
  cache: z.object({ enabled: z.boolean().default(true), dir: z.string().optional() }).default({ enabled: true }),
  /** Stop when validation has not improved for this many steps; absent = never. */
  patience: z.number().int().min(1).optional(),
  /** Prices in USD per million tokens, by model name; merged over the built-in table. */
  prices: z.record(z.string(), z.object({ input: z.number().min(0), output: z.number().min(0) })).default({}),
});
export type RunConfig = z.infer<typeof RunConfigSchema>;
export type RunConfigInput = z.input<typeof RunConfigSchema>;
