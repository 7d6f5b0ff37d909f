import type { DatasetRow, LoadedDataset } from './datasetRows';
import { fieldsOf } from './datasetRows';
import { isPromptfooValue, loadPromptfooSuite } from '../promptfoo/loadSuite';
import { suiteExamples } from '../promptfoo/suiteExamples';

/**
 * A promptfoo config or test list as a dataset: the suite is loaded as promptfoo loads it
 * (`src/core/promptfoo/loadSuite.ts`: file references, globs, CSV `__expected`,
 * `defaultTest`, var expansion) and kept whole in `promptfoo`, so its assertions score
 * the examples. The rows are the tests' vars plus a gold column describing the
 * assertions, for previews and for `--metric`, which replaces the assertions.
 */

/** True when a parsed value is promptfoo tests or a promptfoo config rather than plain records. */
export function isPromptfooTests(value: unknown): boolean {
  return isPromptfooValue(value);
}

export function promptfooTestsToDataset(value: unknown, file: string): LoadedDataset {
  return suiteToDataset(loadPromptfooSuite(value, file));
}

export function suiteToDataset(suite: ReturnType<typeof loadPromptfooSuite>): LoadedDataset {
  const examples = suiteExamples(suite);
  // A test variable called `expected` would collide with the gold column.
  const goldField = examples.some((e) => 'expected' in e.vars) ? '__expected' : 'expected';
  const rows: DatasetRow[] = suite.tests.map((t, i) => ({ record: t.origin.record, values: { ...t.vars, [goldField]: examples[i].gold } }));
  const fields = fieldsOf(rows);
  const varFields = fields.filter((f) => f !== goldField);
  return {
    file: suite.file,
    format: 'promptfoo',
    rows,
    fields,
    goldField,
    inputField: varFields.length === 1 ? varFields[0] : undefined,
    suggestedMetric: { name: 'promptfoo' },
    promptfoo: suite,
  };
}
