import type { z } from 'zod';
import { resolvePreset } from './presets';
import type { PresetName, RunConfig } from './runConfig';
import { RunConfigSchema } from './runConfig';

/**
 * One RunConfig from layers, later layers winning: the schema's defaults (the paper's),
 * then the workspace `dlpo.config.(json|yaml)`, then the command's flags or the
 * extension's quick picks. Objects merge field by field; everything else is replaced.
 * The preset's techniques sit under every layer's explicit technique fields, so
 * `--preset best --lr 2` is the best practice with R = 2.
 *
 * Problems come back as one readable line each (`techniques.dropout: must be ≤ 1 (got
 * 1.5)`), never as a zod dump, so the CLI can print them and exit 2 and the extension can
 * show them in a notification.
 */

export interface ConfigLayer {
  /** Where the values came from, for messages: `dlpo.config.yaml`, `flags`, `settings`. */
  source: string;
  values: Record<string, unknown>;
}

export type MergeResult = { ok: true; config: RunConfig } | { ok: false; problems: string[] };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Recursive merge: plain objects field by field, anything else replaced; undefined never overrides. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isPlainObject(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p as string];
  }
  return cur;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** One line for one zod issue, naming the field, the rule and what was given. */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const at = issue.path.length ? issue.path.map(String).join('.') : '(config)';
  const got = valueAt(input, issue.path);
  const i = issue as unknown as Record<string, unknown>;
  let rule: string;
  switch (issue.code) {
    case 'too_big':
      rule = `must be ${i.inclusive === false ? '<' : '≤'} ${String(i.maximum)}`;
      break;
    case 'too_small':
      rule =
        i.minimum === 0 || i.minimum === 0n
          ? i.inclusive === false
            ? 'must be greater than 0'
            : 'must not be negative'
          : i.origin === 'string'
            ? 'must not be empty'
            : `must be ${i.inclusive === false ? '>' : '≥'} ${String(i.minimum)}`;
      break;
    case 'invalid_type':
      if (got === undefined) return `${at}: is required`;
      rule = i.expected === 'int' ? 'must be a whole number' : `must be a ${String(i.expected)}`;
      break;
    case 'invalid_value':
      rule = `must be one of ${(i.values as unknown[]).map((x) => String(x)).join(', ')}`;
      break;
    case 'invalid_format':
      rule = `must be a valid ${String(i.format)}`;
      break;
    case 'not_multiple_of':
      rule = 'must be a whole number';
      break;
    case 'invalid_union':
      rule = 'has an invalid form';
      break;
    default:
      rule = issue.message;
  }
  if (issue.code === 'too_small' && typeof got === 'number' && i.origin === 'number' && got !== Math.trunc(got)) rule = 'must be a whole number';
  return `${at}: ${rule} (got ${show(got)})`;
}

/** Fields a layer names that the schema does not know: a typo would otherwise be ignored silently. */
function unknownFields(values: Record<string, unknown>, source: string): string[] {
  const problems: string[] = [];
  const shape = RunConfigSchema.shape as Record<string, unknown>;
  const nested: Record<string, Record<string, unknown>> = {};
  for (const key of ['techniques', 'method', 'budget', 'data', 'forward', 'backward', 'cache']) {
    const s = unwrap(shape[key]);
    if (s && isPlainObject((s as { shape?: unknown }).shape)) nested[key] = (s as { shape: Record<string, unknown> }).shape;
  }
  for (const [k, v] of Object.entries(values)) {
    if (!(k in shape)) {
      problems.push(`${k}: unknown field in ${source}${suggest(k, Object.keys(shape))}`);
      continue;
    }
    const inner = nested[k];
    if (inner && isPlainObject(v)) {
      for (const k2 of Object.keys(v)) {
        if (!(k2 in inner)) problems.push(`${k}.${k2}: unknown field in ${source}${suggest(k2, Object.keys(inner))}`);
      }
    }
  }
  return problems;
}

function unwrap(schema: unknown): unknown {
  let s = schema as { def?: { innerType?: unknown; type?: string } } | undefined;
  for (let i = 0; i < 5 && s?.def?.innerType; i++) s = s.def.innerType as typeof s;
  return s;
}

function suggest(name: string, known: string[]): string {
  const close = known.find((k) => editDistance(k.toLowerCase(), name.toLowerCase()) <= 2);
  return close ? ` (did you mean ${close}?)` : '';
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

export function mergeConfig(layers: readonly ConfigLayer[]): MergeResult {
  const problems: string[] = [];
  let merged: Record<string, unknown> = {};
  for (const layer of layers) {
    problems.push(...unknownFields(layer.values, layer.source));
    merged = deepMerge(merged, layer.values);
  }
  const parsed = RunConfigSchema.safeParse(merged);
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => describeIssue(i, merged)));
  if (problems.length || !parsed.success) return { ok: false, problems };
  // The preset supplies the techniques and method options no layer set explicitly.
  const explicitTechniques = isPlainObject(merged.techniques) ? merged.techniques : {};
  const explicitMethod = isPlainObject(merged.method) ? merged.method : {};
  const resolved = resolvePreset(parsed.data.preset as PresetName, { techniques: explicitTechniques, method: explicitMethod });
  return { ok: true, config: { ...parsed.data, techniques: resolved.techniques, method: resolved.method } };
}

/** mergeConfig that throws ConfigError (one line per problem) instead of returning problems. */
export function mergeConfigOrThrow(layers: readonly ConfigLayer[]): RunConfig {
  const r = mergeConfig(layers);
  if (!r.ok) throw new ConfigError(r.problems);
  return r.config;
}
