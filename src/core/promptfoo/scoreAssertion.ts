import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { brief } from '../metrics/answerText';
import { jsonObjectsIn, lenientValue, wholeJson } from './jsonInOutput';
import { baseType } from './supportedAssertions';
import type { PromptfooAssertion } from './testCase';

/**
 * One assertion checked against a reply with promptfoo's meaning (values already
 * rendered, see `renderAssertion.ts`):
 *
 * - `equals`: the whole output is the value (`String(value) === output`, no trimming of
 *   the output; a CSV `__expected` cell was trimmed when read); an object value is
 *   compared with the output parsed as JSON;
 * - `contains`/`icontains`, their `-any`/`-all` forms (a string value is split on commas),
 *   `starts-with`, `regex` (no flags);
 * - `is-json`: the whole output parses as JSON; `contains-json`: some object in it
 *   parses (both validated against the value as a JSON Schema when there is one);
 * - `llm-rubric`: graded by DLPO's judge; it passes at a score of 0.5, or the
 *   assertion's `threshold`.
 *
 * `not-` inverts the pass; every check scores 1 when it passes and 0 when it fails, as in
 * promptfoo (the judge's score is kept for `llm-rubric`).
 */

export interface AssertionResult {
  pass: boolean;
  score: number;
  reason: string;
}

export type RubricJudge = (rubric: string, output: string, signal?: AbortSignal) => Promise<{ score: number; reason: string }>;

function asText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

function listOf(value: unknown, quoted: boolean): string[] {
  if (Array.isArray(value)) return value.map(asText);
  const text = asText(value);
  // contains-any honours "quoted, values" in a string; the other list forms split on every comma.
  if (quoted) return (text.match(/(".*?"|[^,]+)(?=\s*,|\s*$)/g) ?? []).map((v) => v.trim().replace(/^"|"$/g, ''));
  return text.split(',').map((v) => v.trim());
}

const validators = new Map<string, z.ZodType | Error>();

function schemaValidator(value: unknown): z.ZodType | Error {
  const key = JSON.stringify(value);
  const known = validators.get(key);
  if (known) return known;
  let compiled: z.ZodType | Error;
  try {
    let schema = value;
    if (typeof value === 'string') {
      schema = lenientValue(value);
      if (schema === undefined) throw new Error('not valid YAML/JSON');
    }
    compiled = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (e) {
    compiled = new Error(`the JSON Schema does not compile: ${(e as Error).message}`);
  }
  validators.set(key, compiled);
  return compiled;
}

function verdict(pass: boolean, inverse: boolean, what: string): AssertionResult {
  const ok = pass !== inverse;
  return { pass: ok, score: ok ? 1 : 0, reason: ok ? `passed: ${inverse ? 'not ' : ''}${what}` : `failed: expected the output to ${inverse ? 'not ' : ''}${what}` };
}

export async function scoreAssertion(a: PromptfooAssertion, output: string, judge: RubricJudge | undefined, signal?: AbortSignal): Promise<AssertionResult> {
  const inverse = a.type.startsWith('not-');
  const type = baseType(a.type);
  const v = a.value;
  switch (type) {
    case 'equals': {
      if (v !== null && typeof v === 'object') {
        const json = wholeJson(output);
        return verdict(json !== undefined && isDeepStrictEqual(v, json.value), inverse, `equal ${brief(JSON.stringify(v))}`);
      }
      return verdict(asText(v) === output, inverse, `equal "${brief(asText(v))}"`);
    }
    case 'contains':
      return verdict(output.includes(asText(v)), inverse, `contain "${brief(asText(v))}"`);
    case 'icontains':
      return verdict(output.toLowerCase().includes(asText(v).toLowerCase()), inverse, `contain "${brief(asText(v))}" (any case)`);
    case 'contains-any':
    case 'icontains-any':
    case 'contains-all':
    case 'icontains-all': {
      const ci = type.startsWith('i');
      const items = listOf(v, type === 'contains-any');
      const hay = ci ? output.toLowerCase() : output;
      const has = (s: string) => hay.includes(ci ? s.toLowerCase() : s);
      const any = type.endsWith('any');
      return verdict(any ? items.some(has) : items.every(has), inverse, `contain ${any ? 'one' : 'all'} of [${brief(items.join(', '))}]${ci ? ' (any case)' : ''}`);
    }
    case 'starts-with':
      return verdict(output.startsWith(asText(v)), inverse, `start with "${brief(asText(v))}"`);
    case 'regex': {
      let re: RegExp;
      try {
        re = new RegExp(asText(v));
      } catch (e) {
        return { pass: false, score: 0, reason: `invalid regex /${brief(asText(v))}/: ${brief((e as Error).message, 60)}` };
      }
      return verdict(re.test(output.slice(0, 100_000)), inverse, `match /${brief(asText(v), 40)}/`);
    }
    case 'is-json':
    case 'contains-json': {
      const candidates = type === 'is-json' ? (wholeJson(output) ? [wholeJson(output)!.value] : []) : jsonObjectsIn(output);
      let pass = inverse ? candidates.length === 0 : candidates.length > 0;
      let reason = type === 'is-json' ? 'be valid JSON' : 'contain a JSON object';
      if (pass && !inverse && v !== undefined && v !== null && v !== '') {
        const validator = schemaValidator(v);
        if (validator instanceof Error) return { pass: false, score: 0, reason: validator.message };
        pass = candidates.some((c) => validator.safeParse(c).success);
        reason += ' matching the schema';
      }
      return pass ? { pass, score: 1, reason: `passed: ${inverse ? 'not ' : ''}${reason}` } : { pass, score: 0, reason: `failed: expected the output to ${inverse ? 'not ' : ''}${reason}` };
    }
    case 'llm-rubric': {
      if (!judge) throw new Error('llm-rubric needs a judge model');
      const graded = await judge(asText(v), output, signal);
      const threshold = a.threshold ?? 0.5;
      const pass = graded.score >= threshold;
      return { pass, score: graded.score, reason: `${pass ? 'passed' : 'failed'}: rubric "${brief(asText(v), 40)}" (${graded.reason})` };
    }
    default:
      // checkAssertions refuses every other type at load time.
      throw new Error(`unsupported assertion ${a.type}`);
  }
}
