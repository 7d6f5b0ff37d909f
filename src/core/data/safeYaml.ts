import { parseDocument, visit, type Node } from 'yaml';

/**
 * YAML from users' files (front matter, promptfoo test lists), parsed with the limits the
 * `yaml` package leaves to the caller: converting a document whose aliases refer back into
 * themselves (`a: &a [*a, *a, …]`) takes time exponential in their number, so recursive
 * aliases and more than `MAX_ALIASES` aliases are refused before conversion.
 */

export const MAX_ALIASES = 100;

export type SafeYamlResult = { ok: true; value: unknown } | { ok: false; message: string; offset: number };

export function parseYamlSafely(text: string): SafeYamlResult {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    return { ok: false, message: err.message.split('\n')[0], offset: err.pos?.[0] ?? 0 };
  }
  let aliases = 0;
  let problem: { message: string; offset: number } | undefined;
  visit(doc, {
    Alias(_key, node, path) {
      aliases++;
      const target = node.resolve(doc);
      const offset = node.range?.[0] ?? 0;
      if (target && path.some((ancestor) => ancestor === (target as unknown as Node))) {
        problem = { message: `the alias *${node.source} refers to a value that contains it (a recursive alias)`, offset };
        return visit.BREAK;
      }
      if (aliases > MAX_ALIASES) {
        problem = { message: `more than ${MAX_ALIASES} YAML aliases`, offset };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (problem) return { ok: false, ...problem };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch (e) {
    return { ok: false, message: (e as Error).message.split('\n')[0], offset: 0 };
  }
}

