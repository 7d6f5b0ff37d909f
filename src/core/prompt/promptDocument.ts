import type { TemplateVariable } from './templateVariables';

/**
 * A prompt file, parsed. Offsets are UTF-16 code-unit offsets into `text`, which is the
 * file decoded as UTF-8 *including* a leading BOM character (U+FEFF) when the file has
 * one; so `text.slice(bodyRange.start, bodyRange.end) === body` always holds, and
 * writing `text` back as UTF-8 reproduces the file byte for byte.
 */

export type PromptFormat = 'prompt.md' | 'prompty' | 'instructions.md' | 'chatmode.md' | 'markdown' | 'text';

export interface TextRange {
  start: number;
  end: number;
}

export type RegionKind = 'front-matter' | 'wrapper' | 'role-section' | 'marked' | 'heading-section' | 'selection' | 'body' | 'prompt';

/** A named part of the document, listed by `dlpo inspect`. */
export interface PromptRegion extends TextRange {
  kind: RegionKind;
  /** Role (`system`), heading text, or undefined. */
  name?: string;
  /** Whether this region is the optimizable body. */
  optimizable: boolean;
}

export interface PromptDocument {
  fileName: string;
  format: PromptFormat;
  /** The whole file text (BOM included). */
  text: string;
  hasBom: boolean;
  /** The line ending that dominates the file; new text is written with it. */
  eol: '\n' | '\r\n';
  /** The YAML front matter as data, or null when there is none. */
  frontMatter: unknown;
  /** The front matter block including its `---` lines, when present. */
  frontMatterRange?: TextRange;
  /** The optimizable text: what DLPO edits. */
  body: string;
  bodyRange: TextRange;
  /** How the body was chosen. */
  bodySource: RegionKind;
  regions: PromptRegion[];
  /** Template variables inside the body, with offsets in `text`. */
  variables: TemplateVariable[];
  /**
   * The part of the file a forward call sends, when not all of it: one prompt of a
   * promptfoo multi-prompt `.txt` file. Absent means everything after the front matter.
   */
  sendRange?: TextRange;
  /** A promptfoo multi-prompt file's prompts (two or more), when the file is one. */
  prompts?: TextRange[];
  /** The region option the document was parsed with, so a rewrite can be re-checked the same way. */
  region?: RegionOption;
}

/**
 * Region options: a role section of a `.prompty`, a markdown heading, explicit offsets
 * (an editor selection), or the 1-based number of one prompt in a multi-prompt `.txt` file.
 */
export type RegionOption = { section: string } | { start: number; end: number } | { prompt: number };
