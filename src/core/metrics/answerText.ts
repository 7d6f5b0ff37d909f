/**
 * Where the answer is in a model's reply. The paper's format instruction asks for a last
 * line `Answer: $VALUE`, so the text after the *last* `Answer:` wins (earlier ones are
 * usually inside the reasoning). Markdown emphasis around it is common and ignored.
 */

// `(?:\s+is)?\s*` rather than `\s*(?:is)?\s*`: two adjacent `\s*` backtrack quadratically on long whitespace.
const ANSWER_MARKER = /\banswer(?:\s+is)?\s*[:：]/gi;

/** Text after the last `Answer:` (case-insensitive), or undefined when there is none. */
export function textAfterLastAnswer(output: string): string | undefined {
  let last: RegExpExecArray | undefined;
  ANSWER_MARKER.lastIndex = 0;
  for (let m = ANSWER_MARKER.exec(output); m; m = ANSWER_MARKER.exec(output)) last = m;
  if (!last) return undefined;
  return output.slice(last.index + last[0].length);
}

/** Strips markdown emphasis, quotes, a trailing full stop and surrounding whitespace. */
export function cleanAnswer(text: string): string {
  let t = text.trim();
  // Only the first line: the answer line, not what a chatty model adds after it.
  const newline = t.indexOf('\n');
  if (newline >= 0) t = t.slice(0, newline).trim();
  for (let i = 0; i < 3; i++) {
    const before = t;
    t = t.replace(/^(\*\*|__|\*|_|`|"|'|“|”)+/, '').replace(/(\*\*|__|\*|_|`|"|'|“|”)+$/, '');
    t = t.replace(/[.。]\s*$/, '').trim();
    if (t === before) break;
  }
  return t;
}

/** The answer part of a reply: the cleaned text after the last `Answer:`, else the whole reply trimmed. */
export function answerPart(output: string): { text: string; marked: boolean } {
  const after = textAfterLastAnswer(output);
  if (after !== undefined) return { text: cleanAnswer(after), marked: true };
  return { text: output.trim(), marked: false };
}

/** Shortens text for a one-line reason. */
export function brief(text: string, max = 40): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
