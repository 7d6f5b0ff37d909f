import { DatasetError } from '../data/datasetError';
import { assertionFromString } from './assertionFromString';
import type { PromptfooAssertion, RawTestCase } from './testCase';

/**
 * One CSV row as a promptfoo test: plain columns are vars; `__expected`, `__expected1`…
 * are assertions (`assertionFromString`, empty cells skipped); `__description`,
 * `__threshold`, `__metric` and `__config:__expectedN:threshold` mean what they mean in
 * promptfoo; `__metadata:*` is kept out of the vars. `__prefix`/`__suffix` (text added
 * around the prompt) and `__providerOutput` (a canned output) change what is sent or
 * scored, which DLPO does not do, so they are refused rather than ignored.
 */
export function csvTestCase(row: Readonly<Record<string, unknown>>, where: { file: string; line?: number }): RawTestCase {
  const vars: Record<string, unknown> = {};
  const asserts: PromptfooAssertion[] = [];
  const configs = new Map<number, number>();
  let description: string | undefined;
  let metric: string | undefined;
  let threshold: number | undefined;
  for (const [rawKey, rawValue] of Object.entries(row)) {
    const key = rawKey.trim();
    const value = typeof rawValue === 'string' ? rawValue : String(rawValue ?? '');
    if (key.startsWith('__expected')) {
      if (value.trim() !== '') asserts.push(assertionFromString(value.trim()));
    } else if (key === '__description') description = value;
    else if (key === '__metric') metric = value;
    else if (key === '__threshold') threshold = Number.parseFloat(value);
    else if (key.startsWith('__metadata')) continue;
    else if (key === '__prefix' || key === '__suffix' || key === '__providerOutput') {
      if (value !== '') throw new DatasetError(`the promptfoo column "${key}" is not supported by DLPO (it changes what is sent or scored); remove it`, { ...where, field: key });
    } else if (key.startsWith('__config:')) {
      const m = /^__config:__expected(\d*):threshold$/.exec(key);
      if (!m) throw new DatasetError('only __config:__expected[N]:threshold columns are understood', { ...where, field: key });
      if (value.trim() === '') continue;
      const t = Number.parseFloat(value);
      if (!Number.isFinite(t)) throw new DatasetError(`"${value}" is not a number`, { ...where, field: key });
      configs.set(m[1] === '' ? 0 : Number(m[1]) - 1, t);
    } else vars[key] = value;
  }
  asserts.forEach((a, i) => {
    if (metric) a.metric = metric;
    const t = configs.get(i);
    if (t !== undefined) a.threshold = t;
  });
  const test: RawTestCase = { vars, assert: asserts };
  if (description) test.description = description;
  if (threshold !== undefined && Number.isFinite(threshold)) test.threshold = threshold;
  return test;
}

/** True when a CSV's columns make it a promptfoo test file rather than a plain dataset. */
export function isPromptfooCsv(fields: readonly string[]): boolean {
  return fields.some((f) => f.trim().startsWith('__expected'));
}
