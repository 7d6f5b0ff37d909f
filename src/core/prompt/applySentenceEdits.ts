import { renumberLists, type ListUnit } from './listNumbering';
import type { DocumentUnit } from './sentences';
import { segmentSentences } from './sentences';
import type { SentenceEdit, SentenceKind } from './sentenceTypes';

/**
 * Applies any subset of `diffSentences(before, after)` to `before`, so that TLR and TDO
 * can keep some edits and drop others and still hand over a well-formed document:
 * - every unit of the result is a unit of `before` (kept, or moved whole) or text the
 *   proposal brought (an added or rewritten unit), in the proposal's order where it
 *   placed them; no unit is duplicated and none is lost unless its deletion is applied;
 * - whitespace: a unit keeps the whitespace it had in front of it in `before` where its
 *   neighbour is unchanged; an added or moved unit brings the proposal's; where a deletion
 *   leaves a gap, the unit after it takes the whitespace that stood in front of the
 *   deleted run (so a paragraph does not glue onto a heading). A junction that would still
 *   merge two units into one is widened to a line break, then a blank line, when that
 *   reads back as the same two units;
 * - ordered lists touched by the applied edits are renumbered and their markers made
 *   uniform (`renumberLists`), so inserting an item never leaves `2.` twice.
 * The empty subset gives `before` unchanged, the full set gives `after`'s units.
 * Throws when an edit does not fit `before` (wrong index or text): that is a caller bug,
 * never silently patched over.
 */

interface OutUnit extends ListUnit {
  /** Index in `before`, or null for text the proposal brought. */
  from: number | null;
  /** Whitespace that must come in front (an add's or a move's first unit), or null. */
  gap: string | null;
}

function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function gapColumn(gap: string | null | undefined): number {
  if (!gap) return 0;
  const nl = gap.lastIndexOf('\n');
  return nl < 0 ? 0 : gap.length - nl - 1;
}

function checkEdit(units: readonly DocumentUnit[], edit: SentenceEdit): void {
  const n = units.length;
  if (edit.op === 'add') {
    if (edit.anchor < -1 || edit.anchor >= Math.max(n, 0)) throw new Error(`add edit anchored at ${edit.anchor} but the text has ${n} units`);
    return;
  }
  if (edit.op === 'move') {
    const run = units.slice(edit.beforeIndex, edit.beforeIndex + edit.count);
    if (edit.beforeIndex < 0 || edit.count < 1 || run.length !== edit.count || run.map((u) => u.text).join('\n') !== edit.text) {
      throw new Error(`move edit at ${edit.beforeIndex} does not match the text it is applied to`);
    }
    if (edit.anchor < -1 || edit.anchor >= n) throw new Error(`move edit anchored at ${edit.anchor} but the text has ${n} units`);
    return;
  }
  const unit = units[edit.beforeIndex];
  const expected = edit.op === 'delete' ? edit.text : edit.before;
  if (!unit || unit.text !== expected) throw new Error(`${edit.op} edit at ${edit.beforeIndex} does not match the text it is applied to`);
}

interface Plan {
  out: OutUnit[];
  /** Before-indices taken out of their place (deleted or moved away). */
  removed: Set<number>;
}

function plan(before: string, units: readonly DocumentUnit[], edits: readonly SentenceEdit[]): Plan {
  const removed = new Set<number>();
  const modified = new Map<number, { text: string; kind: SentenceKind }>();
  const slots = new Map<number, { afterIndex: number; units: OutUnit[] }[]>();
  const slot = (anchor: number) => slots.get(anchor) ?? slots.set(anchor, []).get(anchor)!;
  for (const edit of edits) {
    checkEdit(units, edit);
    switch (edit.op) {
      case 'delete':
        removed.add(edit.beforeIndex);
        break;
      case 'modify':
        modified.set(edit.beforeIndex, { text: edit.after, kind: edit.kind ?? units[edit.beforeIndex].kind });
        break;
      case 'add': {
        const kind = edit.kind ?? segmentSentences(edit.text)[0]?.kind ?? 'sentence';
        slot(edit.anchor).push({ afterIndex: edit.afterIndex, units: [{ text: edit.text, kind, from: null, gap: edit.gap ?? null, column: gapColumn(edit.gap), touched: true }] });
        break;
      }
      case 'move': {
        const run: OutUnit[] = [];
        for (let k = 0; k < edit.count; k++) {
          const i = edit.beforeIndex + k;
          removed.add(i);
          const u = units[i];
          run.push({ text: u.text, kind: u.kind, from: i, gap: k === 0 ? (edit.gap ?? null) : null, column: column(before, u.start), touched: true });
        }
        slot(edit.anchor).push({ afterIndex: edit.afterIndex, units: run });
        break;
      }
    }
  }
  const out: OutUnit[] = [];
  const flush = (anchor: number) => {
    for (const item of (slots.get(anchor) ?? []).sort((p, q) => p.afterIndex - q.afterIndex)) out.push(...item.units);
  };
  flush(-1);
  units.forEach((u, i) => {
    if (!removed.has(i)) {
      const rewrite = modified.get(i);
      // A unit whose list neighbour went away is touched too: its list may need renumbering.
      const touched = rewrite !== undefined || (i > 0 && (removed.has(i - 1) || modified.has(i - 1)));
      out.push({ text: rewrite?.text ?? u.text, kind: rewrite?.kind ?? u.kind, from: i, gap: null, column: column(before, u.start), touched });
    }
    flush(i);
  });
  return { out, removed };
}

/** Whether `x`, `sep`, `y` reads back as exactly the two units, with their kinds. */
function separatesCleanly(x: OutUnit, sep: string, y: OutUnit): boolean {
  const units = segmentSentences(x.text + sep + y.text);
  return units.length === 2 && units[0].text === x.text && units[0].kind === x.kind && units[1].text === y.text && units[1].kind === y.kind;
}

function lineBreaks(gap: string): number {
  return gap.split('\n').length - 1;
}

function wider(a: string, b: string): string {
  return lineBreaks(a) > lineBreaks(b) ? a : b;
}

export function applySentenceEdits(before: string, edits: readonly SentenceEdit[]): string {
  const units = segmentSentences(before);
  if (edits.length === 0) return before;
  const { out, removed } = plan(before, units, edits);
  if (out.length === 0) return '';
  renumberLists(out, units.length > 0 ? (i) => units[i] : () => undefined, before);

  const n = units.length;
  const leading = n > 0 ? before.slice(0, units[0].start) : '';
  const trailing = n > 0 ? before.slice(units[n - 1].end) : before;
  const gapBefore = (i: number) => before.slice(i > 0 ? units[i - 1].end : 0, units[i].start);
  let text = leading + out[0].text;
  for (let k = 1; k < out.length; k++) {
    const x = out[k - 1];
    const y = out[k];
    let sep: string;
    // Two neighbours in `before`, neither rewritten: their junction is as it was.
    let verbatim = false;
    if (y.from !== null && y.gap === null && x.from === y.from - 1) {
      sep = gapBefore(y.from);
      verbatim = !x.touched && !y.touched;
    } else if (y.gap !== null && y.gap !== '') {
      // The proposal's own whitespace; a continuation (no line break) only after prose.
      sep = y.gap.includes('\n') || x.kind === 'sentence' ? y.gap : '\n\n';
    } else if (y.from !== null) {
      // After a deleted or moved-away run, the wider of the whitespace in front of the run
      // and in front of the unit: a sentence that loses its predecessor stays apart from
      // a heading, a list item that loses its predecessor keeps the blank line above it.
      let j = y.from;
      while (j > 0 && removed.has(j - 1)) j--;
      if (j === 0 && y.from === 0) sep = x.kind === 'sentence' && y.kind === 'sentence' ? ' ' : '\n\n';
      else sep = wider(j > 0 ? gapBefore(j) : '', gapBefore(y.from));
    } else {
      sep = x.kind === 'sentence' && y.kind === 'sentence' ? ' ' : '\n\n';
    }
    if (!verbatim && !separatesCleanly(x, sep, y)) {
      const indent = sep.slice(sep.lastIndexOf('\n') + 1).replace(/\S/g, '');
      // When no line break helps either (the units only read apart in their full context),
      // the whitespace chosen above is the best guess and is kept.
      sep = [`\n${indent}`, `\n\n${indent}`].find((s) => separatesCleanly(x, s, y)) ?? sep;
    }
    text += sep + y.text;
  }
  return text + trailing;
}

/**
 * The unit texts `applySentenceEdits(before, edits)` must produce, in order, computed
 * without text assembly (list markers as the edits carry them; compare with `unitKey`).
 */
export function expectedUnits(before: string, edits: readonly SentenceEdit[]): string[] {
  const units = segmentSentences(before);
  if (edits.length === 0) return units.map((u) => u.text);
  return plan(before, units, edits).out.map((u) => u.text);
}
