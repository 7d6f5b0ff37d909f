import type { TextRange } from './promptDocument';

/**
 * The structural parts of a prompt body: Prompty role sections (`system:` on a line of
 * its own), markdown heading sections, and `<!-- dlpo:begin -->` … `<!-- dlpo:end -->`
 * marked regions. Ranges are offsets into the whole text.
 */

export interface Section extends TextRange {
  name: string;
  /** Line where the header is (1-based), for messages. */
  headerStart: number;
  /** Heading level; 0 for role sections. */
  level: number;
}

interface Line {
  start: number;
  end: number; // before the line ending
  next: number; // start of the next line
  text: string;
}

export function linesOf(text: string, range: TextRange): Line[] {
  const lines: Line[] = [];
  let start = range.start;
  while (start < range.end) {
    const nl = text.indexOf('\n', start);
    const next = nl < 0 || nl >= range.end ? range.end : nl + 1;
    let end = nl < 0 || nl >= range.end ? range.end : nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    lines.push({ start, end, next, text: text.slice(start, end) });
    start = next;
  }
  return lines;
}

/*
 * Prompty's own role boundary (microsoft/prompty, runtime/typescript/packages/core/src/
 * parsers/prompty.ts): an optional `#`, a role, optional `[name="…"]` attributes, a colon,
 * alone on its line, any case. The attribute part is a single `[^\]]*` class so the
 * pattern stays linear (their ReDoS fix, #446).
 */
const ROLE_LINE = /^[ \t]*#?[ \t]*(system|user|assistant|developer)(\[\w+[ \t]*=[ \t]*[^\]]*\])?[ \t]*:[ \t]*$/i;

/**
 * Prompty role sections: from the line after a role line to the next one. Text before
 * the first role line belongs to an implicit `system` section, as in Prompty itself.
 */
export function roleSections(text: string, range: TextRange): Section[] {
  const sections: Section[] = [];
  for (const line of linesOf(text, range)) {
    const m = ROLE_LINE.exec(line.text);
    if (!m) continue;
    const last = sections.at(-1);
    if (last) last.end = line.start;
    else if (text.slice(range.start, line.start).trim() !== '') {
      sections.push({ name: 'system', start: range.start, end: line.start, headerStart: range.start, level: 0 });
    }
    sections.push({ name: m[1].toLowerCase(), start: line.next, end: range.end, headerStart: line.start, level: 0 });
  }
  return sections;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*)$/;

/** Heading text without an ATX closing sequence (`## Title ##`); done in code, as a lazy regex is quadratic on long lines. */
function headingText(raw: string): string {
  let t = raw.trimEnd();
  let end = t.length;
  while (end > 0 && t[end - 1] === '#') end--;
  if (end < t.length && (end === 0 || t[end - 1] === ' ' || t[end - 1] === '\t')) t = t.slice(0, end);
  return t.trim();
}

/** Markdown ATX heading sections (outside code fences): to the next heading of the same or a higher level. */
export function headingSections(text: string, range: TextRange): Section[] {
  const sections: Section[] = [];
  const open: Section[] = [];
  let fence: string | undefined;
  for (const line of linesOf(text, range)) {
    const f = FENCE.exec(line.text);
    if (f) {
      if (fence === undefined) fence = f[1];
      else if (f[1][0] === fence[0] && f[1].length >= fence.length && line.text.trim() === f[1]) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const h = HEADING.exec(line.text);
    if (!h) continue;
    const level = h[1].length;
    while (open.length && open[open.length - 1].level >= level) open.pop()!.end = line.start;
    const s: Section = { name: headingText(h[2]), start: line.next, end: range.end, headerStart: line.start, level };
    sections.push(s);
    open.push(s);
  }
  return sections;
}

export const BEGIN_MARKER = /<!--\s*dlpo:begin\s*-->/g;
export const END_MARKER = /<!--\s*dlpo:end\s*-->/g;

export interface MarkerScan {
  begins: TextRange[];
  ends: TextRange[];
}

export function scanMarkers(text: string, range: TextRange): MarkerScan {
  const slice = text.slice(range.start, range.end);
  const toRanges = (re: RegExp) => [...slice.matchAll(re)].map((m) => ({ start: range.start + (m.index ?? 0), end: range.start + (m.index ?? 0) + m[0].length }));
  return { begins: toRanges(BEGIN_MARKER), ends: toRanges(END_MARKER) };
}
