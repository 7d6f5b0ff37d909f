import { editTouches } from '../prompt/sentenceDiff';
import { segmentSentences } from '../prompt/sentences';
import type { SentenceEdit } from '../prompt/sentenceTypes';
import type { CarriedEdit, RebaseConflict, RebaseResult } from './rebaseCandidate';

/** A sentence of the current text the candidate removes or rewrites (offsets into that text). */
export interface RemovedSpan {
  start: number;
  end: number;
  edit: SentenceEdit;
  /** End of the run of adjacent changed sentences this one belongs to: where their new text shows. */
  hunkEnd: number;
}

/** Text the candidate inserts at one place, shown as ghost text (never written until accepted). */
export interface InsertedText {
  /** Offset into the current text. */
  at: number;
  /** `before`: the ghost text goes in front of the character at `at` (insertions at the very start). */
  side: 'after' | 'before';
  texts: string[];
  edits: SentenceEdit[];
}

export interface InlineDiffPlan {
  removed: RemovedSpan[];
  inserted: InsertedText[];
  conflicts: RebaseConflict[];
}

/**
 * Where each carried-over candidate edit shows in the current text, drawn like a diff
 * hunk: a run of adjacent removed or rewritten sentences is struck through, and the new
 * wording of the whole run follows it as ghost text (pairing old and new sentence by
 * position inside a hunk would put "Show each step" right after an unrelated struck
 * sentence). A moved unit is struck where it was and shown where it goes. Conflicting
 * edits are not drawn; the caller shows them as a conflict.
 */
export function planInlineDiff(current: string, rebase: RebaseResult): InlineDiffPlan {
  const units = segmentSentences(current);
  const insertedAt = new Map<string, InsertedText>();
  const insert = (at: number, side: InsertedText['side'], text: string, edit: SentenceEdit) => {
    const key = `${at}:${side}`;
    const entry = insertedAt.get(key) ?? { at, side, texts: [], edits: [] };
    entry.texts.push(text);
    entry.edits.push(edit);
    insertedAt.set(key, entry);
  };
  const touched = new Map<number, CarriedEdit>();
  for (const c of rebase.carried) for (const i of editTouches(c.rebased)) touched.set(i, c);
  // The last index of each run of adjacent touched sentences.
  const runEnd = new Map<number, number>();
  for (const i of [...touched.keys()].sort((a, b) => b - a)) runEnd.set(i, touched.has(i + 1) ? runEnd.get(i + 1)! : i);

  const removed: RemovedSpan[] = [];
  for (const [i, c] of [...touched.entries()].sort((a, b) => a[0] - b[0])) {
    const unit = units[i];
    removed.push({ start: unit.start, end: unit.end, edit: c.original, hunkEnd: units[runEnd.get(i)!].end });
    if (c.rebased.op === 'modify') insert(units[runEnd.get(i)!].end, 'after', c.rebased.after, c.original);
  }
  // Added and moved units show where they go; a move's units are also struck where they were.
  const adds = rebase.carried.filter((c) => c.rebased.op === 'add' || c.rebased.op === 'move').sort((p, q) => order(p) - order(q));
  for (const c of adds) {
    const e = c.rebased;
    if (e.op !== 'add' && e.op !== 'move') continue;
    if (e.anchor < 0 || units.length === 0) {
      const first = units[0];
      insert(first ? first.start : current.length, first ? 'before' : 'after', e.text, c.original);
    } else {
      const end = runEnd.get(e.anchor);
      insert(units[end ?? e.anchor].end, 'after', e.text, c.original);
    }
  }
  const conflicts = rebase.kind === 'conflict' ? rebase.conflicts : [];
  return { removed, inserted: [...insertedAt.values()].sort((p, q) => p.at - q.at), conflicts };
}

function order(c: CarriedEdit): number {
  const e = c.rebased;
  return e.op === 'add' || e.op === 'move' ? e.anchor + e.afterIndex * 1e-6 : e.beforeIndex;
}
