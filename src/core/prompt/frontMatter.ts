import { parseYamlSafely } from '../data/safeYaml';
import { lineAt, PromptParseError } from './promptParseError';
import type { TextRange } from './promptDocument';

export interface FrontMatter {
  /** The block including both `---` lines and the line ending after the closing one. */
  range: TextRange;
  /** The YAML between the fences. */
  yamlRange: TextRange;
  data: unknown;
}

const OPEN = /^---[ \t]*(\r?\n)/;

/** Real front matter is a few hundred bytes; the YAML parser is slow on megabytes, so more is refused. */
export const MAX_FRONT_MATTER_CHARS = 64_000;
const CLOSE = /^(?:---|\.\.\.)[ \t]*$/;

/**
 * Finds YAML front matter starting at `from` (just after a BOM). With `strict`, an
 * unclosed block or invalid YAML is a `PromptParseError` with the YAML's line; without
 * it (plain markdown, where `---` may be a horizontal rule), such a block is not front matter.
 */
export function readFrontMatter(text: string, from: number, strict: boolean, fileName?: string): FrontMatter | undefined {
  const open = OPEN.exec(text.slice(from, from + 8));
  if (!open) return undefined;
  const yamlStart = from + open[0].length;
  let lineStart = yamlStart;
  while (lineStart <= text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    if (CLOSE.test(line)) {
      const blockEnd = nl < 0 ? text.length : nl + 1;
      const yamlText = text.slice(yamlStart, lineStart);
      if (yamlText.length > MAX_FRONT_MATTER_CHARS) {
        if (!strict) return undefined;
        throw new PromptParseError(`the front matter is over ${MAX_FRONT_MATTER_CHARS / 1000} KB; keep prompt settings short`, lineAt(text, from), fileName);
      }
      const parsed = parseYamlSafely(yamlText);
      if (!parsed.ok) {
        if (!strict) return undefined;
        // Clamp into the YAML: an unterminated construct is reported at its end, which is the closing fence.
        const offset = Math.min(yamlStart + parsed.offset, Math.max(yamlStart, lineStart - 1));
        throw new PromptParseError(`invalid YAML front matter: ${parsed.message}`, lineAt(text, offset), fileName);
      }
      const data = parsed.value ?? {};
      if (strict && (typeof data !== 'object' || Array.isArray(data))) {
        throw new PromptParseError('the front matter must be a YAML mapping (key: value lines)', lineAt(text, yamlStart), fileName);
      }
      if (!strict && (typeof data !== 'object' || Array.isArray(data))) return undefined;
      return { range: { start: from, end: blockEnd }, yamlRange: { start: yamlStart, end: lineStart }, data: jsonSafe(data) };
    }
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  if (!strict) return undefined;
  throw new PromptParseError('the front matter opened here is never closed with a "---" line', lineAt(text, from), fileName);
}

/** YAML can hold values JSON cannot (dates, bigints, Infinity); make them printable. */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), x]));
      if (v instanceof Set) return [...v];
      return v;
    }) ?? 'null',
  );
}
