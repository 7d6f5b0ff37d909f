import { diffArrays } from 'diff';
import type { Sentence, SentenceEdit } from './sentenceTypes';
import { segmentSentences, unitKind } from './sentences';

/** Sentence edits beyond which the diff gives up pairing (see diffSentences). */
const MAX_EDIT_LENGTH = 2000;

/**
 * Sentence-level diff and partial application: the measuring stick of TLR (how many
 * sentences changed) and the tool of TDO (undo the change to a protected sentence).
 *
 * Whitespace rule of `applySentenceEdits` (what "well-formed" means here):
 * - the text keeps `before`'s leading and trailing whitespace;
 * - a kept or modified unit keeps the whitespace that preceded it in `before`
 *   (when it becomes the first unit, the leading whitespace is used instead);
 * - an added unit is preceded by the whitespace that followed its anchor in `before`
 *   (or that preceded the anchor, when the anchor is the last unit);
 * - a separator is widened to "\n" (then "\n\n") when the plain one would glue two
 *   units into one (e.g. a list item after prose, or a sentence without final
 *   punctuation), checked by segmenting the pair.
 * So applying every edit of `diffSentences(before, after)` gives `after`'s units in
 * order, and gives `after` byte for byte whenever the whitespace around the changed
 * units follows the surrounding pattern (the usual case: one space between sentences,
 * one newline between list items, a blank line between paragraphs).
 */

/** The sentence edits turning `before` into `after`, in order of position. */
export function diffSentences(before: string, after: string): SentenceEdit[] {
  const b = segmentSentences(before);
  const a = segmentSentences(after);
  const bTexts = b.map((s) => s.text);
  const aTexts = a.map((s) => s.text);
  // Myers' diff is O(N·D): on two long, unrelated texts it can block for seconds. Past
  // MAX_EDIT_LENGTH the texts share too little for a pairing to mean anything, so the
  // change is reported as "every sentence replaced".
  const changes = diffArrays(bTexts, aTexts, { maxEditLength: MAX_EDIT_LENGTH }) ?? [
    { value: bTexts, count: bTexts.length, added: false, removed: true },
    { value: aTexts, count: aTexts.length, added: true, removed: false },
  ];
  const edits: SentenceEdit[] = [];
  let bi = 0;
  let ai = 0;
  let k = 0;
  while (k < changes.length) {
    const change = changes[k];
    if (!change.added && !change.removed) {
      bi += change.count;
      ai += change.count;
      k++;
      continue;
    }
    // A hunk: the run of removed/added changes between two common runs.
    let removed = 0;
    let added = 0;
    while (k < changes.length && (changes[k].added || changes[k].removed)) {
      if (changes[k].removed) removed += changes[k].count;
      else added += changes[k].count;
      k++;
    }
    const pairs = Math.min(removed, added);
    for (let p = 0; p < pairs; p++) {
      edits.push({ op: 'modify', beforeIndex: bi + p, afterIndex: ai + p, before: b[bi + p].text, after: a[ai + p].text });
    }
    for (let p = pairs; p < removed; p++) edits.push({ op: 'delete', beforeIndex: bi + p, text: b[bi + p].text });
    const anchor = bi + removed - 1;
    for (let p = pairs; p < added; p++) edits.push({ op: 'add', afterIndex: ai + p, text: a[ai + p].text, anchor });
    bi += removed;
    ai += added;
  }
  return edits;
}

/** Where an edit sits in `before`, for ordering and for "first R edits". */
export function editPosition(edit: SentenceEdit): number {
  // Adds sit just after their anchor, so they sort after a change to the anchor itself.
  return edit.op === 'add' ? edit.anchor + 0.5 : edit.beforeIndex;
}

/** The before-indices an edit changes (adds change none). */
export function editTouches(edit: SentenceEdit): number[] {
  return edit.op === 'add' ? [] : [edit.beforeIndex];
}

interface OutUnit {
  text: string;
  /** Index in `before`, or null for an added unit. */
  from: number | null;
  /** For added units: the before-index they follow (-1 = at the start). */
  anchor: number;
}

const TERMINAL = /[.!?。！？‼⁇⁈⁉][)"'”’\]»]*$/u;

function separatesCleanly(x: string, sep: string, y: string): boolean {
  const units = segmentSentences(x + sep + y);
  return units.length === 2 && units[0].text === x && units[1].text === y;
}

function chooseSeparator(x: OutUnit, y: OutUnit, base: string): string {
  const bothProse = unitKind(x.text) === 'sentence' && unitKind(y.text) === 'sentence';
  const candidates: string[] = [];
  if (bothProse && TERMINAL.test(x.text)) candidates.push(base);
  else if (base.includes('\n')) candidates.push(base);
  candidates.push('\n', '\n\n');
  for (const sep of candidates) if (separatesCleanly(x.text, sep, y.text)) return sep;
  return candidates[candidates.length - 1];
}

/**
 * Applies any subset of `diffSentences(before, after)` to `before`. Throws when an edit
 * does not fit `before` (wrong index or text): that is a caller bug, never silently
 * patched over.
 */
export function applySentenceEdits(before: string, edits: readonly SentenceEdit[]): string {
  const units = segmentSentences(before);
  const n = units.length;
  const deleted = new Set<number>();
  const modified = new Map<number, string>();
  const addsByAnchor = new Map<number, { afterIndex: number; text: string }[]>();
  for (const edit of edits) {
    if (edit.op === 'add') {
      if (edit.anchor < -1 || edit.anchor >= Math.max(n, 0)) {
        if (!(n === 0 && edit.anchor === -1)) throw new Error(`add edit anchored at ${edit.anchor} but the text has ${n} units`);
      }
      const list = addsByAnchor.get(edit.anchor) ?? [];
      list.push({ afterIndex: edit.afterIndex, text: edit.text });
      addsByAnchor.set(edit.anchor, list);
      continue;
    }
    const unit: Sentence | undefined = units[edit.beforeIndex];
    const expected = edit.op === 'delete' ? edit.text : edit.before;
    if (!unit || unit.text !== expected) {
      throw new Error(`${edit.op} edit at ${edit.beforeIndex} does not match the text it is applied to`);
    }
    if (edit.op === 'delete') deleted.add(edit.beforeIndex);
    else modified.set(edit.beforeIndex, edit.after);
  }
  const out: OutUnit[] = [];
  const pushAdds = (anchor: number) => {
    const adds = (addsByAnchor.get(anchor) ?? []).slice().sort((p, q) => p.afterIndex - q.afterIndex);
    for (const add of adds) out.push({ text: add.text, from: null, anchor });
  };
  pushAdds(-1);
  for (let i = 0; i < n; i++) {
    if (!deleted.has(i)) out.push({ text: modified.get(i) ?? units[i].text, from: i, anchor: i });
    pushAdds(i);
  }
  if (out.length === 0) return '';

  const leading = n > 0 ? before.slice(0, units[0].start) : before;
  const trailing = n > 0 ? before.slice(units[n - 1].end) : '';
  const gapBefore = (i: number) => before.slice(units[i - 1].end, units[i].start);
  /** The separator usually found in front of unit i of `before`. */
  const natural = (i: number): string => {
    if (i >= 1 && i < n) return gapBefore(i);
    if (n > 1) return gapBefore(1);
    return ' ';
  };
  let text = leading + out[0].text;
  for (let k = 1; k < out.length; k++) {
    const x = out[k - 1];
    const y = out[k];
    let base: string;
    if (y.from !== null) base = natural(y.from);
    else if (y.anchor + 1 < n) base = natural(y.anchor + 1);
    else base = natural(Math.max(y.anchor, 0));
    text += chooseSeparator(x, y, base) + y.text;
  }
  return text + trailing;
}

/** The unit texts `applySentenceEdits(before, edits)` must produce, computed without text assembly. */
export function expectedUnits(before: string, edits: readonly SentenceEdit[]): string[] {
  const units = segmentSentences(before).map((u) => u.text);
  const deleted = new Set(edits.flatMap((e) => (e.op === 'delete' ? [e.beforeIndex] : [])));
  const modified = new Map(edits.flatMap((e) => (e.op === 'modify' ? [[e.beforeIndex, e.after] as const] : [])));
  const adds = edits.filter((e): e is Extract<SentenceEdit, { op: 'add' }> => e.op === 'add');
  const addsAt = (anchor: number) =>
    adds
      .filter((a) => a.anchor === anchor)
      .sort((p, q) => p.afterIndex - q.afterIndex)
      .map((a) => a.text);
  const out = [...addsAt(-1)];
  units.forEach((u, i) => {
    if (!deleted.has(i)) out.push(modified.get(i) ?? u);
    out.push(...addsAt(i));
  });
  return out;
}
