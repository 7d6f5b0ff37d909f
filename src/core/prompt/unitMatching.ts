import type { Sentence } from './sentenceTypes';

/**
 * How the diff recognises a unit across two versions of a prompt: by its content, with
 * list markers and numbering set aside (so renumbering after an insert is no change) and
 * whitespace collapsed (so a reflowed paragraph is no change); and how alike two
 * different units are, for pairing a rewrite with what it rewrote.
 */

/** A list item's marker: a bullet, `1.`/`1)` or `a.`/`a)`, with the space after it. */
export const LIST_MARKER = /^([-*+]|\d{1,9}[.)]|[a-zA-Z][.)])([ \t]+|$)/;

export function unitKey(unit: Pick<Sentence, 'kind' | 'text'>): string {
  const body = unit.kind === 'list-item' ? unit.text.replace(LIST_MARKER, '') : unit.text;
  return `${unit.kind}\u0000${body.replace(/\s+/g, ' ').trim()}`;
}

/** `unitKey` for a unit text whose kind is not at hand (list marker and whitespace set aside). */
export function unitTextKey(text: string): string {
  return text.replace(LIST_MARKER, '').replace(/\s+/g, ' ').trim();
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Dice coefficient of the two units' word multisets, 0..1. */
export function unitSimilarity(a: Pick<Sentence, 'kind' | 'text'>, b: Pick<Sentence, 'kind' | 'text'>): number {
  const wa = words(a.kind === 'list-item' ? a.text.replace(LIST_MARKER, '') : a.text);
  const wb = words(b.kind === 'list-item' ? b.text.replace(LIST_MARKER, '') : b.text);
  if (wa.length === 0 && wb.length === 0) return a.kind === b.kind ? 1 : 0;
  const counts = new Map<string, number>();
  for (const w of wa) counts.set(w, (counts.get(w) ?? 0) + 1);
  let shared = 0;
  for (const w of wb) {
    const c = counts.get(w) ?? 0;
    if (c > 0) {
      shared++;
      counts.set(w, c - 1);
    }
  }
  const score = (2 * shared) / (wa.length + wb.length);
  // A rewrite usually keeps its kind; pairing across kinds needs a closer match.
  return a.kind === b.kind ? score : score * 0.6;
}

/** Two units are a rewrite of each other from this similarity on. */
export const PAIRING_THRESHOLD = 0.3;
