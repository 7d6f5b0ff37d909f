import type { MethodContext, OptimizerMethod } from '../optimizer/optimizerMethod';
import { Rng } from '../run/rng';
import type { TsaAdvice } from '../run/runTypes';
import { computeGradient } from './backward';
import { proposeCandidate } from './candidate';
import { forwardOne } from './promptScorer';
import { afterAccept, annealingDecision, annealingOptions, initialAnnealing } from './techniques/annealing';
import { contrastiveOptions, rememberPrompt } from './techniques/contrastive';
import { learningRateForStep } from './techniques/lrDecay';
import { momentumCapacity, rememberGradient } from './techniques/momentum';
import { planTechniques } from './techniqueBlocks';
import type { PendingCandidate, TrainerState } from './trainerState';

/**
 * DLPO's step (docs/method.md), and TextGrad's, which is the same step with no technique
 * switched on: a batch from the seeded shuffle of the training split; the forward model
 * over it and the metric as the loss; critiques and prompt feedback from the backward
 * model, aggregated into one gradient; the enabled techniques shaping the update request
 * (TLR, TLRD, TDO, TMnt, TCL, TRegu); the update, parsed and enforced in code; TSA's
 * advice and the decision; what accepting or rejecting teaches the memories.
 */
export function dlpoMethod(ctx: MethodContext): OptimizerMethod {
  const { config, task } = ctx;
  const t = config.techniques;
  const m = config.method;
  const tsaOpts = annealingOptions(t, m);
  const tclOpts = contrastiveOptions(t, m.contrastiveKeepDuplicates ?? false);
  const trainScoresEachStep = m.evalTrainEachStep || tclOpts !== null;

  /** The decision on one candidate and what it changes; true when accepted. */
  const decide = async (work: TrainerState, p: PendingCandidate, saved?: TrainerState): Promise<boolean> => {
    const decision = await ctx.review(work, p, saved);
    if (decision.accepted) {
      work.prompt = decision.prompt ?? p.after;
      work.acceptedSteps++;
      if (tsaOpts && work.tsa && p.candidateTrain !== null) {
        // A prompt the user edited before accepting is what the run continues from, so
        // the next candidate is compared with its score, not the unedited candidate's.
        const acceptedTrain = work.prompt === p.after ? p.candidateTrain : ((await ctx.score('train', work.prompt))?.score ?? p.candidateTrain);
        work.tsa = afterAccept(work.tsa, acceptedTrain, tsaOpts.decay);
      }
      work.momentum = rememberGradient(work.momentum, p.gradient, momentumCapacity(t));
      return true;
    }
    if (tclOpts && p.candidateTrain !== null) {
      work.contrastive = rememberPrompt(work.contrastive, { prompt: p.after, score: p.candidateTrain, step: p.step }, tclOpts.keepDuplicates);
    }
    return false;
  };

  return {
    trainScoresEachStep,
    startTrainScore: trainScoresEachStep || (tsaOpts !== null && tsaOpts.initialScore === 'start'),

    begin(work, start) {
      if (tsaOpts) work.tsa = initialAnnealing(tsaOpts, start.train ?? 0);
    },

    resume(pending, work, saved) {
      return decide(work, pending, saved);
    },

    async step(step, work) {
      const { emit } = ctx;
      const batchRng = Rng.fromState(work.rng.batch);
      if (work.cursor >= work.order.length) {
        work.epoch++;
        work.order = batchRng.shuffle(task.train.map((_, i) => i));
        work.cursor = 0;
      }
      const batchIdx = work.order.slice(work.cursor, work.cursor + config.batchSize);
      work.cursor += batchIdx.length;
      work.rng.batch = batchRng.state();
      const batch = batchIdx.map((i) => task.train[i]);
      const r = learningRateForStep(t, work.acceptedSteps, m.lrDecayFirstStep);
      emit({ type: 'step-start', step, epoch: work.epoch, batch: batch.map((e) => e.id), lr: r });

      // Forward and loss.
      const results = await Promise.all(batch.map((ex) => forwardOne(ctx.scorer, work.prompt, ex, m.formatInstructionInTraining, 'forward')));
      for (const res of results) {
        emit({ type: 'forward-result', step, exampleId: res.example.id, input: res.example.input, output: res.output, gold: res.example.gold, score: res.result.score, reason: res.result.reason });
      }
      const failures = results.filter((res) => res.result.score < 1);
      emit({ type: 'loss', step, batchScore: results.reduce((s, res) => s + res.result.score, 0) / results.length, failures: failures.length, n: results.length });
      ctx.checkAbort();

      const critiqued = m.critiqueFailuresOnly ? failures : results;
      if (critiqued.length === 0) {
        emit({ type: 'update-skipped', step, reason: 'every answer in the batch was correct: no gradient to follow' });
        return false;
      }
      const gradient = await computeGradient(ctx.backward, work.prompt, critiqued, m.gradientAggregation);
      emit({ type: 'gradient', step, text: gradient.text, critiques: gradient.critiques });
      ctx.checkAbort();

      const plan = planTechniques(work, step, r, t, m);
      for (const event of plan.events) emit(event);

      const proposal = await proposeCandidate(ctx.backward, {
        current: work.prompt,
        gradient: gradient.text,
        blocks: plan.blocks,
        protectedIdx: plan.protectedIdx,
        budget: m.enforceInCode ? r : null,
        method: m,
        ...(ctx.validateCandidate ? { validateCandidate: ctx.validateCandidate } : {}),
      });
      for (const note of proposal.notes) emit({ type: 'technique-applied', step, technique: note.technique, summary: note.summary, details: note.details });
      ctx.checkAbort();

      if (!proposal.ok) {
        emit({ type: 'update-skipped', step, reason: proposal.reason });
        return false;
      }
      const before = work.prompt;
      emit({ type: 'candidate', step, before, after: proposal.after, edits: proposal.edits, reverted: proposal.reverted });
      let tsa: TsaAdvice | null = null;
      let candidateTrain: number | null = null;
      if (tsaOpts && work.tsa) {
        const scored = await ctx.score('train', proposal.after);
        candidateTrain = scored?.score ?? 0;
        const tsaRng = Rng.fromState(work.rng.tsa);
        tsa = annealingDecision(work.tsa, candidateTrain, tsaOpts.maxDrop, () => tsaRng.next());
        work.rng.tsa = tsaRng.state();
        emit({ type: 'tsa-decision', step, ...tsa });
      }
      return decide(work, { step, before, after: proposal.after, edits: proposal.edits, gradient: gradient.text, tsa, candidateTrain });
    },

    afterEvaluation(work, step, trainScore) {
      if (tclOpts && trainScore !== null) {
        work.contrastive = rememberPrompt(work.contrastive, { prompt: work.prompt, score: trainScore, step }, tclOpts.keepDuplicates);
      }
    },
  };
}
