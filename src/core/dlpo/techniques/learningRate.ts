import type { MethodOptions, TechniqueOptions } from '../../config/runConfig';
import { applySentenceEdits, diffSentences, editPosition } from '../../prompt/sentenceDiff';
import type { SentenceEdit } from '../../prompt/sentenceTypes';

/**
 * TLR, textual learning rate: at most R sentence edits (add, delete or modify one
 * sentence each) per step. The request follows the reference's three regimes; unlike
 * the reference, the budget is also enforced in code: the proposal is diffed against
 * the current prompt at sentence level and, when over budget, cut back to the first R
 * edits in document order (or re-asked once first, with `tlrOverBudget: 'reask'`).
 * Document order is chosen over "most important" because nothing in the reply ranks
 * the edits, and a positional rule is predictable for the user reviewing the diff.
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

/** The reference's worked example for R ≤ 4 (its "learning rate is 4" case). */
const WORKED_EXAMPLE = `You need to update the original prompt on a sentence level, and the number of updates (adding a sentence, deleting a sentence, or modifying a sentence) is limited to a specific quantity, which we call the "learning rate".
Here is an example where the learning rate allows 4 updates:
Initial:
As a Math Calculator, please solve:

Required Steps:
1. Identify problem type
2. Show calculation steps

Output Format:
- Process:
- Final Result:
- Verification:

Modified version with exactly 4 changes:
As a reasoning Engine, please solve:  [modifying sentence]

Required Steps:
1. Identify problem type
2. Show calculation steps
3. Analyze complexity [adding sentence]
4. Assess stability [adding sentence]

Output Format:
- Process:
- Final Result:   [deleting sentence 'Verification:']
Conclusion: 1 (modify) + 2 (add) + 1 (delete) = 4.`;

const BOLD = `In order to break away from convention, discover more creative solutions, and explore limitless possibilities, boldly use your imagination based on the feedback and make transformative modifications to the prompt. Do not be confined by its existing form; experiment with entirely new combinations and ideas.`;

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
  const budgetLine = `Make at most ${r} sentence edits (each edit adds, deletes or modifies one sentence) and keep every other sentence unchanged.`;
  switch (learningRateRegime(r, contrastiveEntries)) {
    case 'sentence-budget':
      return `${WORKED_EXAMPLE}\n\nYour learning rate is ${r}. For this step, make ${r} update(s) to the sentences you think need changing and keep the rest of the prompt unchanged.`;
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
 * Cuts a proposal (`before` plus `edits`, a subset of one `diffSentences`) back to at
 * most `r` edits: the first r in document order. The result is re-diffed and, should
 * re-alignment of repeated sentences ever count more than r, cut further, so the
 * guarantee holds by construction.
 */
export function limitEdits(before: string, edits: readonly SentenceEdit[], r: number): BudgetResult {
  const ordered = edits
    .map((edit, i) => ({ edit, i }))
    .sort((p, q) => editPosition(p.edit) - editPosition(q.edit) || p.i - q.i)
    .map((x) => x.edit);
  let keep = Math.min(Math.max(r, 0), ordered.length);
  for (;;) {
    const kept = ordered.slice(0, keep);
    const text = applySentenceEdits(before, kept);
    if (keep === 0 || diffSentences(before, text).length <= r) {
      return { text, kept, dropped: ordered.slice(keep) };
    }
    keep--;
  }
}

export function describeCut(made: number, kept: number): string {
  return `TLR cut ${made} edits to ${kept}`;
}
