import { applySentenceEdits, diffSentences, expectedUnits } from '../prompt/sentenceDiff';
import { segmentSentences } from '../prompt/sentences';
import type { SentenceEdit } from '../prompt/sentenceTypes';
import { unitTextKey } from '../prompt/unitMatching';
import { userChanges } from './userChanges';

/** What a candidate was computed against and what it proposes. */
export interface CandidateText {
  before: string;
  after: string;
  edits: readonly SentenceEdit[];
}

export type ConflictReason =
  /** The user changed or deleted the sentence the edit changes. */
  | 'sentence-changed'
  /** The user wrote into, or changed the sentence before, the place the edit inserts at. */
  | 'insertion-point-changed'
  /** The edit does not describe `before` (should not happen; never patched over). */
  | 'edit-mismatch';

export interface RebaseConflict {
  edit: SentenceEdit;
  reason: ConflictReason;
}

/** A candidate edit carried over to the current text: same edit, indices of `current`. */
export interface CarriedEdit {
  original: SentenceEdit;
  rebased: SentenceEdit;
}

export type RebaseResult =
  /** The region is exactly what the candidate was computed from: apply `after` as is. */
  | { kind: 'unchanged'; text: string; carried: CarriedEdit[] }
  /** The user changed other sentences; every candidate edit still applies. */
  | { kind: 'rebased'; text: string; carried: CarriedEdit[] }
  /** Some edits collide with the user's changes. `partialText` applies only the others. */
  | { kind: 'conflict'; conflicts: RebaseConflict[]; carried: CarriedEdit[]; partialText: string };

/**
 * Carries a candidate's sentence edits over to text the user has edited since the
 * candidate was computed. An edit carries over when the sentence it changes is still
 * there word for word, or, for an added sentence, when its anchor sentence is unchanged
 * and the user wrote nothing into that gap. Anything else is a conflict for the user to
 * settle: the user's text is never overwritten by a guess.
 */
export function rebaseCandidate(candidate: CandidateText, current: string): RebaseResult {
  const beforeUnits = segmentSentences(candidate.before);
  const currentUnits = segmentSentences(current);
  const changes = userChanges(beforeUnits, currentUnits);
  const carried: CarriedEdit[] = [];
  const conflicts: RebaseConflict[] = [];

  const editsDescribeCandidate = describesCandidate(candidate);
  for (const edit of candidate.edits) {
    if (current === candidate.before) {
      carried.push({ original: edit, rebased: edit });
      continue;
    }
    if (!editsDescribeCandidate || !editFitsBefore(edit, beforeUnits.map((u) => u.text))) {
      conflicts.push({ edit, reason: 'edit-mismatch' });
      continue;
    }
    if (edit.op === 'add' || edit.op === 'move') {
      const anchor = edit.anchor;
      const anchorAt = anchor < 0 ? -1 : changes.currentIndexOf[anchor];
      if (changes.touchedGaps.has(anchor) || anchorAt === undefined || (anchor >= 0 && anchorAt < 0)) {
        conflicts.push({ edit, reason: 'insertion-point-changed' });
        continue;
      }
      if (edit.op === 'add') {
        carried.push({ original: edit, rebased: { ...edit, anchor: anchorAt } });
        continue;
      }
      // A moved run carries over only if the user left every unit of it as it was.
      const at = changes.currentIndexOf[edit.beforeIndex];
      const intact = at !== undefined && at >= 0 && Array.from({ length: edit.count }, (_, k) => changes.currentIndexOf[edit.beforeIndex + k]).every((c, k) => c === at + k);
      if (!intact) {
        conflicts.push({ edit, reason: 'sentence-changed' });
        continue;
      }
      carried.push({ original: edit, rebased: { ...edit, beforeIndex: at, anchor: anchorAt } });
      continue;
    }
    const at = changes.currentIndexOf[edit.beforeIndex];
    if (at === undefined || at < 0) {
      conflicts.push({ edit, reason: 'sentence-changed' });
      continue;
    }
    carried.push({ original: edit, rebased: { ...edit, beforeIndex: at } });
  }

  if (current === candidate.before) return { kind: 'unchanged', text: candidate.after, carried };
  const text = applySentenceEdits(
    current,
    carried.map((c) => c.rebased),
  );
  if (conflicts.length === 0) return { kind: 'rebased', text, carried };
  return { kind: 'conflict', conflicts, carried, partialText: text };
}

/** The candidate after a partial rebase: computed against `current`, ready to review again. */
export function rebasedCandidateText(current: string, text: string): CandidateText {
  return { before: current, after: text, edits: diffSentences(current, text) };
}

function editFitsBefore(edit: SentenceEdit, units: readonly string[]): boolean {
  if (edit.op === 'add') return edit.anchor >= -1 && edit.anchor < Math.max(units.length, 0);
  if (edit.op === 'move') return units.slice(edit.beforeIndex, edit.beforeIndex + edit.count).join('\n') === edit.text;
  const expected = edit.op === 'delete' ? edit.text : edit.before;
  return units[edit.beforeIndex] === expected;
}

/** Whether the edits turn `before` into `after`'s sentences (else they cannot be carried over). */
function describesCandidate(candidate: CandidateText): boolean {
  try {
    // Compared as units (list numbering set aside): applying renumbers lists.
    const want = segmentSentences(candidate.after).map((u) => unitTextKey(u.text));
    const got = expectedUnits(candidate.before, candidate.edits).map(unitTextKey);
    return want.length === got.length && want.every((t, i) => t === got[i]);
  } catch {
    return false;
  }
}
