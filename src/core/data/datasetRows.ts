/** What every dataset loader produces before field mapping. */

import type { PromptfooSuite } from '../promptfoo/loadSuite';

export type DatasetFormat = 'jsonl' | 'json' | 'csv' | 'tsv' | 'promptfoo';

export interface DatasetRow {
  /** 1-based line of the row in the file (JSONL, CSV, TSV). */
  line?: number;
  /** 1-based record number (JSON arrays, promptfoo lists). */
  record?: number;
  values: Record<string, unknown>;
}

export interface LoadedDataset {
  file: string;
  format: DatasetFormat;
  rows: DatasetRow[];
  /** Field names in first-seen order. */
  fields: string[];
  /** Fields the format itself designates (promptfoo: the assert value is the gold). */
  inputField?: string;
  goldField?: string;
  /** A metric the format implies (promptfoo's assert type). */
  suggestedMetric?: { name: string; pattern?: string; rubric?: string };
  /** A promptfoo suite's tests (format `promptfoo`): their assertions are the metric. */
  promptfoo?: PromptfooSuite;
}

export function fieldsOf(rows: readonly DatasetRow[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row.values)) seen.add(k);
  return [...seen];
}

/** A cell as text: strings verbatim, numbers and booleans printed, null empty, objects as JSON. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}
