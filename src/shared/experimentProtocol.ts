import { z } from 'zod';

/**
 * The protocol between the experiment panel's host (extension) and its webview. Both
 * sides validate every message with these schemas: the host's results carry
 * configuration names from the user's files, and the webview is a browser page the host
 * does not trust either.
 *
 * - the webview says `ready`; the host answers with `results` (the whole table, runs and
 *   curves, as in results.json) and keeps pushing `results` after each run ends and
 *   `runProgress` per step while runs are under way;
 * - the webview asks to `openRun` (a click on a run), `export` (CSV / JSON / Markdown, the
 *   host shows a save dialog), `stop` or `resume`, and sends `log` lines for the host's log.
 */

const Num = z.number().finite();
const NullableNum = Num.nullable();

export const SummarySchema = z.object({ n: z.number().int().min(0), mean: NullableNum, std: NullableNum, min: NullableNum, max: NullableNum });
const PhaseSchema = z.object({ val: SummarySchema, test: SummarySchema });

export const TableRowSchema = z.object({
  config: z.string().max(500),
  runs: z.number().int().min(0),
  val: SummarySchema,
  test: SummarySchema,
  scores: z.object({ start: PhaseSchema, best: PhaseSchema, final: PhaseSchema }),
  stepsToBest: SummarySchema,
  calls: z.number().int().min(0),
  tokens: z.number().int().min(0),
  costUsd: z.number().min(0),
  finalPromptSentences: SummarySchema,
  stoppedBy: z.record(z.string(), z.number()),
  comparison: z
    .object({
      baseline: z.string(),
      testDiff: z.object({ mean: Num, low: Num, high: Num, level: Num, resamples: z.number().int() }).nullable(),
      perExample: z.object({ pairs: z.number().int(), better: z.number().int(), worse: z.number().int(), pValue: Num }).nullable(),
    })
    .optional(),
});

export const ExperimentRunStatusSchema = z.enum(['pending', 'running', 'finished', 'stopped', 'failed']);
export type ExperimentRunStatusView = z.infer<typeof ExperimentRunStatusSchema>;

export const RunSummarySchema = z.object({
  key: z.string().max(600),
  config: z.string().max(500),
  seed: z.number().int(),
  runDir: z.string().max(4096),
  status: ExperimentRunStatusSchema,
  stoppedBy: z.string().nullable(),
  step: z.number().int().min(0),
  totalSteps: z.number().int().min(0).nullable(),
  bestVal: NullableNum,
  bestTest: NullableNum,
});

export const CurveSchema = z.object({
  config: z.string().max(500),
  steps: z.array(z.number().int()),
  meanVal: z.array(NullableNum),
  n: z.array(z.number().int()),
});

export const ExperimentViewSchema = z.object({
  name: z.string(),
  title: z.string(),
  experimentDir: z.string().max(4096),
  simulator: z.boolean(),
  baseline: z.string(),
  configs: z.array(z.string()),
  seeds: z.array(z.number().int()),
  rows: z.array(TableRowSchema),
  runs: z.array(RunSummarySchema),
  curves: z.array(CurveSchema),
  updatedAt: z.string(),
});
export type ExperimentView = z.infer<typeof ExperimentViewSchema>;
export type TableRowView = z.infer<typeof TableRowSchema>;
export type RunSummaryView = z.infer<typeof RunSummarySchema>;

export const ExportFormatSchema = z.enum(['csv', 'json', 'markdown']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

export const ExperimentHostToWebviewSchema = z.discriminatedUnion('type', [
  /** The whole view; `running` while this window runs the experiment (Stop is offered). */
  z.object({ type: z.literal('results'), results: ExperimentViewSchema, running: z.boolean() }),
  /** One run's progress while it runs (per step). */
  z.object({
    type: z.literal('runProgress'),
    key: z.string().max(600),
    status: ExperimentRunStatusSchema,
    step: z.number().int().min(0),
    totalSteps: z.number().int().min(0).nullable(),
    bestVal: NullableNum,
  }),
]);
export type ExperimentHostToWebview = z.infer<typeof ExperimentHostToWebviewSchema>;

export const ExperimentWebviewToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('openRun'), key: z.string().min(1).max(600) }),
  z.object({ type: z.literal('export'), format: ExportFormatSchema }),
  z.object({ type: z.literal('stop') }),
  /** Continue a stopped experiment (finished runs are skipped). */
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn']), message: z.string().max(2000) }),
]);
export type ExperimentWebviewToHost = z.infer<typeof ExperimentWebviewToHostSchema>;

/** What the webview keeps with `setState`, so the serializer can reopen the experiment after a reload. */
export const ExperimentPanelStateSchema = z.object({ experimentDir: z.string().min(1).max(4096) });
export type ExperimentPanelState = z.infer<typeof ExperimentPanelStateSchema>;

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, data: unknown): Parsed<T> {
  const r = schema.safeParse(data);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ') };
}

export function parseExperimentHostMessage(data: unknown): Parsed<ExperimentHostToWebview> {
  return parseWith(ExperimentHostToWebviewSchema, data);
}

export function parseExperimentWebviewMessage(data: unknown): Parsed<ExperimentWebviewToHost> {
  return parseWith(ExperimentWebviewToHostSchema, data);
}
