/**
 * Reading the parts of a backward request the way a model would: by the tags the trainer
 * wraps them in (src/core/dlpo/markers.ts). Tolerant of whitespace and missing tags.
 */

export function extractTag(text: string, tag: string): string | undefined {
  const open = `<${tag}>`;
  const start = text.indexOf(open);
  if (start < 0) return undefined;
  const from = start + open.length;
  const end = text.indexOf(`</${tag}>`, from);
  return (end < 0 ? text.slice(from) : text.slice(from, end)).replace(/^\n/, '').replace(/\n$/, '');
}

/** The bodies of every `<tag>…</tag>` block, in order. */
export function extractAllTags(text: string, tag: string): string[] {
  const out: string[] = [];
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  let from = 0;
  for (let guard = 0; guard < 10_000; guard++) {
    const start = text.indexOf(open, from);
    if (start < 0) break;
    const end = text.indexOf(close, start + open.length);
    if (end < 0) break;
    out.push(text.slice(start + open.length, end).trim());
    from = end + close.length;
  }
  return out;
}

/** The prompt a critique or gradient request is about, under any of the names requests use for it. */
export function promptUnderReview(text: string): string | undefined {
  for (const tag of ['CURRENT_PROMPT', 'SYSTEM_PROMPT', 'PROMPT', 'VARIABLE', 'ROLE']) {
    const body = extractTag(text, tag);
    if (body !== undefined && body.trim()) return body;
  }
  return undefined;
}

/** The learning rate R an update request states ("your learning rate is R"), if any. */
export function learningRateOf(block: string | undefined): number | undefined {
  if (!block) return undefined;
  const m = /learning rate (?:is|of|=|:)\s*(\d+)/i.exec(block) ?? /at most (\d+) (?:sentence )?edits?/i.exec(block);
  return m ? Number(m[1]) : undefined;
}

/** Whether a critique request reports the answer as wrong. */
export function verdictIsWrong(text: string): boolean {
  if (/\b(incorrect|partially correct|wrong|score:\s*0(?:\.\d+)?\b|failed|does not match)/i.test(text)) return true;
  return !/\b(correct|score:\s*1\b)/i.test(text);
}
