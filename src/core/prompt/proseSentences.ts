/**
 * Sentence boundaries inside one paragraph (or a list item's own text). The base is
 * `Intl.Segmenter` (Unicode sentence rules: decimals, CJK punctuation, quotes), with the
 * paragraph's line breaks read as spaces so a hard-wrapped sentence stays one sentence.
 * Two corrections on top, because prompts are full of them:
 * - no break after an abbreviation (`e.g.`, `i.e.`, `Dr.`, `vs.`, `U.S.`) or a short label
 *   such as `Step 1.`, `1.` or `a.`: the segmenter breaks before any capital there;
 * - a break at a line end where the text clearly starts over: the line ends with `:` or
 *   `;`, or the next line starts with something other than a lower-case letter while this
 *   line does not end in a comma, an opening bracket or a joiner (`-`, `/`, `&`, `+`).
 *   Prompts often list instructions one per line without final punctuation, and those are
 *   separate instructions, not one long sentence.
 */

const ABBREVIATIONS = new Set(
  (
    'e.g i.e etc vs cf approx al fig figs no nos eq eqs dr mr mrs ms prof sr jr st mt inc ltd co corp dept est min max ' +
    'u.s u.k u.n e.u a.m p.m ph.d b.sc m.sc jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun'
  ).split(' '),
);

const LABELS = new Set('step part phase stage section rule item option example question task chapter level case point tip note'.split(' '));

let segmenter: Intl.Segmenter | undefined;
function sentenceSegmenter(): Intl.Segmenter {
  segmenter ??= new Intl.Segmenter('en', { granularity: 'sentence' });
  return segmenter;
}

/** True when a segment ending here must not end the sentence (an abbreviation or label). */
function endsInNonTerminalDot(segment: string): boolean {
  const trimmed = segment.trimEnd();
  if (!trimmed.endsWith('.')) return false;
  const words = trimmed.split(/\s+/);
  const word = words[words.length - 1].replace(/^[("'“‘[]+/, '').slice(0, -1);
  const last = word.toLowerCase();
  if (ABBREVIATIONS.has(last)) return true;
  // A label such as "a." or a lone "B."; "Plan B." at the end of a sentence is a sentence.
  if (/^\p{Ll}$/u.test(word) || (/^\p{Lu}$/u.test(word) && words.length === 1)) return true;
  // "Step 1." / "Part 2." / a bare "1." as a segment of its own is a label, not a sentence.
  if (!/^\d{1,3}$/.test(last)) return false;
  return words.length === 1 || (words.length === 2 && LABELS.has(words[0].toLowerCase()));
}

const LINE_END_BREAK = /[:;]\s*$/;
const LINE_END_JOIN = /[,([{\-/&+–—]\s*$/;

/**
 * Sentence ranges `[start, end)` of `text[from, to)` (offsets into `text`), whitespace
 * trimmed, in order. Blank input gives no range.
 */
export function proseSentenceRanges(text: string, from: number, to: number): [number, number][] {
  const chunk = text.slice(from, to);
  // Same length, so offsets carry over; line breaks must not end sentences on their own.
  const flat = chunk.replace(/[\r\n]/g, ' ');
  const cuts = new Set<number>();
  // A merged segment keeps growing until it ends in a real sentence end.
  let segmentStart = 0;
  for (const seg of sentenceSegmenter().segment(flat)) {
    if (seg.index === 0) continue;
    if (endsInNonTerminalDot(flat.slice(segmentStart, seg.index))) continue;
    cuts.add(seg.index);
    segmentStart = seg.index;
  }
  // Line-end breaks (see the file comment).
  for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', nl + 1)) {
    const lineStart = chunk.lastIndexOf('\n', nl - 1) + 1;
    const line = chunk.slice(lineStart, nl);
    if (line.trim() === '') continue;
    const rest = chunk.slice(nl + 1);
    const next = /\S/.exec(rest);
    if (!next) continue;
    const nextChar = rest[next.index];
    const startsOver = LINE_END_BREAK.test(line) || (!/\p{Ll}/u.test(nextChar) && !LINE_END_JOIN.test(line));
    if (startsOver) cuts.add(nl + 1 + next.index);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  let prev = 0;
  for (const cut of [...sorted, chunk.length]) {
    let s = prev;
    let e = cut;
    while (s < e && /\s/.test(chunk[s])) s++;
    while (e > s && /\s/.test(chunk[e - 1])) e--;
    if (s < e) ranges.push([from + s, from + e]);
    prev = cut;
  }
  return ranges;
}
