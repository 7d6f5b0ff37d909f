import type { RunConfig } from '../config/runConfig';
import type { Task } from '../data/task';
import type { ChatModel, ChatResponse } from '../llm/chatModel';
import { LlmError, isLlmError } from '../llm/errors';
import type { RunEvent, RunEventOf, StoppedBy } from '../run/events';
import { Rng } from '../run/rng';
import type { MethodContext, OptimizerMethodFactory } from '../optimizer/optimizerMethod';
import type { CandidateReviewer, ReviewDecision } from '../run/runTypes';
import type { BackwardContext } from './backward';
import { dlpoMethod } from './dlpoMethod';
import type { ScorerContext, Split } from './promptScorer';
import { memoLookup, scoreSplit } from './promptScorer';
import { annealingOptions } from './techniques/annealing';
import { promptLength } from './techniques/regularization';
import type { PendingCandidate, TrainerState } from './trainerState';
import { TrainerStateSchema, cloneState } from './trainerState';

/**
 * The optimization harness (docs/method.md): the step loop, with each step run by the
 * optimization method (`OptimizerMethod`; DLPO and TextGrad by default, see
 * dlpo/dlpoMethod.ts), then the evaluation on validation (and train) of the prompt the
 * next step starts from, the best prompt, early stopping and the divergence warning. At
 * the end the start, best and final prompts are scored on the test split.
 *
 * The trainer emits events but never `run-start`, `usage`, `checkpoint` or `waiting`
 * (the runner's); `done` is always the last event.
 */

export interface TrainerInput {
  runId: string;
  /** Techniques and method options already resolved from the preset (see config/presets.ts). */
  config: RunConfig;
  task: Task;
  /** The optimizable body text of the prompt document. */
  initialPrompt: string;
  /** A reason to reject a candidate outright (variables dropped/invented, empty, 100x longer), else null. */
  validateCandidate?: (candidate: string, current: string) => string | null;
  forward: ChatModel;
  backward: ChatModel;
  emit: (event: RunEvent) => void;
  signal: AbortSignal;
  reviewer?: CandidateReviewer;
  /** Resume from this state (read from checkpoint.json). */
  state?: TrainerState;
  /**
   * Called after every complete step with the state to checkpoint; awaited before the next
   * step. The trainer never changes that object afterwards; the callback must not change it either.
   */
  onStepComplete?: (state: TrainerState) => Promise<void>;
  /**
   * Called with the state to checkpoint just before the trainer waits for the reviewer
   * (its `pending` holds the candidate); awaited before the wait. A run stopped during the
   * wait ends with that state, so a resume asks for the same decision again.
   */
  onReviewPending?: (state: TrainerState) => Promise<void>;
  /** The optimization method; DLPO (TextGrad when no technique is on) by default. */
  method?: OptimizerMethodFactory;
}

export interface TrainOutcome {
  done: RunEventOf<'done'>;
  state: TrainerState;
}

/** How far train may gain on val (and lead it) before the divergence warning. */
const DIVERGENCE_GAP = 0.2;

/** Steps of a run: `config.steps`, else ceil(N_train / B) × epochs. */
export function totalSteps(config: RunConfig, trainSize: number): number {
  if (config.steps !== undefined) return config.steps;
  return Math.ceil(trainSize / Math.max(config.batchSize, 1)) * config.epochs;
}

/** The state before step 1 (no model call needed). */
export function initialTrainerState(config: RunConfig, task: Task, initialPrompt: string): TrainerState {
  const batch = Rng.derive(config.seed, 'batch');
  const order = batch.shuffle(task.train.map((_, i) => i));
  const tsa = annealingOptions(config.techniques, config.method);
  return {
    version: 1,
    step: 0,
    epoch: 0,
    order,
    cursor: 0,
    acceptedSteps: 0,
    startPrompt: initialPrompt,
    prompt: initialPrompt,
    tsa: tsa ? { lastScore: 0, temperature: tsa.temperature } : null,
    momentum: [],
    contrastive: [],
    rng: {
      batch: batch.state(),
      dropout: Rng.derive(config.seed, 'dropout').state(),
      tsa: Rng.derive(config.seed, 'tsa').state(),
    },
    best: { prompt: initialPrompt, score: null, step: 0 },
    startScores: { val: null, train: null },
    history: [{ step: 0, prompt: initialPrompt, val: null }],
    sinceImprovement: 0,
    divergenceWarned: false,
    scores: [],
    usage: { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0 },
  };
}

function stoppedByOf(e: unknown, signal: AbortSignal): StoppedBy | null {
  if (isLlmError(e, 'budget')) {
    const cap = e.details.cap ?? 'calls';
    return `budget-${cap}`;
  }
  if (signal.aborted || isLlmError(e, 'aborted')) return 'cancelled';
  return null;
}

function errorMessage(e: unknown): { message: string; kind: string; action?: string } {
  if (e instanceof LlmError) return { message: e.message, kind: e.kind, ...(e.details.action ? { action: e.details.action } : {}) };
  if (e instanceof Error) return { message: e.message, kind: e.name || 'error' };
  return { message: String(e), kind: 'error' };
}

class StopSignal extends Error {
  constructor(readonly stoppedBy: StoppedBy) {
    super(stoppedBy);
  }
}

export async function train(input: TrainerInput): Promise<TrainOutcome> {
  const { config, task, signal } = input;
  // Once the loop has stopped, calls still in flight from the interrupted step (a
  // Promise.all rejects at its first failure) must not add events after `done`.
  let live = true;
  const emit = (event: RunEvent) => {
    if (live) input.emit(event);
  };
  let state: TrainerState = input.state ? TrainerStateSchema.parse(cloneState(input.state)) : initialTrainerState(config, task, input.initialPrompt);
  const steps = totalSteps(config, task.train.length);

  // The working state of the step in progress; committed to `state` only when the step completes.
  let work: TrainerState = cloneState(state);
  const onResponse = (r: ChatResponse) => {
    work.usage.calls++;
    if (r.cached) work.usage.cachedCalls++;
    work.usage.promptTokens += r.usage.promptTokens;
    work.usage.completionTokens += r.usage.completionTokens;
  };
  const scorer: ScorerContext = {
    task,
    forward: input.forward,
    temperature: config.forward.temperature,
    ...(config.forward.maxTokens ? { maxTokens: config.forward.maxTokens } : {}),
    signal,
    formatSeparator: config.method.formatSeparator,
    onResponse,
  };
  let currentStep = state.step;
  const backwardCtx: BackwardContext = {
    backward: input.backward,
    temperature: config.backward.temperature,
    ...(config.backward.maxTokens ? { maxTokens: config.backward.maxTokens } : {}),
    signal,
    onResponse,
    onDelta: (part, text) => emit({ type: 'gradient-delta', step: currentStep, part, text }),
  };
  const score = (split: Split, prompt: string) => scoreSplit(scorer, work, split, prompt);
  /**
   * Validation and training scores of one prompt are independent, so they run together
   * (one round of calls, not two). The memo entries are then put back in a fixed order
   * (val, then train) so the checkpointed state does not depend on which finished first.
   */
  const scoreValAndTrain = async (prompt: string, withTrain: boolean) => {
    const memoBefore = work.scores.length;
    const [val, trainScore] = await Promise.all([score('val', prompt), withTrain ? score('train', prompt) : Promise.resolve(null)]);
    const added = work.scores.splice(memoBefore);
    work.scores.push(...added.filter((e) => e.split === 'val'), ...added.filter((e) => e.split !== 'val'));
    return { val, trainScore };
  };
  const checkAbort = () => {
    if (signal.aborted) throw new StopSignal('cancelled');
  };


  let stoppedBy: StoppedBy = 'completed';
  let stopMessage = '';
  /** The state saved before the current review wait; a stop during the wait ends the run with it. */
  let reviewState: TrainerState | undefined;

  /**
   * The decision on one candidate. With a reviewer, the state is checkpointed with the
   * candidate pending before the wait (`saved` is that state when the run resumed at this
   * very candidate), and a stop during the wait ends the run with that state.
   */
  const review = async (current: TrainerState, p: PendingCandidate, saved?: TrainerState): Promise<ReviewDecision> => {
    let decision: ReviewDecision;
    if (input.reviewer) {
      if (saved) {
        reviewState = saved;
      } else if (input.onReviewPending) {
        current.pending = p;
        reviewState = cloneState(current);
        delete current.pending;
        await input.onReviewPending(reviewState);
      }
      decision = await input.reviewer.review(
        { runId: input.runId, step: p.step, before: p.before, after: p.after, edits: p.edits, gradient: p.gradient, tsa: p.tsa },
        signal,
      );
    } else {
      decision = p.tsa ? { accepted: p.tsa.accepted, by: 'tsa' } : { accepted: true, by: 'auto' };
    }
    checkAbort();
    reviewState = undefined;
    emit({ type: 'review', step: p.step, by: decision.by, accepted: decision.accepted, ...(decision.prompt !== undefined ? { prompt: decision.prompt } : {}) });
    return decision;
  };
  const methodContext: MethodContext = {
    config,
    task,
    signal,
    emit,
    scorer,
    backward: backwardCtx,
    score,
    checkAbort,
    review,
    ...(input.validateCandidate ? { validateCandidate: input.validateCandidate } : {}),
  };
  const method = (input.method ?? dlpoMethod)(methodContext);

  try {
    if (task.train.length === 0) throw new Error('The training split is empty: the trainer needs at least one training example.');
    if (!input.state) {
      // Step 0: the initial prompt's scores (the best prompt may be the initial one).
      checkAbort();
      const { val, trainScore } = await scoreValAndTrain(work.prompt, method.startTrainScore);
      work.startScores = { val: val?.score ?? null, train: trainScore?.score ?? null };
      // Without a validation split the best prompt is chosen on train (documented in docs/method.md).
      work.best = { prompt: work.prompt, score: (val ?? trainScore)?.score ?? null, step: 0 };
      work.history[0].val = val?.score ?? null;
      method.begin(work, { train: trainScore?.score ?? null });
      if (val) emit({ type: 'eval', step: 0, split: 'val', score: val.score, n: val.n, prompt: 'current' });
      if (trainScore) emit({ type: 'eval', step: 0, split: 'train', score: trainScore.score, n: trainScore.n, prompt: 'current' });
      emit({ type: 'prompt-length', step: 0, ...promptLength(work.prompt) });
      state = work;
      work = cloneState(state);
    }

    // `work` is always a fresh copy of `state` here: made above, after step 0, and at the
    // end of every step, so the loop does not copy the (growing) state again.
    while (state.step < steps) {
      checkAbort();
      const step = state.step + 1;
      currentStep = step;
      // Resumed while this step's candidate waited for review: batch, gradient, techniques and
      // TSA's draw are already in the journal and the state; only the decision is missing.
      const resumedAt = work.pending?.step === step ? work.pending : undefined;
      let accepted: boolean;
      if (resumedAt) {
        const saved = cloneState(work);
        delete work.pending;
        accepted = await method.resume(resumedAt, work, saved);
      } else {
        accepted = await method.step(step, work);
      }

      // Evaluation of the prompt the next step starts from.
      const { val, trainScore } = await scoreValAndTrain(work.prompt, method.trainScoresEachStep);
      if (val) emit({ type: 'eval', step, split: 'val', score: val.score, n: val.n, prompt: 'current' });
      if (trainScore) emit({ type: 'eval', step, split: 'train', score: trainScore.score, n: trainScore.n, prompt: 'current' });
      method.afterEvaluation(work, step, trainScore?.score ?? null);
      emit({ type: 'prompt-length', step, ...promptLength(work.prompt) });
      if (accepted) work.history.push({ step, prompt: work.prompt, val: val?.score ?? null });

      const selection = val ?? trainScore;
      if (selection && (work.best.score === null || selection.score > work.best.score)) {
        work.best = { prompt: work.prompt, score: selection.score, step };
        work.sinceImprovement = 0;
      } else {
        work.sinceImprovement++;
      }
      if (
        !work.divergenceWarned &&
        val &&
        trainScore &&
        work.startScores.val !== null &&
        work.startScores.train !== null &&
        // Both: train gained more than val since the start, and train is now well above val.
        trainScore.score - work.startScores.train - (val.score - work.startScores.val) > DIVERGENCE_GAP &&
        trainScore.score - val.score > DIVERGENCE_GAP
      ) {
        work.divergenceWarned = true;
        emit({
          type: 'error',
          kind: 'divergence',
          fatal: false,
          message: `Training accuracy (${trainScore.score.toFixed(2)}) has pulled away from validation accuracy (${val.score.toFixed(2)}) by more than ${DIVERGENCE_GAP} since the start: the prompt may be overfitting the training split.`,
          action: 'Consider a smaller learning rate (TLR), dropout (TDO), a larger training split, or stopping early (patience).',
        });
      }
      work.step = step;
      state = work;
      work = cloneState(state);
      // `state` is never mutated from here on (the next step works on `work`, and `state` is
      // replaced, not changed, when it completes), so the callback can have it without a copy.
      if (input.onStepComplete) await input.onStepComplete(state);
      if (config.patience !== undefined && state.sinceImprovement >= config.patience) {
        stoppedBy = 'early-stopping';
        stopMessage = `Validation score did not improve for ${config.patience} step${config.patience === 1 ? '' : 's'}.`;
        break;
      }
    }
  } catch (e) {
    // Stopped while a candidate waited: end with the state saved before the wait, so the
    // final checkpoint keeps the candidate and a resume asks for the decision again.
    if (reviewState) state = reviewState;
    const by = e instanceof StopSignal ? e.stoppedBy : stoppedByOf(e, signal);
    if (by) {
      stoppedBy = by;
      stopMessage = by === 'cancelled' ? 'The run was cancelled.' : errorMessage(e).message;
    } else {
      stoppedBy = 'error';
      const err = errorMessage(e);
      stopMessage = err.message;
      emit({ type: 'error', message: err.message, kind: err.kind, ...(err.action ? { action: err.action } : {}), fatal: true });
    }
  }

  live = false;
  // The final scoring adds to the state; it works on a copy so that the states already
  // handed to onStepComplete are never changed after the fact (the runner keeps the last one).
  state = cloneState(state);
  const done = await finish(state, stoppedBy, stopMessage);
  input.emit(done);
  return { done, state };

  /** Test scores of start, best and final; only looked up (not computed) when the run could not continue. */
  async function finish(final: TrainerState, stopped: StoppedBy, stoppedMessage: string): Promise<RunEventOf<'done'>> {
    let by = stopped;
    let message = stoppedMessage;
    let canScore = by === 'completed' || by === 'early-stopping';
    const ctx: ScorerContext = {
      ...scorer,
      onResponse: (r) => {
        final.usage.calls++;
        if (r.cached) final.usage.cachedCalls++;
        final.usage.promptTokens += r.usage.promptTokens;
        final.usage.completionTokens += r.usage.completionTokens;
      },
    };
    const lookup = async (split: Split, prompt: string): Promise<number | null> => {
      if (canScore) {
        try {
          return (await scoreSplit(ctx, final, split, prompt))?.score ?? null;
        } catch (e) {
          const err = errorMessage(e);
          const stop = stoppedByOf(e, signal);
          if (stop) {
            // Budget or cancel during the final scoring: report it, keep what is known.
            by = stop;
            message = stop === 'cancelled' ? `Cancelled during the final scoring: ${err.message}` : `${err.message} (during the final scoring)`;
            canScore = false;
          } else {
            input.emit({ type: 'error', message: `Final ${split} scoring failed: ${err.message}`, kind: err.kind, fatal: false });
          }
          return memoLookup(final, split, prompt)?.score ?? null;
        }
      }
      return memoLookup(final, split, prompt)?.score ?? null;
    };
    const which = { start: final.startPrompt, best: final.best.prompt, final: final.prompt } as const;
    const scores = { start: { val: null, test: null }, best: { val: null, test: null }, final: { val: null, test: null } } as RunEventOf<'done'>['scores'];
    for (const key of ['start', 'best', 'final'] as const) {
      const val = await lookup('val', which[key]);
      const test = await lookup('test', which[key]);
      scores[key] = { val, test };
      const entry = memoLookup(final, 'test', which[key]);
      if (entry && (stopped === 'completed' || stopped === 'early-stopping')) {
        input.emit({ type: 'eval', step: final.step, split: 'test', score: entry.score, n: entry.n, prompt: key, ...(entry.examples ? { examples: entry.examples } : {}) });
      }
    }
    const summary =
      message ||
      `Completed ${final.step} step${final.step === 1 ? '' : 's'}; ${final.acceptedSteps} update${final.acceptedSteps === 1 ? '' : 's'} accepted.`;
    return {
      type: 'done',
      stoppedBy: by,
      message: summary,
      steps: final.step,
      bestStep: final.best.step,
      bestPrompt: final.best.prompt,
      finalPrompt: final.prompt,
      scores,
      usage: { ...final.usage, costUsd: 0 },
    };
  }
}
