import { z } from 'zod';
import { DatasetError } from './datasetError';
import { fieldsOf, type DatasetRow, type LoadedDataset } from './datasetRows';

/**
 * A promptfoo test list (`tests:` of a promptfooconfig, or a bare list of tests): each test
 * has `vars` and `assert`. It maps onto a dataset when every test has one assert of the
 * same kind that DLPO can score: `equals` → `exact`, `contains`/`icontains` → the same
 * names, `regex` → `regex` (the value is the pattern), `llm-rubric` → `judge` (the
 * value is the rubric). The assert's value becomes the example's gold (`expected`).
 */

const AssertSchema = z.object({ type: z.string(), value: z.unknown().optional() }).passthrough();
const TestSchema = z
  .object({
    description: z.string().optional(),
    vars: z.record(z.string(), z.unknown()).optional(),
    assert: z.array(AssertSchema).optional(),
  })
  .passthrough();

const ASSERT_TO_METRIC: Record<string, string> = {
  equals: 'exact',
  contains: 'contains',
  icontains: 'icontains',
  regex: 'regex',
  'llm-rubric': 'judge',
};

/** True when a parsed value looks like promptfoo tests rather than plain records. */
export function isPromptfooTests(value: unknown): boolean {
  const list = Array.isArray(value) ? value : (value as { tests?: unknown } | null)?.tests;
  return Array.isArray(list) && list.length > 0 && list.every((t) => t !== null && typeof t === 'object' && ('vars' in t || 'assert' in t));
}

export function promptfooTestsToDataset(value: unknown, file: string): LoadedDataset {
  const list = Array.isArray(value) ? value : (value as { tests?: unknown }).tests;
  if (!Array.isArray(list)) throw new DatasetError('expected a list of promptfoo tests (or a config with "tests:")', { file });
  const rows: DatasetRow[] = [];
  let assertType: string | undefined;
  let rubric: string | undefined;
  // A test variable called `expected` would collide with the gold column.
  const goldField = list.some((t) => t && typeof t === 'object' && (t as { vars?: object }).vars && 'expected' in ((t as { vars: object }).vars ?? {}))
    ? '__expected'
    : 'expected';
  for (let i = 0; i < list.length; i++) {
    const where = { file, record: i + 1 };
    const parsed = TestSchema.safeParse(list[i]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DatasetError(`not a promptfoo test: ${issue.message}`, { ...where, field: issue.path.join('.') || undefined });
    }
    const test = parsed.data;
    const asserts = (test.assert ?? []).filter((a) => a.type in ASSERT_TO_METRIC);
    if (asserts.length !== 1) {
      const types = (test.assert ?? []).map((a) => a.type).join(', ') || 'none';
      throw new DatasetError(
        `needs exactly one assert of type equals, contains, icontains, regex or llm-rubric to become a dataset row (has: ${types})`,
        { ...where, field: 'assert' },
      );
    }
    const a = asserts[0];
    if (assertType !== undefined && a.type !== assertType) {
      throw new DatasetError(`assert type "${a.type}" differs from the earlier tests' "${assertType}"; DLPO scores a dataset with one metric`, {
        ...where,
        field: 'assert',
      });
    }
    assertType = a.type;
    const valueText = typeof a.value === 'string' ? a.value : a.value === undefined ? '' : JSON.stringify(a.value);
    if (a.type === 'llm-rubric') rubric ??= valueText;
    const vars = test.vars ?? {};
    if (Object.keys(vars).length === 0) throw new DatasetError('has no vars, so there is no input', { ...where, field: 'vars' });
    rows.push({ record: i + 1, values: { ...vars, [goldField]: valueText } });
  }
  const fields = fieldsOf(rows);
  const varFields = fields.filter((f) => f !== goldField);
  return {
    file,
    format: 'promptfoo',
    rows,
    fields,
    goldField,
    inputField: varFields.length === 1 ? varFields[0] : undefined,
    suggestedMetric: assertType ? { name: ASSERT_TO_METRIC[assertType], rubric: assertType === 'llm-rubric' ? rubric : undefined } : undefined,
  };
}
