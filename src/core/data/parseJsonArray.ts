import { DatasetError } from './datasetError';
import { fieldsOf, type DatasetRow, type LoadedDataset } from './datasetRows';
import { RecordSchema } from './parseJsonl';

/**
 * Records from an already-parsed JSON (or YAML) value: an array of objects, or an object
 * holding one under `examples` (BIG-Bench's layout), `data` or `rows`.
 */
export function recordsFromValue(value: unknown, file: string, format: 'json'): LoadedDataset {
  let list: unknown = value;
  if (!Array.isArray(value) && value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    list = obj.examples ?? obj.data ?? obj.rows;
    if (!Array.isArray(list)) {
      throw new DatasetError('expected an array of objects, or an object with an "examples" array', { file });
    }
  }
  if (!Array.isArray(list)) throw new DatasetError('expected an array of objects', { file });
  const rows: DatasetRow[] = list.map((item, i) => {
    const parsed = RecordSchema.safeParse(item);
    if (!parsed.success || Array.isArray(item)) {
      throw new DatasetError(`expected an object like {"question": ..., "answer": ...}, got ${Array.isArray(item) ? 'an array' : item === null ? 'null' : typeof item}`, { file, record: i + 1 });
    }
    return { record: i + 1, values: parsed.data };
  });
  return { file, format, rows, fields: fieldsOf(rows) };
}

/** `JSON.parse` with a `DatasetError` naming the line of a syntax error. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw new DatasetError(`not valid JSON: ${(e as Error).message}`, { file, line });
  }
}

export function parseJsonArray(text: string, file: string): LoadedDataset {
  return recordsFromValue(parseJsonText(text, file), file, 'json');
}
