import { parsePromptDocument } from '../prompt/parsePromptDocument';
import type { RegionOption } from '../prompt/promptDocument';
import { PromptParseError } from '../prompt/promptParseError';

/**
 * The optimizable region of a prompt document as the review works with it. `text` has
 * `\n` line endings whatever the file uses, so a candidate (written by a model, with
 * `\n`) compares equal to the same text in a CRLF file; `toDocumentOffset` maps offsets
 * in `text` back to the document.
 */
export interface PromptRegion {
  /** Offsets of the region in the document text. */
  start: number;
  end: number;
  text: string;
  toDocumentOffset(offset: number): number;
}

export function toLf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/**
 * Finds the region the same way the run did (`parsePromptDocument` with the run's
 * region option), or returns null when the document no longer parses.
 */
export function locateRegion(documentText: string, fileName: string, option?: RegionOption): PromptRegion | null {
  let range: { start: number; end: number };
  try {
    range = parsePromptDocument(documentText, fileName, option ? { region: option } : {}).bodyRange;
  } catch (e) {
    if (e instanceof PromptParseError) return null;
    throw e;
  }
  const raw = documentText.slice(range.start, range.end);
  if (!raw.includes('\r\n')) return { ...range, text: raw, toDocumentOffset: (o) => range.start + o };
  // Offsets of each "\r" dropped, in LF coordinates, to shift LF offsets back.
  const dropped: number[] = [];
  let lfIndex = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\r' && raw[i + 1] === '\n') {
      dropped.push(lfIndex);
      continue;
    }
    lfIndex++;
  }
  return {
    ...range,
    text: toLf(raw),
    toDocumentOffset: (o) => {
      let shift = 0;
      while (shift < dropped.length && dropped[shift] < o) shift++;
      return range.start + o + shift;
    },
  };
}
