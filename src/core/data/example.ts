import type { PromptfooTest } from '../promptfoo/testCase';

/** One row of a dataset after field mapping. */
export interface Example {
  /** Stable id: the row's own id field, or `<source>#<row index>`. */
  id: string;
  /** The text the model is asked about (the user message when the prompt has no variables). */
  input: string;
  /** The gold answer as text; the metric decides how to compare. */
  gold: string;
  /** Every field of the row as text, for binding `{{variables}}`. */
  vars: Record<string, string>;
  /**
   * The row's fields as parsed (nested JSON objects and arrays kept), for templates that
   * read `{{customer.name}}` or loop over a list; absent for sources that only have text.
   */
  values?: Record<string, unknown>;
  /** The promptfoo test this example came from (its assertions are the metric), for promptfoo suites. */
  promptfoo?: PromptfooTest;
}

export interface DatasetSplits {
  train: Example[];
  val: Example[];
  test: Example[];
}
