import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_MAX_INPUT_BYTES, decodeUtf8Strict } from '../data/inputFile';
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
  let bytes: Buffer;
  try {
    // Size first: a huge file is refused before it is read whole.
    const size = fs.statSync(file).size;
    if (size > DEFAULT_MAX_INPUT_BYTES) {
      throw new PromptFileError(`The prompt file ${file} is ${(size / 2 ** 20).toFixed(1)} MiB, over the ${DEFAULT_MAX_INPUT_BYTES / 2 ** 20} MiB limit; is it really a prompt?`);
    }
    bytes = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof PromptFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new PromptFileError(code === 'ENOENT' ? `Prompt file not found: ${file}.` : `Cannot read the prompt file ${file} (${code ?? String(e)}).`);
  }
  // Binary or non-UTF-8 files are refused with a clear message instead of being mangled.
  const text = decodeUtf8Strict(bytes, file);
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
