import { parse } from 'csv-parse/sync';
import { DatasetError } from './datasetError';
import type { DatasetRow, LoadedDataset } from './datasetRows';

/**
 * Parses CSV (or TSV with `delimiter: '\t'`) with a header row, using `csv-parse`, so
 * quoted fields, embedded newlines and commas are handled. A row with a different number
 * of cells than the header is an error naming its line.
 */
export function parseCsv(text: string, file: string, options: { delimiter?: string } = {}): LoadedDataset {
  const delimiter = options.delimiter ?? ',';
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim());
        const empty = names.findIndex((h) => h === '');
        if (empty >= 0) throw new DatasetError(`header column ${empty + 1} has no name`, { file, line: 1 });
        const dup = names.find((h, i) => names.indexOf(h) !== i);
        if (dup !== undefined) throw new DatasetError(`header names column "${dup}" twice`, { file, line: 1 });
        return names;
      },
      bom: true,
      delimiter,
      skip_empty_lines: true,
      relax_quotes: delimiter === '\t',
      info: true,
    }) as { record: Record<string, string>; info: { lines: number } }[];
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    const err = e as Error & { code?: string; lines?: number; record?: unknown[] };
    const line = typeof err.lines === 'number' ? err.lines : undefined;
    if (err.code?.startsWith('CSV_RECORD_INCONSISTENT') || err.code === 'CSV_RECORD_DONT_MATCH_COLUMNS_LENGTH') {
      const got = Array.isArray(err.record) ? `${err.record.length} cells` : 'a different number of cells';
      throw new DatasetError(`this row has ${got}, unlike the header; a column is missing or extra (quote cells that contain "${delimiter === '\t' ? '\\t' : delimiter}")`, { file, line });
    }
    throw new DatasetError(`not valid ${delimiter === '\t' ? 'TSV' : 'CSV'}: ${err.message}`, { file, line });
  }
  const header = (() => {
    const first = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
    return first.split(delimiter).map((h) => h.trim().replace(/^"|"$/g, ''));
  })();
  const rows: DatasetRow[] = records.map((r) => ({ line: r.info.lines, values: r.record }));
  return { file, format: delimiter === '\t' ? 'tsv' : 'csv', rows, fields: records.length ? Object.keys(records[0].record) : header.filter(Boolean) };
}
