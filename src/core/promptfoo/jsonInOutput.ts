import { parseDocument } from 'yaml';

/**
 * The JSON objects embedded in a reply, found as promptfoo's `contains-json` finds them:
 * from each `{`, the text up to where its braces balance (or the end of the reply, with
 * the missing `}` added) is parsed leniently (YAML flow syntax, so `{a: 1}` counts), and
 * scanning resumes after an object that parsed. Only objects count, not bare arrays.
 * Bounded: at most `MAX_STARTS` start positions, `MAX_SPAN` characters each and
 * `MAX_SCANNED` in all, and the
 * lenient parser only for shallow, short candidates.
 */

const MAX_SPAN = 100_000;
const MAX_STARTS = 500;
/** Characters scanned over all start positions, so unbalanced braces cannot make it quadratic. */
const MAX_SCANNED = 2_000_000;

/** YAML's flow parser is slow on deep or long input; past these, only strict JSON is tried. */
const MAX_YAML_DEPTH = 64;
const MAX_YAML_CHARS = 20_000;

function parseObject(text: string, depth: number): object | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    // not strict JSON; try the lenient reading below
  }
  if (depth > MAX_YAML_DEPTH || text.length > MAX_YAML_CHARS) return undefined;
  const value = lenientValue(text);
  return value !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/**
 * YAML (so also JSON) text as a JSON-like value, or undefined when it does not parse or
 * uses a collection as a mapping key. Maps are read as Maps first so such a key is refused
 * rather than stringified with a process warning; aliases are capped.
 */
export function lenientValue(text: string): unknown {
  try {
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
    if (doc.errors.length) return undefined;
    return plain(doc.toJS({ maxAliasCount: 100, mapAsMap: true }));
  } catch {
    return undefined;
  }
}

/** YAML's Maps and arrays as JSON-like values; throws on a key that is not a scalar. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of v) {
      if (k !== null && typeof k === 'object') throw new Error('a mapping key that is a collection');
      out[String(k)] = plain(val);
    }
    return out;
  }
  return v;
}

export function jsonObjectsIn(output: string): object[] {
  const found: object[] = [];
  let starts = 0;
  let scanned = 0;
  for (let i = 0; i < output.length; i++) {
    if (output[i] !== '{') continue;
    if (++starts > MAX_STARTS || scanned > MAX_SCANNED) break;
    let open = 1;
    let close = 0;
    let depth = 1;
    const end = Math.min(i + MAX_SPAN, output.length);
    for (let j = i + 1; j < end && open > close; ) {
      scanned++;
      if (output[j] === '{') depth = Math.max(depth, ++open - close);
      else if (output[j] === '}') close++;
      j++;
      if (open === close || j === end) {
        const candidate = output.slice(i, j) + (open > close ? '}'.repeat(open - close) : '');
        const value = parseObject(candidate, depth);
        if (value) {
          found.push(value);
          i = j - 1;
          break;
        }
        if (open === close) break;
      }
    }
  }
  return found;
}

/** The whole reply parsed as strict JSON (promptfoo's `is-json`), or undefined. */
export function wholeJson(output: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(output) };
  } catch {
    return undefined;
  }
}
