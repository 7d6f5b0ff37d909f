import type { RunConfig } from '../config/runConfig';
import type { Task } from '../data/task';
import type { BackwardContext } from '../dlpo/backward';
import type { ScorerContext, Split } from '../dlpo/promptScorer';
import type { PendingCandidate, ScoreMemoEntry, TrainerState } from '../dlpo/trainerState';
import type { RunEvent } from '../run/events';
import type { ReviewDecision } from '../run/runTypes';

/**
 * An optimization method, as the harness (`train` in dlpo/trainer.ts) runs it. The
 * harness owns what every method shares: the step loop and its stop conditions, the
 * start-of-run scores, the evaluation after each step, the best prompt, early stopping,
 * the divergence warning, checkpoints, review waits and the final test scores. A method
 * owns one step: it proposes a candidate, evaluates it as far as its decision needs,
 * asks for the decision (`MethodContext.review`) and remembers what it learnt. DLPO
 * (with its techniques as plug-ins) and TextGrad are the methods here
 * (`dlpo/dlpoMethod.ts`); a new method is one folder implementing this interface.
 */

export interface MethodContext {
  config: RunConfig;
  task: Task;
  signal: AbortSignal;
  emit: (event: RunEvent) => void;
  scorer: ScorerContext;
  backward: BackwardContext;
  /** A prompt's score on a whole split, memoised in the step's working state. */
  score: (split: Split, prompt: string) => Promise<ScoreMemoEntry | null>;
  /** Throws the harness's stop when the run was cancelled. */
  checkAbort: () => void;
  /**
   * The decision on a candidate: the reviewer's (after checkpointing the candidate as
   * pending, so a reload asks again) or, without a reviewer, TSA's advice or acceptance.
   * `saved` is the state when the run resumed at this very candidate.
   */
  review: (work: TrainerState, candidate: PendingCandidate, saved?: TrainerState) => Promise<ReviewDecision>;
  validateCandidate?: (candidate: string, current: string) => string | null;
}

export interface OptimizerMethod {
  /** Whether the harness scores the training split after every step too (and at step 0). */
  readonly trainScoresEachStep: boolean;
  /** Whether the start-of-run scoring needs the training split. */
  readonly startTrainScore: boolean;
  /** After the start prompt is scored (step 0 of a fresh run). */
  begin(work: TrainerState, start: { train: number | null }): void;
  /** One step on `work` (the step's working state); true when the prompt was replaced. */
  step(step: number, work: TrainerState): Promise<boolean>;
  /** A step that stopped while its candidate waited for review: only the decision is left. */
  resume(pending: PendingCandidate, work: TrainerState, saved: TrainerState): Promise<boolean>;
  /** After the harness has scored the prompt the next step starts from. */
  afterEvaluation(work: TrainerState, step: number, trainScore: number | null): void;
}

export type OptimizerMethodFactory = (ctx: MethodContext) => OptimizerMethod;
