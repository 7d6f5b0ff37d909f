import * as path from 'node:path';
import { InputFileError, readTextFileSync } from '../data/inputFile';
import { parsePromptDocument } from '../prompt/parsePromptDocument';
import type { PromptDocument, RegionOption } from '../prompt/promptDocument';
import { PromptParseError } from '../prompt/promptParseError';
import { replaceBody } from '../prompt/replaceBody';

/**
 * The user's prompt file as a run sees it: read once, never written. A run's prompt
 * files (`best.prompt.*`, `final.prompt.*`) are this document with only the body
 * replaced, so front matter, other sections and line endings stay as the user wrote them.
 */
export interface LoadedPrompt {
  file: string;
  document: PromptDocument;
  body: string;
  /** The whole document with `body` in place of the optimizable region. */
  withBody(body: string): string;
  /** Why `body` cannot be written into this document (it would break its structure), or null. */
  problemWith(body: string): string | null;
}

export class PromptFileError extends Error {
  override readonly name = 'PromptFileError';
}

export function loadPromptFile(file: string, region?: RegionOption): LoadedPrompt {
  let text: string;
  try {
    // Size is checked before reading; binary or non-UTF-8 files are refused, not mangled.
    text = readTextFileSync(file, { what: 'prompt file' });
  } catch (e) {
    if (e instanceof InputFileError && e.problem === 'missing') throw new PromptFileError(`Prompt file not found: ${file}.`);
    throw e;
  }
  const document = parsePromptDocument(text, path.basename(file), region ? { region } : {});
  return {
    file,
    document,
    body: document.body,
    withBody: (body) => replaceBody(document, body),
    problemWith: (body) => {
      try {
        replaceBody(document, body);
        return null;
      } catch (e) {
        if (e instanceof PromptParseError) return e.reason;
        throw e;
      }
    },
  };
}
