/**
 * Model text for an editor hover (a Markdown string). The panel shows model text through
 * `textContent`; a hover has no such channel, so the text is made inert here instead:
 * every ASCII punctuation character is backslash-escaped (CommonMark allows that for all
 * of them), which leaves no emphasis, heading, list, table, HTML tag, entity or link
 * syntax — and no `://`, `www.` or `@` for GFM to turn into a live link. Characters that
 * reorder or hide text become visible markers, so "gnp.exe" behind a right-to-left
 * override reads as what it is.
 */

/** Bidi embeddings, overrides, isolates and marks; zero-width and invisible format characters; C0 controls but tab and line feed. */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u061C\u2060-\u2064\uFEFF\u180E\u00AD\u0000-\u0008\u000B-\u001F\u007F]/g;

/** Characters a hover shows of one model text before saying how much it left out. */
export const HOVER_TEXT_MAX = 1_200;

/** `⟨U+202E⟩` for a character that would otherwise reorder or hide what is around it. */
export function hiddenCharMarkers(text: string): string {
  return text.replace(HIDDEN, (c) => (c === '\r' ? '' : `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`));
}

/**
 * One model text as inert Markdown inline content. Line breaks stay line breaks (hard
 * breaks, so a multi-line sentence keeps its shape without leaving the paragraph); a
 * text longer than `max` is cut, saying by how much.
 */
export function hoverText(text: string, max = HOVER_TEXT_MAX): string {
  const cut = text.length > max;
  const shown = hiddenCharMarkers(cut ? text.slice(0, max) : text)
    // Blanks at either end show nothing; leading ones would open a code block (where escapes
    // read as backslashes), and a hard break must not end the paragraph (it would read as one).
    .replace(/^[ \t\n]+|[ \t\n]+$/g, '')
    .replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\\n');
  return cut ? `${shown} … (${(text.length - max).toLocaleString('en-US')} more characters)` : shown;
}
