import { linesOf } from './documentSections';
import type { TextRange } from './promptDocument';

/**
 * promptfoo's multi-prompt text files: a line that is only `---` (surrounding spaces
 * allowed) separates prompts; each prompt is trimmed, and empty ones are skipped, as in
 * promptfoo's own text-file loader. Ranges are offsets into `text`, already trimmed.
 */
export const PROMPT_SEPARATOR = '---';

export function splitPrompts(text: string, range: TextRange = { start: 0, end: text.length }): TextRange[] {
  const prompts: TextRange[] = [];
  let from = range.start;
  const flush = (to: number) => {
    let start = from;
    let end = to;
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (end > start) prompts.push({ start, end });
  };
  for (const line of linesOf(text, range)) {
    if (line.text.trim() !== PROMPT_SEPARATOR) continue;
    flush(line.start);
    from = line.next;
  }
  flush(range.end);
  return prompts;
}

/** A one-line preview of each prompt, for the message that asks the user to choose. */
export function describePrompts(text: string, prompts: readonly TextRange[], max = 5): string {
  const shown = prompts.slice(0, max).map((p, i) => {
    const first = text.slice(p.start, p.end).split('\n')[0].trim();
    return `${i + 1}: "${first.length > 50 ? `${first.slice(0, 49)}…` : first}"`;
  });
  return `${shown.join(', ')}${prompts.length > max ? `, … (${prompts.length} in all)` : ''}`;
}
