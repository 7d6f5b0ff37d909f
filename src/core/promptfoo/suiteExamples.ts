import * as path from 'node:path';
import { cellText } from '../data/datasetRows';
import type { Example } from '../data/example';
import { INPUT_FIELD_CANDIDATES } from '../data/fieldMapping';
import { DatasetError } from '../data/datasetError';
import type { PromptfooSuite } from './loadSuite';
import { setMembers } from './supportedAssertions';
import type { PromptfooAssertion } from './testCase';

/**
 * A suite's tests as examples. `vars` are the test's vars (nested values kept in
 * `values`); `input` is `inputField`, else the only var, else the first of the usual
 * input names, else the first var (it is what a prompt without variables receives as
 * the user message); `gold` says what the assertions want, for the optimizer's
 * feedback and reports: the value of a lone value assertion, else every assertion
 * listed. Ids are the test's description when every test has a distinct one, else
 * `<file>#<n>`.
 */

function describe(a: PromptfooAssertion): string {
  if (a.type === 'assert-set') return `assert-set(${setMembers(a).map(describe).join('; ')})`;
  const value = a.value === undefined ? '' : typeof a.value === 'string' ? a.value : JSON.stringify(a.value);
  return value === '' ? a.type : `${a.type}: ${value}`;
}

export function goldOf(assert: readonly PromptfooAssertion[]): string {
  if (assert.length === 1 && ['equals', 'contains', 'icontains', 'starts-with'].includes(assert[0].type) && typeof assert[0].value === 'string') return assert[0].value;
  return assert.map(describe).join('; ');
}

function pickInput(vars: Record<string, unknown>, inputField: string | undefined): string | undefined {
  const names = Object.keys(vars);
  if (inputField !== undefined) return inputField;
  if (names.length === 1) return names[0];
  for (const c of INPUT_FIELD_CANDIDATES) {
    const hit = names.find((n) => n.toLowerCase() === c);
    if (hit !== undefined) return hit;
  }
  return names[0];
}

export function suiteExamples(suite: PromptfooSuite, options: { inputField?: string } = {}): Example[] {
  if (suite.tests.length === 0) throw new DatasetError('the promptfoo suite has no tests', { file: suite.file });
  const source = path.basename(suite.file);
  const descriptions = suite.tests.map((t) => t.description.trim());
  const useDescriptions = descriptions.every((d) => d !== '') && new Set(descriptions).size === descriptions.length;
  return suite.tests.map((test, i) => {
    const inputName = pickInput(test.vars, options.inputField);
    if (options.inputField !== undefined && !(options.inputField in test.vars)) {
      throw new DatasetError(`has no var "${options.inputField}" (vars: ${Object.keys(test.vars).join(', ') || 'none'}); fix --input-field`, { file: test.origin.file, record: test.origin.record });
    }
    const vars: Record<string, string> = {};
    for (const [k, v] of Object.entries(test.vars)) vars[k] = cellText(v);
    return {
      id: useDescriptions ? descriptions[i] : `${source}#${i}`,
      input: inputName === undefined ? '' : cellText(test.vars[inputName]),
      gold: goldOf(test.assert),
      vars,
      values: { ...test.vars },
      promptfoo: test,
    };
  });
}
