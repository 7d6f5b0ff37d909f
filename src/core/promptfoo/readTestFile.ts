import * as path from 'node:path';
import { DatasetError } from '../data/datasetError';
import { readTextFileSync, stripBom } from '../data/inputFile';
import { parseCsv } from '../data/parseCsv';
import { parseYamlSafely } from '../data/safeYaml';
import { csvTestCase } from './csvTestCase';

/**
 * The test cases one promptfoo test file holds, by extension as promptfoo reads them:
 * `.csv` rows (see `csvTestCase`), `.yaml`/`.yml`/`.json` (a list of tests or one test),
 * `.jsonl` (one test per line). Entries are returned raw (validated by the caller), each
 * with its 1-based position; a `.json`/`.jsonl`/CSV row without a description gets
 * promptfoo's `Row #n`.
 */
export interface RawEntry {
  value: unknown;
  record: number;
  line?: number;
}

/** YAML or JSON text of a test file or config, parsed with the project's safe YAML reader. */
export function parseYamlOrJson(text: string, file: string): unknown {
  const parsed = parseYamlSafely(stripBom(text));
  if (!parsed.ok) throw new DatasetError(`not valid YAML/JSON: ${parsed.message}`, { file, line: text.slice(0, parsed.offset).split('\n').length });
  return parsed.value;
}

function withRowName(value: unknown, n: number): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && !(value as { description?: unknown }).description) return { ...value, description: `Row #${n}` };
  return value;
}

export function readTestFile(file: string): RawEntry[] {
  const ext = path.extname(file).toLowerCase();
  const text = readTextFileSync(file, { what: 'promptfoo test file' });
  switch (ext) {
    case '.csv': {
      const data = parseCsv(text, file);
      return data.rows.map((row, i) => ({ value: withRowName(csvTestCase(row.values, { file, line: row.line }), i + 1), record: i + 1, line: row.line }));
    }
    case '.yaml':
    case '.yml':
    case '.json': {
      const value = parseYamlOrJson(text, file);
      const list = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
      return list.map((v, i) => ({ value: ext === '.json' ? withRowName(v, i + 1) : v, record: i + 1 }));
    }
    case '.jsonl': {
      const out: RawEntry[] = [];
      stripBom(text)
        .split('\n')
        .forEach((line, i) => {
          if (line.trim() === '') return;
          try {
            out.push({ value: withRowName(JSON.parse(line), out.length + 1), record: out.length + 1, line: i + 1 });
          } catch (e) {
            throw new DatasetError(`not valid JSON: ${(e as Error).message}`, { file, line: i + 1 });
          }
        });
      return out;
    }
    default:
      throw new DatasetError(
        `promptfoo test files must be .csv, .yaml, .yml, .json or .jsonl here; ${ext || 'a file without extension'} is not supported (JavaScript and Python test generators do not run in DLPO)`,
        { file },
      );
  }
}
