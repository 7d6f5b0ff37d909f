/**
 * The units DLPO edits, read from the document's markdown structure (see
 * `segmentSentences`): a sentence of a paragraph, a heading, a list item with its
 * continuation lines, a whole table, a whole code block, a whole block quote, an HTML
 * block, a thematic break. Front matter, HTML comments and template control lines
 * (`{% … %}`, `{{#each}}`) and the fence lines around a whole-file ````prompt```` block are units too, so the diff can align around them, but they
 * are never editable.
 */
export type SentenceKind =
  | 'sentence'
  | 'heading'
  | 'list-item'
  | 'table'
  | 'code'
  | 'quote'
  | 'html'
  | 'rule'
  | 'front-matter'
  | 'comment'
  | 'template'
  | 'wrapper';

/** The kinds no edit may touch: they are document machinery, not instructions. */
export const FIXED_KINDS: ReadonlySet<SentenceKind> = new Set<SentenceKind>(['front-matter', 'comment', 'template', 'wrapper']);

export interface Sentence {
  /** The unit's text without the whitespace around it. */
  text: string;
  /** UTF-16 offsets of `text` in the segmented string. */
  start: number;
  end: number;
  kind: SentenceKind;
}

/**
 * One edit between two prompts. Indices refer to the unit arrays of the `before` and
 * `after` texts. `anchor` is the before-index of the unit an added or moved run follows
 * (-1 = at the start); units sharing an anchor keep the proposal's order (`afterIndex`).
 * `gap` is the whitespace in front of the added or moved text in the proposal, so an
 * applied subset can reuse the proposal's line structure; `kind` is the new text's kind in
 * the proposal, which its text alone may not tell (`* If…` in the middle of a paragraph is
 * prose, on a line of its own a list item). Both are optional: older journals lack them.
 */
export type SentenceEdit =
  | { op: 'add'; afterIndex: number; text: string; anchor: number; gap?: string; kind?: SentenceKind }
  | { op: 'delete'; beforeIndex: number; text: string }
  | { op: 'modify'; beforeIndex: number; afterIndex: number; before: string; after: string; kind?: SentenceKind }
  | {
      op: 'move';
      /** First moved unit in `before`; the run is `count` consecutive units. */
      beforeIndex: number;
      count: number;
      afterIndex: number;
      anchor: number;
      /** The moved units' text as it stands in `before`. */
      text: string;
      gap?: string;
    };
