import type { SentenceKind } from './sentenceTypes';

/**
 * Keeps lists well-formed after a subset of edits: an ordered list that an applied edit
 * touched (an item added, moved, rewritten, or a neighbour removed) is renumbered from
 * its original start, and its items take the list's marker style (`-` vs `*`, `.` vs `)`),
 * so a kept insertion never leaves two `2.` items and a model's `*` item does not split a
 * `-` list in two. A list is renumbered only if it was numbered in sequence in `before`:
 * lists written `1.`, `1.`, `1.` on purpose stay as written. Untouched lists are never
 * rewritten, so applying no edit changes nothing.
 */

export interface ListUnit {
  text: string;
  kind: SentenceKind;
  /** Column of the unit's first character on its line (its nesting, for list items). */
  column: number;
  from: number | null;
  touched: boolean;
}

const ORDERED = /^(\d{1,9})([.)])/;
const BULLET = /^([-*+])(?=[ \t]|$)/;

type Family = 'ordered' | 'bullet';

function family(u: ListUnit): Family | null {
  if (u.kind !== 'list-item') return null;
  if (ORDERED.test(u.text)) return 'ordered';
  if (BULLET.test(u.text)) return 'bullet';
  return null;
}

/** Runs of list items (indices into `units`): same column and family, nested units between them allowed. */
function listRuns(units: readonly ListUnit[]): number[][] {
  const runs: number[][] = [];
  const open: { column: number; family: Family; items: number[] }[] = [];
  units.forEach((u, i) => {
    // A unit closes every list at its column or deeper, unless it continues one.
    while (open.length && open[open.length - 1].column > u.column) runs.push(open.pop()!.items);
    const f = family(u);
    const top = open[open.length - 1];
    if (top && top.column === u.column) {
      if (f === top.family) {
        top.items.push(i);
        return;
      }
      runs.push(open.pop()!.items);
    }
    if (f) open.push({ column: u.column, family: f, items: [i] });
  });
  while (open.length) runs.push(open.pop()!.items);
  return runs;
}

interface BeforeList {
  start: number;
  sequential: boolean;
}

function beforeLists(units: readonly ListUnit[]): Map<number, BeforeList> {
  const byIndex = new Map<number, BeforeList>();
  for (const run of listRuns(units)) {
    const numbers = run.map((i) => Number(ORDERED.exec(units[i].text)?.[1] ?? NaN));
    const info = { start: numbers[0], sequential: numbers.every((v, k) => v === numbers[0] + k) };
    for (const i of run) byIndex.set(units[i].from ?? i, info);
  }
  return byIndex;
}

export function renumberLists(out: ListUnit[], beforeUnit: (i: number) => { text: string; kind: SentenceKind; start: number } | undefined, before: string): void {
  const originals: ListUnit[] = [];
  for (let i = 0; beforeUnit(i); i++) {
    const u = beforeUnit(i)!;
    originals.push({ text: u.text, kind: u.kind, column: u.start - (before.lastIndexOf('\n', u.start - 1) + 1), from: i, touched: false });
  }
  const lists = beforeLists(originals);
  for (const run of listRuns(out)) {
    if (!run.some((i) => out[i].touched)) continue;
    // The list's style and start come from its first item that was already an item of
    // this kind in `before` (a rewrite may have turned a bullet into a number), or from its
    // first item when the whole list is new.
    const runFamily = family(out[run[0]]);
    const anchor = run.map((i) => out[i]).find((u) => u.from !== null && family(originals[u.from]) === runFamily) ?? out[run[0]];
    if (runFamily === 'bullet') {
      const bullet = BULLET.exec(anchor.text)![1];
      for (const i of run) out[i].text = out[i].text.replace(BULLET, bullet);
      continue;
    }
    const own = anchor.from === null || family(originals[anchor.from]) !== 'ordered';
    const info = own ? { start: Number(ORDERED.exec(anchor.text)![1]), sequential: true } : lists.get(anchor.from!);
    const delimiter = ORDERED.exec(anchor.text)![2];
    run.forEach((i, k) => {
      const number = info?.sequential ? String(info.start + k) : ORDERED.exec(out[i].text)![1];
      out[i].text = out[i].text.replace(ORDERED, `${number}${delimiter}`);
    });
  }
}
