import { diffArrays } from 'diff';
import type { DocumentUnit } from './sentences';
import { segmentSentences } from './sentences';
import type { SentenceEdit } from './sentenceTypes';
import { PAIRING_THRESHOLD, unitKey, unitSimilarity } from './unitMatching';

export { applySentenceEdits, expectedUnits } from './applySentenceEdits';

/**
 * The aligning diff between two prompts, over structure-aware units: the measuring
 * stick of TLR (how many edits a proposal makes) and the tool of TDO (undo the edits to
 * protected units). Units are matched by content (`unitKey`: list numbering and
 * whitespace set aside), so:
 * - renumbering after an inserted or deleted list item costs nothing, and a reflowed
 *   paragraph is no change;
 * - a unit, or a run of consecutive units, that the proposal keeps but puts elsewhere is
 *   one `move` (two swapped sections are one edit, not a deletion and an addition each);
 * - among what is left in a changed stretch, rewrites are paired with what they rewrite
 *   by word similarity in document order (`pairRewrites`), never by position, so a
 *   deletion next to a rewrite is not mistaken for two rewrites;
 * - a table, a code block or a block quote is one unit, so changing it is one edit.
 */

/** Unit edits beyond which the diff stops aligning (see diffSentences). */
const MAX_EDIT_LENGTH = 2000;
/** Largest changed stretch (removed × added units) paired by similarity; past it, by position. */
const MAX_PAIRING_CELLS = 40_000;

/** The edits turning `before` into `after`, in order of position. */
export function diffSentences(before: string, after: string): SentenceEdit[] {
  return diffUnits(segmentSentences(before), segmentSentences(after), after);
}

interface Hunk {
  removed: number[];
  added: number[];
}

export function diffUnits(b: readonly DocumentUnit[], a: readonly DocumentUnit[], afterText: string): SentenceEdit[] {
  // Keys interned as small integers: the diff compares them O(N·D) times, and two long
  // equal strings that are different objects compare character by character.
  const ids = new Map<string, number>();
  const intern = (u: DocumentUnit) => {
    const key = unitKey(u);
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  };
  const bKeys = b.map(intern);
  const aKeys = a.map(intern);
  // Myers' diff is O(N·D): on two long, unrelated texts it can block for seconds. Past
  // MAX_EDIT_LENGTH the texts share too little for an alignment to mean anything, so
  // the change is reported as "every unit replaced".
  const changes = diffArrays(bKeys, aKeys, { maxEditLength: MAX_EDIT_LENGTH }) ?? [
    { value: bKeys, count: bKeys.length, added: false, removed: true },
    { value: aKeys, count: aKeys.length, added: true, removed: false },
  ];
  const beforeOf = new Array<number | undefined>(a.length);
  const hunks: Hunk[] = [];
  let bi = 0;
  let ai = 0;
  for (let k = 0; k < changes.length; ) {
    const change = changes[k];
    if (!change.added && !change.removed) {
      for (let c = 0; c < change.count; c++) beforeOf[ai + c] = bi + c;
      bi += change.count;
      ai += change.count;
      k++;
      continue;
    }
    const hunk: Hunk = { removed: [], added: [] };
    while (k < changes.length && (changes[k].added || changes[k].removed)) {
      const count = changes[k].count ?? 0;
      if (changes[k].removed) for (let c = 0; c < count; c++) hunk.removed.push(bi++);
      else for (let c = 0; c < count; c++) hunk.added.push(ai++);
      k++;
    }
    hunks.push(hunk);
  }

  // Moves: a removed unit whose exact content is added somewhere else.
  const addedByKey = new Map<number, number[]>();
  for (const h of hunks) for (const x of h.added) (addedByKey.get(aKeys[x]) ?? addedByKey.set(aKeys[x], []).get(aKeys[x])!).push(x);
  const movedTo = new Map<number, number>();
  const movedFrom = new Set<number>();
  for (const h of hunks) {
    for (const r of h.removed) {
      const queue = addedByKey.get(bKeys[r]);
      if (!queue?.length) continue;
      const x = queue.shift()!;
      movedTo.set(r, x);
      movedFrom.add(x);
    }
  }

  const edits: SentenceEdit[] = [];
  const fixed = new Array<number | undefined>(a.length);
  for (let x = 0; x < a.length; x++) fixed[x] = beforeOf[x];
  for (const h of hunks) {
    const removed = h.removed.filter((r) => !movedTo.has(r));
    const added = h.added.filter((x) => !movedFrom.has(x));
    const pairs = pairRewrites(removed.map((r) => b[r]), added.map((x) => a[x]));
    const pairedR = new Set<number>();
    const pairedA = new Set<number>();
    for (const [i, j] of pairs) {
      const r = removed[i];
      const x = added[j];
      pairedR.add(r);
      pairedA.add(x);
      fixed[x] = r;
      edits.push({ op: 'modify', beforeIndex: r, afterIndex: x, before: b[r].text, after: a[x].text, ...kindIfChanged(b[r], a[x]) });
    }
    for (const r of removed) if (!pairedR.has(r)) edits.push({ op: 'delete', beforeIndex: r, text: b[r].text });
    h.added = added.filter((x) => !pairedA.has(x));
  }

  // An added or moved unit goes after the nearest unit before it that stays in place.
  const anchorOf = new Array<number>(a.length);
  let last = -1;
  for (let x = 0; x < a.length; x++) {
    anchorOf[x] = last;
    if (fixed[x] !== undefined) last = fixed[x]!;
  }
  const gapBefore = (x: number) => afterText.slice(x > 0 ? a[x - 1].end : 0, a[x].start);
  for (const h of hunks) for (const x of h.added) edits.push({ op: 'add', afterIndex: x, text: a[x].text, anchor: anchorOf[x], gap: gapBefore(x), kind: a[x].kind });

  // Consecutive moved units that stay consecutive are one move.
  const sources = [...movedTo.keys()].sort((p, q) => p - q);
  for (let s = 0; s < sources.length; ) {
    let e = s;
    while (e + 1 < sources.length && sources[e + 1] === sources[e] + 1 && movedTo.get(sources[e + 1]) === movedTo.get(sources[e])! + 1) e++;
    const from = sources[s];
    const to = movedTo.get(from)!;
    const count = e - s + 1;
    edits.push({ op: 'move', beforeIndex: from, count, afterIndex: to, anchor: anchorOf[to], text: b.slice(from, from + count).map((u) => u.text).join('\n'), gap: gapBefore(to) });
    s = e + 1;
  }
  return edits.sort((p, q) => editPosition(p) - editPosition(q) || afterOrder(p) - afterOrder(q));
}

/** A rewrite names its kind only when it differs from the unit it rewrites. */
function kindIfChanged(before: DocumentUnit, after: DocumentUnit): { kind?: DocumentUnit['kind'] } {
  return before.kind === after.kind ? {} : { kind: after.kind };
}

function afterOrder(edit: SentenceEdit): number {
  return edit.op === 'delete' ? -1 : edit.afterIndex;
}

/**
 * Pairs removed with added units (index pairs) so that the pairs keep document order on
 * both sides and their total similarity is largest; a pair needs PAIRING_THRESHOLD.
 */
export function pairRewrites(removed: readonly DocumentUnit[], added: readonly DocumentUnit[]): [number, number][] {
  const m = removed.length;
  const n = added.length;
  if (m === 0 || n === 0) return [];
  if (m * n > MAX_PAIRING_CELLS) {
    const pairs: [number, number][] = [];
    for (let k = 0; k < Math.min(m, n); k++) if (unitSimilarity(removed[k], added[k]) >= PAIRING_THRESHOLD) pairs.push([k, k]);
    return pairs;
  }
  const sim = (i: number, j: number) => unitSimilarity(removed[i], added[j]);
  const dp: Float64Array[] = Array.from({ length: m + 1 }, () => new Float64Array(n + 1));
  const s: Float64Array[] = Array.from({ length: m }, () => new Float64Array(n));
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) s[i][j] = sim(i, j);
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      let best = Math.max(dp[i - 1][j], dp[i][j - 1]);
      const score = s[i - 1][j - 1];
      if (score >= PAIRING_THRESHOLD) best = Math.max(best, dp[i - 1][j - 1] + score);
      dp[i][j] = best;
    }
  }
  const pairs: [number, number][] = [];
  for (let i = m, j = n; i > 0 && j > 0; ) {
    const score = s[i - 1][j - 1];
    if (score >= PAIRING_THRESHOLD && dp[i][j] === dp[i - 1][j - 1] + score) {
      pairs.push([i - 1, j - 1]);
      i--;
      j--;
    } else if (dp[i][j] === dp[i - 1][j]) i--;
    else j--;
  }
  return pairs.reverse();
}

/** Where an edit sits in `before`, for ordering. */
export function editPosition(edit: SentenceEdit): number {
  // Adds and moves sit just after their anchor, so they sort after a change to the anchor itself.
  return edit.op === 'add' || edit.op === 'move' ? edit.anchor + 0.5 : edit.beforeIndex;
}

/** The before-indices an edit changes (an add changes none; a move, the units it takes away). */
export function editTouches(edit: SentenceEdit): number[] {
  if (edit.op === 'add') return [];
  if (edit.op === 'move') return Array.from({ length: edit.count }, (_, k) => edit.beforeIndex + k);
  return [edit.beforeIndex];
}

/** The text an edit brings in, for display and ranking ("" for a deletion). */
export function editNewText(edit: SentenceEdit): string {
  return edit.op === 'modify' ? edit.after : edit.op === 'delete' ? '' : edit.text;
}

/** The text an edit takes out or rewrites ("" for an addition). */
export function editOldText(edit: SentenceEdit): string {
  return edit.op === 'modify' ? edit.before : edit.op === 'add' ? '' : edit.text;
}
