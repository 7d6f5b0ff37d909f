import type { TechniqueOptions } from '../../config/runConfig';
import type { Rng } from '../../run/rng';
import { editTouches } from '../../prompt/sentenceDiff';
import type { Sentence, SentenceEdit } from '../../prompt/sentenceTypes';
import { FIXED_KINDS } from '../../prompt/sentenceTypes';

/**
 * TDO, textual dropout: each step ceil(n·p) of the prompt's n sentence units, drawn
 * with the seeded `dropout` stream, are frozen. The request lists them (as the
 * reference does); unlike the reference, any edit the model still makes to one of them
 * is reverted in code.
 */

export interface DropoutOptions {
  p: number;
  enforce: boolean;
}

export function dropoutOptions(t: TechniqueOptions, enforce: boolean): DropoutOptions {
  return { p: t.dropout, enforce };
}

/**
 * Indices (sorted) of the protected units, ceil(n·p) of the n editable ones (front
 * matter, comments and template lines are never editable, so freezing them would freeze
 * nothing); always draws from `rng` when p > 0 and n > 0.
 */
export function chooseProtected(sentences: readonly Sentence[], p: number, rng: Rng): number[] {
  const editable = sentences.flatMap((s, i) => (FIXED_KINDS.has(s.kind) ? [] : [i]));
  if (p <= 0 || editable.length === 0) return [];
  const k = Math.min(editable.length, Math.ceil(editable.length * p));
  return rng.sample(editable, k).sort((a, b) => a - b);
}

/** The body of the DROPOUT block: one protected unit per line. */
export function dropoutInstruction(): string {
  return 'The sentences in the DROPOUT block are frozen for this step (dropout): they are part of the current prompt and must appear in your version exactly as they are.';
}

export function dropoutList(sentences: readonly Sentence[], protectedIdx: readonly number[]): string {
  return protectedIdx.map((i) => sentences[i].text).join('\n');
}

/** Splits a proposal's edits into those allowed and those that change a protected unit. */
export function partitionByProtection(
  edits: readonly SentenceEdit[],
  protectedIdx: readonly number[],
): { allowed: SentenceEdit[]; reverted: SentenceEdit[] } {
  const frozen = new Set(protectedIdx);
  const allowed: SentenceEdit[] = [];
  const reverted: SentenceEdit[] = [];
  for (const edit of edits) (editTouches(edit).some((i) => frozen.has(i)) ? reverted : allowed).push(edit);
  return { allowed, reverted };
}

export function describeProtected(protectedIdx: readonly number[]): string {
  return `TDO protected sentences ${protectedIdx.map((i) => i + 1).join(', ')}`;
}
