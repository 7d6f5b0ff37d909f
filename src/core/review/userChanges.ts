import { diffArrays } from 'diff';
import type { Sentence } from '../prompt/sentenceTypes';

/**
 * How the user's text relates to the text a candidate was computed from, sentence by
 * sentence. A candidate edit can be carried over only where the user left things alone:
 * its sentence is still there unchanged, and nobody wrote into the gap it inserts into.
 */
export interface UserChanges {
  /** For each sentence of `before`: its index in `current`, or -1 when the user changed or deleted it. */
  readonly currentIndexOf: readonly number[];
  /** Gaps the user wrote into or rewrote around: gap g sits after before-sentence g (-1 = the start). */
  readonly touchedGaps: ReadonlySet<number>;
  /** Whether anything differs at the sentence level (whitespace-only edits do not count). */
  readonly changed: boolean;
}

export function userChanges(before: readonly Sentence[], current: readonly Sentence[]): UserChanges {
  const currentIndexOf = new Array<number>(before.length).fill(-1);
  const touchedGaps = new Set<number>();
  const changes = diffArrays(
    before.map((s) => s.text),
    current.map((s) => s.text),
  );
  let bi = 0;
  let ci = 0;
  let k = 0;
  let changed = false;
  while (k < changes.length) {
    const change = changes[k];
    if (!change.added && !change.removed) {
      for (let p = 0; p < change.count; p++) currentIndexOf[bi + p] = ci + p;
      bi += change.count;
      ci += change.count;
      k++;
      continue;
    }
    changed = true;
    let removed = 0;
    let added = 0;
    while (k < changes.length && (changes[k].added || changes[k].removed)) {
      if (changes[k].removed) removed += changes[k].count;
      else added += changes[k].count;
      k++;
    }
    // Removed sentences bi..bi+removed-1. Text the user wrote here could belong before,
    // between or after them, so every gap around the hunk is ambiguous; a pure deletion
    // leaves its outer gaps well defined.
    const first = added > 0 ? bi - 1 : bi;
    const last = added > 0 ? bi + removed - 1 : bi + removed - 2;
    for (let g = first; g <= last; g++) touchedGaps.add(g);
    bi += removed;
    ci += added;
  }
  return { currentIndexOf, touchedGaps, changed };
}
