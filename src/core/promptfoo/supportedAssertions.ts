import { DatasetError } from '../data/datasetError';
import { AssertionSchema, testName, type PromptfooAssertion, type PromptfooTest } from './testCase';

/**
 * Which promptfoo assertions DLPO scores itself, with promptfoo's meaning (see
 * `scoreAssertion.ts`), and which it refuses. A refused assertion stops the load with
 * the assertion and the test named, before any call: a test silently scored on fewer
 * assertions would pass where promptfoo fails it.
 */

export const SUPPORTED_ASSERTIONS = [
  'equals',
  'contains',
  'icontains',
  'contains-any',
  'contains-all',
  'icontains-any',
  'icontains-all',
  'regex',
  'starts-with',
  'is-json',
  'contains-json',
  'llm-rubric',
] as const;

/** Why some well-known assertions cannot run here (for a clearer message). */
const WHY: Record<string, string> = {
  javascript: 'it runs JavaScript code',
  python: 'it runs Python code',
  ruby: 'it runs Ruby code',
  webhook: 'it calls a webhook',
  similar: 'it needs an embedding model',
  'select-best': 'it compares outputs of several prompts',
  latency: 'DLPO does not measure latency per test the way promptfoo does',
  cost: 'DLPO does not price single calls the way promptfoo does',
  moderation: 'it needs a moderation API',
};

/** The assertions of an `assert-set` (checked by `checkAssertions`). */
export function setMembers(a: PromptfooAssertion): PromptfooAssertion[] {
  const members = (a as { assert?: unknown }).assert;
  return Array.isArray(members) ? (members as PromptfooAssertion[]) : [];
}

export function baseType(type: string): string {
  return type.startsWith('not-') ? type.slice(4) : type;
}

export function isSupportedAssertion(type: string): boolean {
  return (SUPPORTED_ASSERTIONS as readonly string[]).includes(baseType(type));
}

/** Keys of an assertion that change its result in promptfoo and that DLPO does not apply. */
const UNSUPPORTED_KEYS = ['transform', 'rubricPrompt', 'contextTransform'] as const;

function refuse(test: PromptfooTest, field: string, reason: string): never {
  throw new DatasetError(`${testName(test, test.origin)}: ${reason}`, { file: test.origin.file, record: test.origin.record, field });
}

/** Throws a `DatasetError` for the first assertion of `test` DLPO cannot score as promptfoo would. */
export function checkAssertions(test: PromptfooTest): void {
  test.assert.forEach((a, i) => checkOne(test, a, `assert[${i}]`, false));
}

function checkOne(test: PromptfooTest, a: PromptfooAssertion, field: string, inSet: boolean): void {
  const refuseHere = (reason: string): never => refuse(test, field, reason);
  if (a.type === 'assert-set') {
    if (inSet) refuseHere('an assert-set inside an assert-set is not supported');
    const raw = (a as { assert?: unknown }).assert;
    if (!Array.isArray(raw) || raw.length === 0) refuseHere('the assert-set has no assertions');
    const members = raw as unknown[];
    members.forEach((m, j) => {
      const parsed = AssertionSchema.safeParse(m);
      if (!parsed.success) refuse(test, `${field}.assert[${j}]`, `not a promptfoo assertion: ${parsed.error.issues[0].message}`);
      checkOne(test, parsed.data, `${field}.assert[${j}]`, true);
    });
    return;
  }
  const base = baseType(a.type);
  if (!isSupportedAssertion(a.type)) {
    const why = WHY[base] ? ` (${WHY[base]})` : '';
    refuseHere(`the assertion "${a.type}" cannot run in DLPO${why}; DLPO scores ${SUPPORTED_ASSERTIONS.join(', ')}, their not- forms and assert-set. Remove it or score this suite with promptfoo`);
  }
  // promptfoo's llm-rubric ignores the not- prefix, so its meaning there is not what the name says.
  if (a.type === 'not-llm-rubric') refuseHere('the assertion "not-llm-rubric" is ambiguous (promptfoo grades it as plain llm-rubric); write the rubric in the negative instead');
  for (const key of UNSUPPORTED_KEYS) {
    if ((a as Record<string, unknown>)[key] !== undefined) refuseHere(`the assertion "${a.type}" has "${key}", which DLPO does not apply`);
  }
  if (typeof a.value === 'string' && a.value.startsWith('file://')) refuseHere(`the assertion "${a.type}" reads its value from ${a.value}; DLPO takes inline values only`);
  const needsValue = !['is-json', 'contains-json'].includes(base);
  if (needsValue && (a.value === undefined || a.value === null || a.value === '')) refuseHere(`the assertion "${a.type}" has no value`);
}
