import { readBlocks } from './markdownBlocks';
import { proseSentenceRanges } from './proseSentences';
import type { Sentence } from './sentenceTypes';
import { FIXED_KINDS } from './sentenceTypes';

/**
 * Splits a prompt into the units DLPO edits, from its markdown structure
 * (`readBlocks`): each paragraph gives its sentences (`proseSentenceRanges`), every
 * other block is one unit whole: a heading, a list item's own text with its
 * continuation lines (nested lists and blocks are units of their own), a table, a code
 * block, a block quote, an HTML block, a rule. Front matter, HTML comments, template
 * control lines and a whole-file wrapper fence are units that are never editable.
 * Everything between units is whitespace.
 */

export interface DocumentUnit extends Sentence {
  /** False for front matter, comments, template lines and wrapper fences. */
  editable: boolean;
}

/**
 * A step segments the same few texts again and again (the current prompt, the proposal,
 * the cut result: in the diff, the cut, the re-diff, the review), and on a large prompt
 * each pass costs a markdown parse; the last few results are kept. Callers never mutate
 * what they get (it is typed readonly).
 */
const RECENT = 8;
const recent = new Map<string, readonly DocumentUnit[]>();

export function segmentSentences(text: string): readonly DocumentUnit[] {
  const hit = recent.get(text);
  if (hit) {
    recent.delete(text);
    recent.set(text, hit);
    return hit;
  }
  const units = segmentUncached(text);
  // Tiny texts (junction checks, single units) are cheap and would only churn the cache.
  if (text.length >= 2000) {
    recent.set(text, units);
    if (recent.size > RECENT) recent.delete(recent.keys().next().value!);
  }
  return units;
}

/** Forgets the kept results (benchmarks measure a cold step with it). */
export function forgetSegmentations(): void {
  recent.clear();
}

function segmentUncached(text: string): DocumentUnit[] {
  const out: DocumentUnit[] = [];
  for (const b of readBlocks(text)) {
    if (b.kind === 'paragraph') {
      for (const [start, end] of proseSentenceRanges(text, b.start, b.end)) out.push({ text: text.slice(start, end), start, end, kind: 'sentence', editable: true });
      continue;
    }
    out.push({ text: text.slice(b.start, b.end), start: b.start, end: b.end, kind: b.kind, editable: !FIXED_KINDS.has(b.kind) });
  }
  return out;
}
