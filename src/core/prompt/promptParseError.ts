/**
 * A prompt file that cannot be used as asked, with the 1-based line where the problem
 * is. The message reads `file:line: reason`.
 */
export class PromptParseError extends Error {
  override readonly name = 'PromptParseError';
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly fileName?: string,
  ) {
    super(`${fileName ? `${fileName}:` : ''}${line}: ${reason}`);
  }
}

/** 1-based line number of a UTF-16 offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
