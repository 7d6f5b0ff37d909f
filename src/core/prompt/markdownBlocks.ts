import MarkdownIt from 'markdown-it';
type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];
import type { SentenceKind } from './sentenceTypes';

/**
 * The block structure of a prompt, read with markdown-it: CommonMark plus GFM tables.
 * markdown-it is chosen over the remark/micromark stack because its block tokens carry
 * exactly what units need (line ranges, list markers, nesting) without building a
 * syntax tree, it parses megabytes in milliseconds, and it ships CommonJS with types, so
 * the CLI, the extension bundle and the tests load it the same way. Inline parsing is
 * switched off: units never look inside a line's markup.
 *
 * Three things markdown-it does not know are found first and masked (replaced by spaces,
 * so offsets and line numbers stay put): front matter at the top (after blank lines
 * too), template control lines (`{% … %}`, `{# … #}`, `{{#each}}`, `{{/each}}`,
 * `{{^x}}`, `{{> partial}}`, `{{! note}}`) and a fence that wraps the whole file
 * (```` ````prompt ````), whose inside is the prompt.
 */

export type BlockKind = Exclude<SentenceKind, 'sentence'> | 'paragraph';

export interface Block {
  kind: BlockKind;
  /** UTF-16 offsets, whitespace trimmed. */
  start: number;
  end: number;
}

let parser: InstanceType<typeof MarkdownIt> | undefined;
function markdownParser(): InstanceType<typeof MarkdownIt> {
  if (!parser) {
    parser = new MarkdownIt('commonmark').enable('table');
    parser.core.ruler.disable(['inline', 'text_join']);
  }
  return parser;
}

const TEMPLATE_LINE = /^[ \t]*(?:\{%-?[\s\S]*?-?%\}|\{#[\s\S]*?#\}|\{\{[ \t]*[#/^>!][^\n]*?\}\})[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})[ \t]*(prompt|prompty|markdown|md|text)?[ \t]*$/i;
const FRONT_MATTER_OPEN = /^---[ \t]*$/;
const FRONT_MATTER_CLOSE = /^(?:---|\.\.\.)[ \t]*$/;

interface Line {
  start: number;
  end: number;
}

function lineTable(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      lines.push({ start, end: text.length });
      return lines;
    }
    lines.push({ start, end: nl });
    start = nl + 1;
  }
}

function trimmed(text: string, start: number, end: number): { start: number; end: number } | null {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s])) s++;
  while (e > s && /\s/.test(text[e - 1])) e--;
  return s < e ? { start: s, end: e } : null;
}

function lineText(text: string, line: Line): string {
  return text.slice(line.start, line.end).replace(/\r$/, '');
}

/** Lines `[from, to)` that hold the prompt once a whole-file wrapper fence is set aside. */
function unwrapFence(text: string, lines: Line[], out: Block[], masked: string[]): { from: number; to: number } {
  let first = 0;
  while (first < lines.length && lineText(text, lines[first]).trim() === '') first++;
  let last = lines.length - 1;
  while (last > first && lineText(text, lines[last]).trim() === '') last--;
  if (first >= last) return { from: 0, to: lines.length };
  const open = FENCE_OPEN.exec(lineText(text, lines[first]));
  if (!open || open[2] === undefined) return { from: 0, to: lines.length };
  const close = new RegExp(`^ {0,3}${open[1][0] === '`' ? '`' : '~'}{${open[1].length},}[ \\t]*$`);
  if (!close.test(lineText(text, lines[last]))) return { from: 0, to: lines.length };
  for (const i of [first, last]) {
    const r = trimmed(text, lines[i].start, lines[i].end);
    if (r) out.push({ kind: 'wrapper', ...r });
    masked[i] = '';
  }
  return { from: first + 1, to: last };
}

function maskFrontMatter(text: string, lines: Line[], from: number, to: number, out: Block[], masked: string[]): void {
  let first = from;
  while (first < to && lineText(text, lines[first]).trim() === '') first++;
  if (first >= to || !FRONT_MATTER_OPEN.test(lineText(text, lines[first]))) return;
  for (let j = first + 1; j < to; j++) {
    if (!FRONT_MATTER_CLOSE.test(lineText(text, lines[j]))) continue;
    // Only a block of `key: value` YAML is front matter; `---` then prose is a rule.
    const body = lines.slice(first + 1, j).map((l) => lineText(text, l));
    const looksLikeYaml = body.some((l) => /^[\w$"'-][^:]*:(\s|$)/.test(l)) || body.every((l) => l.trim() === '' || l.trimStart().startsWith('#'));
    if (!looksLikeYaml) return;
    out.push({ kind: 'front-matter', start: lines[first].start, end: lines[j].start + lineText(text, lines[j]).trimEnd().length });
    for (let k = first; k <= j; k++) masked[k] = '';
    return;
  }
}

/** Skips the token at `i` and, for an opening token, everything up to its closing one. */
function skipSubtree(tokens: Token[], i: number): number {
  if (tokens[i].nesting !== 1) return i + 1;
  let depth = 0;
  let j = i;
  do {
    depth += tokens[j].nesting;
    j++;
  } while (j < tokens.length && depth > 0);
  return j;
}

const SIMPLE: Record<string, BlockKind> = { fence: 'code', code_block: 'code', hr: 'rule' };
const SUBTREE: Record<string, BlockKind> = { heading_open: 'heading', table_open: 'table', blockquote_open: 'quote', paragraph_open: 'paragraph' };

/** The blocks of `text`, in document order, none overlapping. */
export function readBlocks(text: string): Block[] {
  const lines = lineTable(text);
  const out: Block[] = [];
  const masked: (string | undefined)[] = new Array(lines.length);
  const { from, to } = unwrapFence(text, lines, out, masked as string[]);
  maskFrontMatter(text, lines, from, to, out, masked as string[]);
  for (let i = from; i < to; i++) {
    if (masked[i] !== undefined) continue;
    if (TEMPLATE_LINE.test(lineText(text, lines[i]))) {
      const r = trimmed(text, lines[i].start, lines[i].end);
      if (r) out.push({ kind: 'template', ...r });
      masked[i] = '';
    }
  }
  // The source markdown-it sees: masked lines blank, lines outside the wrapper blank,
  // and lone carriage returns neutralised so its line numbers are ours.
  const source = lines
    .map((l, i) => (masked[i] !== undefined || i < from || i >= to ? '' : text.slice(l.start, l.end).replace(/\r/g, ' ').replace(/\0/g, ' ')))
    .join('\n');
  const tokens = markdownParser().parse(source, {});
  const range = (l0: number, l1: number) => trimmed(text, lines[l0].start, lines[Math.max(l0, l1 - 1)].end);
  const structural: Block[] = [];
  const push = (kind: BlockKind, l0: number, l1: number) => {
    const r = range(l0, l1);
    if (r) structural.push({ kind, ...r });
  };
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    if (!t.map) {
      i++;
      continue;
    }
    const [l0, l1] = t.map;
    if (t.type in SIMPLE) {
      push(SIMPLE[t.type], l0, l1);
      i++;
    } else if (t.type === 'html_block') {
      push(/^\s*<!--[\s\S]*-->\s*$/.test(t.content) ? 'comment' : 'html', l0, l1);
      i++;
    } else if (t.type in SUBTREE) {
      push(SUBTREE[t.type], l0, l1);
      i = skipSubtree(tokens, i);
    } else if (t.type === 'list_item_open') {
      // The item's own text: the marker line with its continuation lines (its first
      // paragraph), or the first child whole when that starts on the marker line.
      const next = tokens[i + 1];
      if (next?.map && next.map[0] === l0 && next.type !== 'bullet_list_open' && next.type !== 'ordered_list_open') {
        push('list-item', l0, next.map[1]);
        i = skipSubtree(tokens, i + 1);
      } else {
        push('list-item', l0, l0 + 1);
        i++;
      }
    } else {
      i++;
    }
  }
  // Masked blocks inside a structural one (a template line in a code block) belong to it.
  const inside = (b: Block) => structural.some((s) => s.start <= b.start && b.end <= s.end);
  const all = [...structural, ...out.filter((b) => !inside(b))];
  return all.sort((a, b) => a.start - b.start);
}
