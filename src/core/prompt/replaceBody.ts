import { parsePromptDocument } from './parsePromptDocument';
import type { PromptDocument } from './promptDocument';
import { lineAt, PromptParseError } from './promptParseError';

/**
 * The file text with the body replaced and nothing else changed: front matter, other
 * sections, markers, surrounding whitespace, BOM and line endings outside the body stay
 * byte for byte. The new body's line endings are converted to the file's dominant one
 * (an unchanged body is returned as the original text, so mixed-ending files survive too).
 *
 * The result is parsed again; if the new body would change the document's structure (a
 * new `user:` role line in a Prompty system section, a same-level heading in a heading
 * section, a dlpo marker, or front matter at the top of a plain file), it is refused with
 * a `PromptParseError` rather than written.
 */
export function replaceBody(doc: PromptDocument, newBody: string): string {
  if (newBody === doc.body) return doc.text;
  const normalized = newBody.replace(/\r\n|\r|\n/g, doc.eol).replace(/^\s+|\s+$/g, '');
  if (normalized === '') throw new PromptParseError('the new prompt body is empty', lineAt(doc.text, doc.bodyRange.start), doc.fileName);
  if (normalized === doc.body) return doc.text;
  const { start, end } = doc.bodyRange;
  const result = doc.text.slice(0, start) + normalized + doc.text.slice(end);
  const region = doc.region && 'start' in doc.region ? { start, end: start + normalized.length } : doc.region;
  let reparsed: PromptDocument;
  try {
    reparsed = parsePromptDocument(result, doc.fileName, { region });
  } catch (e) {
    if (e instanceof PromptParseError) {
      throw new PromptParseError(`the new body would break the file: ${e.reason}`, e.line, doc.fileName);
    }
    throw e;
  }
  if (reparsed.body !== normalized || reparsed.bodyRange.start !== start) {
    throw new PromptParseError(
      'the new body would change the file structure (it adds a role line, a same-level heading, a dlpo marker or front matter); refusing to write it',
      lineAt(doc.text, start),
      doc.fileName,
    );
  }
  return result;
}
