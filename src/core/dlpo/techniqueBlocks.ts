import type { MethodOptions, TechniqueOptions } from '../config/runConfig';
import { segmentSentences } from '../prompt/sentences';
import type { RunEventOf } from '../run/events';
import { Rng } from '../run/rng';
import type { TechniqueBlocks } from './prompts';
import { contrastiveInstruction, contrastiveList, contrastiveOptions, contrastiveView } from './techniques/contrastive';
import { chooseProtected, describeProtected, dropoutInstruction, dropoutList } from './techniques/dropout';
import { learningRateInstruction, learningRateRegime } from './techniques/learningRate';
import { momentumInstruction, momentumList, momentumOptions, momentumWindow } from './techniques/momentum';
import { regularizationActive, regularizationInstruction, regularizationOptions } from './techniques/regularization';
import type { TrainerState } from './trainerState';

/**
 * Step 5: what the enabled techniques add to the update request, and the
 * `technique-applied` events that say so. Draws the TDO sentences from the seeded
 * `dropout` stream and writes its new state back into `work`.
 */

export interface TechniquePlan {
  blocks: TechniqueBlocks;
  /** TDO: protected sentence indices of the current prompt. */
  protectedIdx: number[];
  events: RunEventOf<'technique-applied'>[];
}

export function planTechniques(
  work: TrainerState,
  step: number,
  r: number | null,
  t: TechniqueOptions,
  m: MethodOptions,
): TechniquePlan {
  const blocks: TechniqueBlocks = {};
  const events: RunEventOf<'technique-applied'>[] = [];
  const applied = (technique: RunEventOf<'technique-applied'>['technique'], summary: string, details: Record<string, unknown>) =>
    events.push({ type: 'technique-applied', step, technique, summary, details });
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

  if (r !== null) {
    blocks.learningRate = learningRateInstruction(r, work.contrastive.length, m.enforceInCode);
    const details = { r, regime: learningRateRegime(r, work.contrastive.length), enforced: m.enforceInCode, acceptedSteps: work.acceptedSteps };
    if (t.lrDecay > 0) applied('tlrd', `TLRD learning rate ${r} after ${plural(work.acceptedSteps, 'accepted step')}`, details);
    else applied('tlr', `TLR learning rate ${r}`, details);
  }

  let protectedIdx: number[] = [];
  if (t.dropout > 0) {
    const sentences = segmentSentences(work.prompt);
    const rng = Rng.fromState(work.rng.dropout);
    protectedIdx = chooseProtected(sentences, t.dropout, rng);
    work.rng.dropout = rng.state();
    if (protectedIdx.length > 0) {
      blocks.dropout = { instruction: dropoutInstruction(), sentences: dropoutList(sentences, protectedIdx) };
      applied('tdo', describeProtected(protectedIdx), { sentences: protectedIdx.map((i) => i + 1), of: sentences.length, p: t.dropout });
    } else if (m.dropoutEmptyBlock) {
      // The reference appends its dropout block whenever p > 0, even with nothing drawn
      // (optimizer_v2/optimizer_prompts.py 292-297).
      blocks.dropout = { instruction: dropoutInstruction(), sentences: '' };
      applied('tdo', 'TDO protected no sentence (the block is sent anyway, as in the reference)', { sentences: [], of: sentences.length, p: t.dropout });
    }
  }

  const momentum = momentumOptions(t, m);
  if (momentum) {
    const window = momentumWindow(work.momentum, momentum.k);
    if (window.length > 0) {
      blocks.pastFeedback = { instruction: momentumInstruction(), list: momentumList(window, momentum.weighting) };
      applied('tmnt', `TMnt showed ${plural(window.length, 'past gradient')}${t.momentum > 0 ? '' : ' (reference: always on)'}`, {
        shown: window.length,
        k: momentum.k,
        weighting: momentum.weighting,
        alwaysOn: t.momentum === 0,
      });
    }
  }

  const contrastive = contrastiveOptions(t, m.contrastiveKeepDuplicates ?? false);
  if (contrastive) {
    const view = contrastiveView(work.contrastive, contrastive.gap);
    if (view) {
      blocks.contrastive = { instruction: contrastiveInstruction(view), list: contrastiveList(view) };
      applied(
        'tcl',
        view.worst
          ? `TCL contrasted best ${view.best.score.toFixed(2)} with worst ${view.worst.score.toFixed(2)}`
          : `TCL showed the best prompt (${view.best.score.toFixed(2)}); gap below ${contrastive.gap}`,
        { entries: work.contrastive.length, best: view.best.score, worst: view.worst?.score ?? null, gap: contrastive.gap },
      );
    }
  }

  if (regularizationActive(regularizationOptions(t, m), step, work.contrastive.length)) {
    blocks.regularize = regularizationInstruction();
    applied('tregu', 'TRegu asked to simplify and prune', { fromStep: t.regularizeFromStep, needsMemory: m.regularizeNeedsMemory });
  }
  return { blocks, protectedIdx, events };
}
