import type { Sentence, SentenceKind } from './sentenceTypes';

/**
 * Splits a prompt into the units DLPO edits. Prose is split into sentences with
 * `Intl.Segmenter` (which knows abbreviations and decimals, unlike the reference's
 * `[.!?]+` split); markdown structure is kept whole: a heading, a list item, a table row
 * (each one line) and a fenced code block (fence to fence) are each one unit, because
 * cutting them in half would make edits that break the document. Everything outside
 * the units is whitespace.
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}#{1,6}(\s|$)/;
const LIST_ITEM = /^\s*([-*+]|\d{1,9}[.)])\s+\S/;
const TABLE_ROW = /^\s*\|/;

let segmenter: Intl.Segmenter | undefined;
function sentenceSegmenter(): Intl.Segmenter {
  segmenter ??= new Intl.Segmenter('en', { granularity: 'sentence' });
  return segmenter;
}

interface Line {
  text: string;
  start: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      lines.push({ text: text.slice(start), start });
      return lines;
    }
    lines.push({ text: text.slice(start, nl), start });
    start = nl + 1;
  }
}

/** The unit of `text[start, end)` without surrounding whitespace, or null if it is blank. */
function trimmedUnit(text: string, start: number, end: number, kind: SentenceKind): Sentence | null {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s])) s++;
  while (e > s && /\s/.test(text[e - 1])) e--;
  if (s === e) return null;
  return { text: text.slice(s, e), start: s, end: e, kind };
}

function lineKind(line: string): SentenceKind | null {
  if (HEADING.test(line)) return 'heading';
  if (LIST_ITEM.test(line)) return 'list-item';
  if (TABLE_ROW.test(line)) return 'table-row';
  return null;
}

function segmentProse(text: string, start: number, end: number, out: Sentence[]): void {
  const chunk = text.slice(start, end);
  for (const seg of sentenceSegmenter().segment(chunk)) {
    const unit = trimmedUnit(text, start + seg.index, start + seg.index + seg.segment.length, 'sentence');
    if (unit) out.push(unit);
  }
}

export function segmentSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  const lines = splitLines(text);
  let proseStart = -1;
  let proseEnd = -1;
  const flushProse = () => {
    if (proseStart >= 0) segmentProse(text, proseStart, proseEnd, out);
    proseStart = -1;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lineEnd = line.start + line.text.length;
    const fence = FENCE.exec(line.text);
    if (fence) {
      flushProse();
      const marker = fence[1];
      let j = i + 1;
      // A closing fence uses the same character, at least as long, and nothing after it.
      while (j < lines.length) {
        const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[j].text);
        if (close && close[1][0] === marker[0] && close[1].length >= marker.length) break;
        j++;
      }
      const last = lines[Math.min(j, lines.length - 1)];
      const unit = trimmedUnit(text, line.start, last.start + last.text.length, 'code');
      if (unit) out.push(unit);
      i = j;
      continue;
    }
    const kind = lineKind(line.text);
    if (kind) {
      flushProse();
      const unit = trimmedUnit(text, line.start, lineEnd, kind);
      if (unit) out.push(unit);
      continue;
    }
    if (line.text.trim() === '') {
      flushProse();
      continue;
    }
    if (proseStart < 0) proseStart = line.start;
    proseEnd = lineEnd;
  }
  flushProse();
  return out;
}

/** The kind a unit's text would have on a line of its own. */
export function unitKind(text: string): SentenceKind {
  if (FENCE.test(text)) return 'code';
  return lineKind(text) ?? 'sentence';
}

/** Number of sentence units, for `prompt-length` events. */
export function countSentences(text: string): number {
  return segmentSentences(text).length;
}
