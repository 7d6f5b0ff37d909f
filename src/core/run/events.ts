import { z } from 'zod';

/**
 * Everything observable in a run is a RunEvent: emitted to subscribers (CLI progress,
 * the extension's panel and editor review) and appended to the journal
 * `.dlpo/runs/<run-id>/events.jsonl`, one JSON object per line. The schemas validate
 * journals on replay and messages on receipt in the webview. No event ever carries an
 * API key.
 */

const Step = z.number().int().min(0);
const Split = z.enum(['train', 'val', 'test']);

/** Who took a proposed edit back: TLR's budget, TDO's protection, or the document's structure (an edit to front matter, a comment or a template line). */
const RevertedBySchema = z.enum(['tlr', 'tdo', 'structure']);
export type RevertedBy = z.infer<typeof RevertedBySchema>;

const UnitKind = z.enum(['sentence', 'heading', 'list-item', 'table', 'code', 'quote', 'html', 'rule', 'front-matter', 'comment', 'template', 'wrapper']);

/** A sentence edit as journaled (also the shape a checkpointed pending candidate keeps). */
export const SentenceEditSchema = z.union([
  z.object({ op: z.literal('add'), afterIndex: z.number().int(), text: z.string(), anchor: z.number().int(), gap: z.string().optional(), kind: UnitKind.optional() }),
  z.object({ op: z.literal('delete'), beforeIndex: z.number().int(), text: z.string() }),
  z.object({
    op: z.literal('modify'),
    beforeIndex: z.number().int(),
    afterIndex: z.number().int(),
    before: z.string(),
    after: z.string(),
    kind: UnitKind.optional(),
  }),
  z.object({
    op: z.literal('move'),
    beforeIndex: z.number().int(),
    count: z.number().int().min(1),
    afterIndex: z.number().int(),
    anchor: z.number().int(),
    text: z.string(),
    gap: z.string().optional(),
  }),
]);

const UsageTotals = z.object({
  calls: z.number().int().min(0),
  cachedCalls: z.number().int().min(0),
  promptTokens: z.number().int().min(0),
  completionTokens: z.number().int().min(0),
  costUsd: z.number().min(0),
});
export type UsageTotals = z.infer<typeof UsageTotals>;

const ScorePair = z.object({ val: z.number().nullable(), test: z.number().nullable() });

export const RunEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run-start'),
    runId: z.string(),
    /** ISO time; journals replayed later show when the run happened. */
    time: z.string(),
    promptFile: z.string(),
    prompt: z.string(),
    preset: z.string(),
    techniques: z.array(z.string()),
    forwardModel: z.string(),
    backwardModel: z.string(),
    /** True when either model is the offline simulator: every figure must say so. */
    simulator: z.boolean(),
    seed: z.number().int(),
    totalSteps: z.number().int().min(0),
    sizes: z.object({ train: z.number().int(), val: z.number().int(), test: z.number().int() }),
    budget: z.object({
      maxCalls: z.number().optional(),
      maxTokens: z.number().optional(),
      maxCostUsd: z.number().optional(),
      maxTimeSec: z.number().optional(),
    }),
    resumedFromStep: z.number().int().optional(),
    /** A resume that changed where the models are reached: one line per field (`forward.baseUrl: a → b`). */
    changed: z.array(z.string()).optional(),
  }),
  z.object({ type: z.literal('step-start'), step: Step, epoch: z.number().int().min(0), batch: z.array(z.string()), lr: z.number().int().nullable() }),
  z.object({
    type: z.literal('forward-result'),
    step: Step,
    exampleId: z.string(),
    input: z.string(),
    output: z.string(),
    gold: z.string(),
    score: z.number(),
    reason: z.string(),
  }),
  z.object({ type: z.literal('loss'), step: Step, batchScore: z.number(), failures: z.number().int().min(0), n: z.number().int().min(0) }),
  /** Streamed tokens of the textual gradient being written. `part` tells which call. */
  z.object({ type: z.literal('gradient-delta'), step: Step, part: z.enum(['critique', 'summary', 'update']), text: z.string() }),
  z.object({ type: z.literal('gradient'), step: Step, text: z.string(), critiques: z.number().int().min(0) }),
  z.object({
    type: z.literal('technique-applied'),
    step: Step,
    technique: z.enum(['tlr', 'tlrd', 'tdo', 'tmnt', 'tcl', 'tregu', 'tsa']),
    /** One line for chips, e.g. `TDO protected sentences 2, 5`. */
    summary: z.string(),
    details: z.record(z.string(), z.unknown()).default({}),
  }),
  z.object({
    type: z.literal('candidate'),
    step: Step,
    before: z.string(),
    after: z.string(),
    edits: z.array(SentenceEditSchema),
    /** Edits the model proposed that code reverted (TLR cut, TDO protected). */
    reverted: z.array(z.object({ edit: SentenceEditSchema, by: RevertedBySchema })).default([]),
  }),
  z.object({ type: z.literal('update-skipped'), step: Step, reason: z.string() }),
  z.object({
    type: z.literal('tsa-decision'),
    step: Step,
    candidateScore: z.number(),
    lastScore: z.number(),
    delta: z.number(),
    temperature: z.number(),
    probability: z.number(),
    /** The seeded uniform draw; null when no draw was needed (improvement or outright reject). */
    draw: z.number().nullable(),
    accepted: z.boolean(),
  }),
  z.object({
    type: z.literal('review'),
    step: Step,
    /** Who made the final decision on the candidate. */
    by: z.enum(['tsa', 'user', 'auto', 'trainer']),
    accepted: z.boolean(),
    /** When the user edited the candidate (or the file) before accepting: the prompt the run continues from. */
    prompt: z.string().optional(),
  }),
  z.object({
    type: z.literal('eval'),
    step: Step,
    split: Split,
    score: z.number(),
    n: z.number().int().min(0),
    prompt: z.enum(['current', 'best', 'final', 'start']),
    /** Per-example scores (test split only), for the experiments' paired per-example test. */
    examples: z.array(z.object({ id: z.string(), score: z.number() })).optional(),
  }),
  z.object({ type: z.literal('prompt-length'), step: Step, sentences: z.number().int().min(0), tokens: z.number().int().min(0) }),
  z.object({
    type: z.literal('usage'),
    role: z.enum(['forward', 'backward', 'judge']),
    purpose: z.string(),
    model: z.string(),
    promptTokens: z.number().int().min(0),
    completionTokens: z.number().int().min(0),
    costUsd: z.number().min(0),
    cached: z.boolean(),
    /** True when the server sent no usage and the tokens were estimated locally. */
    estimated: z.boolean().optional(),
    /** The request failed (an LlmError kind); its tokens are what it may be billed, estimated. */
    failed: z.string().optional(),
    /** The `request` event of this call (absent for cache hits and in older journals). */
    request: z.number().int().min(0).optional(),
    totals: UsageTotals,
  }),
  /**
   * An HTTP request was sent (its `usage` follows when it ends). Journaled so that a
   * resume after a crash can count the requests that were in flight: they may be billed.
   */
  z.object({
    type: z.literal('request'),
    id: z.number().int().min(0),
    role: z.enum(['forward', 'backward', 'judge']),
    model: z.string(),
    promptTokens: z.number().int().min(0),
    /** The provider bills no tokens (VS Code LM, the simulator). */
    free: z.boolean().optional(),
  }),
  z.object({ type: z.literal('waiting'), reason: z.enum(['rate-limit', 'server-error', 'review']), seconds: z.number().min(0), message: z.string() }),
  z.object({ type: z.literal('checkpoint'), step: Step, path: z.string() }),
  z.object({
    type: z.literal('error'),
    message: z.string(),
    kind: z.string(),
    /** What the user can do about it. */
    action: z.string().optional(),
    fatal: z.boolean(),
  }),
  z.object({
    type: z.literal('done'),
    stoppedBy: z.enum(['completed', 'budget-calls', 'budget-tokens', 'budget-cost', 'budget-time', 'cancelled', 'error', 'early-stopping']),
    message: z.string(),
    steps: z.number().int().min(0),
    bestStep: z.number().int().min(0),
    bestPrompt: z.string(),
    finalPrompt: z.string(),
    scores: z.object({ start: ScorePair, best: ScorePair, final: ScorePair }),
    usage: UsageTotals,
  }),
]);

export type RunEvent = z.infer<typeof RunEventSchema>;
export type RunEventType = RunEvent['type'];
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;
export type StoppedBy = RunEventOf<'done'>['stoppedBy'];

/** Parses one journal line or webview message; returns null (never throws) on anything invalid. */
export function parseRunEvent(value: unknown): RunEvent | null {
  const r = RunEventSchema.safeParse(value);
  return r.success ? r.data : null;
}
