import { promises as fs, readFileSync, statSync } from 'node:fs';

/**
 * Reading a user's file safely: the checks every loader (prompt or data) needs before it
 * trusts the bytes. Size is checked with `stat` first so a 50 MB file is refused without
 * being read; binary content (NUL bytes or invalid UTF-8) is refused with a clear reason.
 */

export type InputFileProblem = 'missing' | 'not-a-file' | 'too-large' | 'binary' | 'unreadable';

export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(
    readonly problem: InputFileProblem,
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_MAX_INPUT_BYTES = 50 * 1024 * 1024;

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Decodes bytes as UTF-8, refusing binary data. The BOM is kept as U+FEFF so that offsets
 * into the returned string match the file exactly (callers that do not want it strip it).
 */
export function decodeUtf8Strict(bytes: Uint8Array, file: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new InputFileError('binary', file, `${file} looks like a binary file (NUL byte at offset ${nul}); expected UTF-8 text`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InputFileError('binary', file, `${file} is not valid UTF-8 text; save it as UTF-8 and try again`);
  }
}

interface ReadOptions {
  maxBytes?: number;
  /** Names the file in messages ("prompt file", "dataset"). */
  what?: string;
}

/** The checks on `stat` both readers share: a regular file, not over the size limit. */
function checkStat(st: { isFile(): boolean; size: number }, path: string, o: ReadOptions): void {
  const what = o.what ?? 'file';
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  if (!st.isFile()) throw new InputFileError('not-a-file', path, `${what} ${path} is not a regular file`);
  if (st.size > maxBytes) {
    throw new InputFileError('too-large', path, `${what} ${path} is ${mib(st.size)}, over the ${mib(maxBytes)} limit; use a smaller file`);
  }
}

function accessError(e: unknown, path: string, o: ReadOptions): InputFileError {
  if (e instanceof InputFileError) return e;
  const what = o.what ?? 'file';
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new InputFileError('missing', path, `${what} not found: ${path}`);
  return new InputFileError('unreadable', path, `cannot read ${what} ${path}: ${(e as Error).message}`);
}

/** Reads a text file with the checks above. */
export async function readTextFile(path: string, options: ReadOptions = {}): Promise<string> {
  let bytes: Uint8Array;
  try {
    checkStat(await fs.stat(path), path, options);
    bytes = await fs.readFile(path);
  } catch (e) {
    throw accessError(e, path, options);
  }
  return decodeUtf8Strict(bytes, path);
}

/** The same checks, synchronously, for callers that cannot await (the prompt file of a run). */
export function readTextFileSync(path: string, options: ReadOptions = {}): string {
  let bytes: Uint8Array;
  try {
    checkStat(statSync(path), path, options);
    bytes = readFileSync(path);
  } catch (e) {
    throw accessError(e, path, options);
  }
  return decodeUtf8Strict(bytes, path);
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
