import { z } from 'zod';
import { DatasetError } from './datasetError';
import { fieldsOf, type DatasetRow, type LoadedDataset } from './datasetRows';

/** One JSONL record must be a JSON object; arrays and bare values are rejected by line. */
export const RecordSchema = z.record(z.string(), z.unknown());

/** Parses JSON Lines text (BOM already stripped). Blank lines are skipped; every other line must be an object. */
export function parseJsonl(text: string, file: string): LoadedDataset {
  const rows: DatasetRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new DatasetError(`not valid JSON (${(e as Error).message}); each line must be one JSON object`, { file, line: i + 1 });
    }
    const parsed = RecordSchema.safeParse(value);
    if (!parsed.success || Array.isArray(value)) {
      throw new DatasetError(`expected a JSON object like {"question": ..., "answer": ...}, got ${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'null' : typeof value}`, {
        file,
        line: i + 1,
      });
    }
    rows.push({ line: i + 1, values: parsed.data });
  }
  return { file, format: 'jsonl', rows, fields: fieldsOf(rows) };
}
