/**
 * Sentence-level units of a prompt: the "parameters" DLPO edits. Markdown structure is
 * kept: a heading, a list item or a whole code fence is one unit.
 */
export type SentenceKind = 'sentence' | 'heading' | 'list-item' | 'code' | 'table-row';

export interface Sentence {
  /** The unit's text without the whitespace around it. */
  text: string;
  /** UTF-16 offsets of `text` in the segmented string. */
  start: number;
  end: number;
  kind: SentenceKind;
}

/**
 * One sentence edit between two prompts. Indices refer to the sentence arrays of the
 * `before` and `after` texts.
 */
export type SentenceEdit =
  | { op: 'add'; afterIndex: number; text: string; /** insert after this before-index (-1 = at the start) */ anchor: number }
  | { op: 'delete'; beforeIndex: number; text: string }
  | { op: 'modify'; beforeIndex: number; afterIndex: number; before: string; after: string };
