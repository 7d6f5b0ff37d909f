import { z } from 'zod';
import { SentenceEditSchema } from '../run/events';
import { RngStateSchema } from '../run/rng';

/**
 * Everything the trainer needs to continue a run exactly where it stopped: written to
 * `checkpoint.json` after every complete step (plain JSON), read back on resume. With
 * the same model replies a resumed run emits the same events as an uninterrupted one.
 */

const Score = z.number().min(0).max(1);

export const ScoreMemoEntrySchema = z.object({
  split: z.enum(['train', 'val', 'test']),
  prompt: z.string(),
  score: Score,
  n: z.number().int().min(0),
  /** Per-example scores, kept for the test split (experiments pair them across runs). */
  examples: z.array(z.object({ id: z.string(), score: z.number() })).optional(),
});
export type ScoreMemoEntry = z.infer<typeof ScoreMemoEntrySchema>;

/**
 * A candidate that reached review and waits for a decision. The state checkpointed just
 * before the wait carries it (with `step` still the last completed step), so a run
 * interrupted while a candidate waits — a window reload — resumes at that candidate
 * instead of redoing the step's model calls.
 */
export const PendingCandidateSchema = z.object({
  step: z.number().int().min(1),
  before: z.string(),
  after: z.string(),
  edits: z.array(SentenceEditSchema),
  gradient: z.string(),
  tsa: z
    .object({
      candidateScore: z.number(),
      lastScore: z.number(),
      delta: z.number(),
      temperature: z.number(),
      probability: z.number(),
      draw: z.number().nullable(),
      accepted: z.boolean(),
    })
    .nullable(),
  /** The candidate's training score (TSA), reused when it is accepted unedited. */
  candidateTrain: z.number().nullable(),
});
export type PendingCandidate = z.infer<typeof PendingCandidateSchema>;

export const TrainerStateSchema = z.object({
  version: z.literal(1),
  /** Completed steps (the next step is `step + 1`). */
  step: z.number().int().min(0),
  /** Epoch of the batch order below (0-based). */
  epoch: z.number().int().min(0),
  /** Training-example indices of the current epoch, in batch order. */
  order: z.array(z.number().int().min(0)),
  /** Position of the next batch in `order`. */
  cursor: z.number().int().min(0),
  /** Updates accepted so far (drives TLRD and, with TSA, the temperature). */
  acceptedSteps: z.number().int().min(0),
  startPrompt: z.string(),
  /** The prompt the next step starts from. */
  prompt: z.string(),
  /** TSA: last accepted training accuracy and temperature; null when TSA is off. */
  tsa: z.object({ lastScore: Score, temperature: z.number().positive() }).nullable(),
  /** TMnt: accepted gradients, oldest first. */
  momentum: z.array(z.string()),
  /** TCL: (prompt, training accuracy), best first. */
  contrastive: z.array(z.object({ prompt: z.string(), score: Score, step: z.number().int().min(0) })),
  /** Per-purpose RNG streams. */
  rng: z.object({ batch: RngStateSchema, dropout: RngStateSchema, tsa: RngStateSchema }),
  /** Best prompt by validation score (the first with the highest; the initial prompt included). */
  best: z.object({ prompt: z.string(), score: Score.nullable(), step: z.number().int().min(0) }),
  startScores: z.object({ val: Score.nullable(), train: Score.nullable() }),
  /** Accepted versions, the initial prompt first. */
  history: z.array(z.object({ step: z.number().int().min(0), prompt: z.string(), val: Score.nullable() })),
  /** Steps since validation last improved (for `patience`). */
  sinceImprovement: z.number().int().min(0),
  /** Whether the train/val divergence warning was given already. */
  divergenceWarned: z.boolean(),
  /** Scores already computed, by (split, prompt text): an unchanged prompt is never scored twice. */
  scores: z.array(ScoreMemoEntrySchema),
  /** Set only in a state saved while a candidate waits for review (see PendingCandidateSchema). */
  pending: PendingCandidateSchema.optional(),
  /** Token usage of the calls made so far, as the trainer saw it (the runner's meter is authoritative). */
  usage: z.object({
    calls: z.number().int().min(0),
    cachedCalls: z.number().int().min(0),
    promptTokens: z.number().int().min(0),
    completionTokens: z.number().int().min(0),
  }),
});
export type TrainerState = z.infer<typeof TrainerStateSchema>;

/** A deep copy through JSON: what a checkpoint round trip does, so nothing is shared by accident. */
export function cloneState(state: TrainerState): TrainerState {
  return JSON.parse(JSON.stringify(state)) as TrainerState;
}
