import type { MethodOptions, TechniqueOptions } from '../../config/runConfig';
import { applySentenceEdits, diffSentences, editNewText, editOldText, editPosition } from '../../prompt/sentenceDiff';
import type { SentenceEdit } from '../../prompt/sentenceTypes';
import { contentWords } from '../../review/gradientRelevance';

/**
 * TLR, textual learning rate: at most R edits (add, delete, rewrite or move one unit
 * each; see `diffSentences`) per step. The request follows the reference's three
 * regimes; unlike the reference, the budget is also enforced in code: the proposal is
 * diffed against the current prompt and, when over budget, cut back to R edits (or
 * re-asked once first, with `tlrOverBudget: 'reask'`). The R kept are the ones the
 * gradient speaks about most (`rankEdits`): the feedback is what asked for the change,
 * so an edit that shares its words is the one it asked for; ties keep document order.
 */

export interface LearningRateOptions {
  /** Fixed R; 0 = off (TLRD may still set a budget). */
  lr: number;
  enforce: boolean;
  overBudget: MethodOptions['tlrOverBudget'];
}

export function learningRateOptions(t: TechniqueOptions, m: MethodOptions): LearningRateOptions {
  return { lr: t.lr, enforce: m.enforceInCode, overBudget: m.tlrOverBudget };
}

/**
 * The worked example for R ≤ 4, in our words and with our own example prompt: the
 * reference shows one example of a 4-edit revision in this regime, and so do we.
 */
const WORKED_EXAMPLE = `Edit the prompt sentence by sentence, and make only a limited number of edits; that number is your "learning rate". One edit adds a sentence, deletes a sentence or rewrites a sentence.
An example with 4 edits. Before:
You are a travel assistant.

Rules:
1. Ask for the travel dates
2. Suggest two options

Reply format:
- Summary:
- Options:
- Next steps:

After:
You are a careful travel assistant.   [rewritten]

Rules:
1. Ask for the travel dates and the budget   [rewritten]
2. Suggest two options
3. Say which option you recommend   [added]

Reply format:
- Summary:
- Options:   [deleted: "- Next steps:"]
Edits: 2 (rewritten) + 1 (added) + 1 (deleted) = 4.`;

const BOLD = `This step allows bold changes. Go beyond the prompt's current form: where the feedback points that way, restructure the prompt, try new combinations of instructions and strategies, and make transformative rather than incremental changes.`;

export type LearningRateRegime = 'sentence-budget' | 'unconstrained' | 'bold';

/** Which of the reference's regimes R falls in (bold needs ≥ 4 contrastive entries, as there). */
export function learningRateRegime(r: number, contrastiveEntries: number): LearningRateRegime {
  if (r <= 4) return 'sentence-budget';
  if (r > 10 && contrastiveEntries >= 4) return 'bold';
  return 'unconstrained';
}

/**
 * The instruction block for budget R, or null when the request says nothing. When the
 * budget is enforced in code, the regimes that say nothing in the reference get one
 * plain line stating the budget, so the model is not cut back by a rule it never saw.
 */
export function learningRateInstruction(r: number, contrastiveEntries: number, enforce: boolean): string | null {
  if (r <= 0) return null;
  const budgetLine = `Make at most ${r} edits (each edit adds, deletes, rewrites or moves one sentence, list item, heading or table) and keep every other sentence unchanged.`;
  switch (learningRateRegime(r, contrastiveEntries)) {
    case 'sentence-budget':
      return `${WORKED_EXAMPLE}\n\nYour learning rate is ${r}. In this step make ${r} edit(s) where the feedback calls for them, and leave every other sentence exactly as it is.`;
    case 'bold':
      return enforce ? `${BOLD}\n${budgetLine}` : BOLD;
    case 'unconstrained':
      return enforce ? budgetLine : null;
  }
}

/** The follow-up message of `tlrOverBudget: 'reask'`. */
export function overBudgetRequest(made: number, r: number): string {
  return `Your improved prompt makes ${made} sentence edits, but the learning rate allows at most ${r}. Keep only the ${r} most important edits, leave every other sentence exactly as in the current prompt, and send the result between the same tags.`;
}

export interface BudgetResult {
  text: string;
  kept: SentenceEdit[];
  dropped: SentenceEdit[];
}

/**
 * The edits in the order TLR keeps them: by how much of the gradient's vocabulary the
 * edit's old and new text share (distinct content words), most first; equal scores, and
 * every edit when there is no gradient, in document order.
 */
export function rankEdits(edits: readonly SentenceEdit[], gradient = ''): SentenceEdit[] {
  const vocabulary = new Set(contentWords(gradient));
  const score = (edit: SentenceEdit) => new Set(contentWords(`${editOldText(edit)} ${editNewText(edit)}`).filter((w) => vocabulary.has(w))).size;
  return edits
    .map((edit, i) => ({ edit, i, score: score(edit) }))
    .sort((p, q) => q.score - p.score || editPosition(p.edit) - editPosition(q.edit) || p.i - q.i)
    .map((x) => x.edit);
}

/**
 * Cuts a proposal (`before` plus `edits`, a subset of one `diffSentences`) back to at
 * most `r` edits, the first r of `rankEdits`. Any subset applies to a well-formed
 * document (`applySentenceEdits`); the result is re-diffed and, should re-alignment of
 * repeated units ever count more than r, cut further, so the guarantee holds by
 * construction.
 */
export function limitEdits(before: string, edits: readonly SentenceEdit[], r: number, gradient = ''): BudgetResult {
  const ranked = rankEdits(edits, gradient);
  let keep = Math.min(Math.max(r, 0), ranked.length);
  for (;;) {
    const kept = ranked.slice(0, keep).sort((p, q) => editPosition(p) - editPosition(q));
    const text = applySentenceEdits(before, kept);
    if (keep === 0 || diffSentences(before, text).length <= r) {
      return { text, kept, dropped: ranked.slice(keep) };
    }
    keep--;
  }
}

export function describeCut(made: number, kept: number): string {
  return `TLR cut ${made} edits to ${kept}`;
}
