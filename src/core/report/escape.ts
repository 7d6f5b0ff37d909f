/**
 * Escaping for reports. Everything a model wrote (answers, gradients, prompts, error
 * messages) goes through one of these before it lands in a report.
 */

/** Characters that reorder or hide text (bidi overrides and isolates, zero-width marks, C0 controls). */
// eslint-disable-next-line no-control-regex
const INVISIBLE_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Makes invisible controls visible (`⟨U+202E⟩`) so a report reads as it is. */
export function visibleControls(text: string): string {
  return text.replace(INVISIBLE_CONTROLS, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

/** Text for HTML element content and attribute values (quotes included). */
export function escapeHtml(text: string): string {
  return visibleControls(text).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Text for a Markdown paragraph or table cell: no markup of the text's own survives
 * (no links, images, emphasis, HTML, table breaks), line breaks become `<br>`.
 */
export function escapeMarkdownInline(text: string): string {
  return visibleControls(text)
    .replace(/[\\`*_[\]#!|<>&~]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`))
    .replace(/\r?\n/g, '<br>');
}

/**
 * A fenced code block the text cannot break out of: the fence is longer than any run of
 * backticks inside. Markdown renders a code block's content literally.
 */
export function markdownCodeBlock(text: string, info = 'text'): string {
  const clean = visibleControls(text);
  let longest = 0;
  for (const m of clean.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${clean}\n${fence}`;
}

/** Cuts a long text for a report, saying how much was left out. */
export function truncateForReport(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n… (${(text.length - max).toLocaleString('en-US')} more characters in the run's journal)`;
}
