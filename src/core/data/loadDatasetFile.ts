import * as path from 'node:path';
import { DatasetError } from './datasetError';
import type { LoadedDataset } from './datasetRows';
import { readTextFile, stripBom } from './inputFile';
import { parseCsv } from './parseCsv';
import { parseJsonArray, parseJsonText, recordsFromValue } from './parseJsonArray';
import { parseJsonl } from './parseJsonl';
import { isPromptfooTests, promptfooTestsToDataset } from './parsePromptfooTests';
import { csvTestCase, isPromptfooCsv } from '../promptfoo/csvTestCase';
import { parseYamlSafely } from './safeYaml';

/**
 * Parses dataset text by file name: `.jsonl`/`.ndjson` (records or promptfoo tests), `.json`
 * (array, `{examples: []}`, promptfoo tests or a promptfoo config), `.csv` (a promptfoo test
 * file when it has `__expected` columns), `.tsv`, `.yaml`/`.yml` (promptfoo tests or config,
 * or a list of records).
 * Other extensions are sniffed: JSON, then JSON Lines, then CSV.
 */
export function parseDatasetText(rawText: string, file: string): LoadedDataset {
  const text = stripBom(rawText);
  const ext = path.extname(file).toLowerCase();
  switch (ext) {
    case '.jsonl':
    case '.ndjson': {
      const data = parseJsonl(text, file);
      // Lines that are promptfoo tests (vars/assert) make a promptfoo test file.
      const tests = data.rows.map((r) => r.values);
      return isPromptfooTests(tests) ? promptfooTestsToDataset(tests, file) : data;
    }
    case '.json': {
      const value = parseJsonText(text, file);
      return isPromptfooTests(value) ? promptfooTestsToDataset(value, file) : recordsFromValue(value, file, 'json');
    }
    case '.csv': {
      const data = parseCsv(text, file);
      // `__expected` columns make it a promptfoo test file; its rows become tests as promptfoo reads them.
      if (!isPromptfooCsv(data.fields)) return data;
      return promptfooTestsToDataset(
        data.rows.map((r, i) => ({ description: `Row #${i + 1}`, ...csvTestCase(r.values, { file, line: r.line }) })),
        file,
      );
    }
    case '.tsv':
      return parseCsv(text, file, { delimiter: '\t' });
    case '.yaml':
    case '.yml': {
      const parsed = parseYamlSafely(text);
      if (!parsed.ok) throw new DatasetError(`not valid YAML: ${parsed.message}`, { file, line: text.slice(0, parsed.offset).split('\n').length });
      const value = parsed.value;
      return isPromptfooTests(value) ? promptfooTestsToDataset(value, file) : recordsFromValue(value, file, 'json');
    }
    default: {
      const trimmed = text.trimStart();
      if (trimmed.startsWith('[')) return parseJsonArray(text, file);
      if (trimmed.startsWith('{')) {
        try {
          JSON.parse(text);
          return parseJsonArray(text, file);
        } catch {
          return parseJsonl(text, file);
        }
      }
      return parseCsv(text, file);
    }
  }
}

/** Reads and parses a dataset file, refusing missing, binary and oversized files. */
export async function loadDatasetFile(file: string, options: { maxBytes?: number } = {}): Promise<LoadedDataset> {
  const text = await readTextFile(file, { maxBytes: options.maxBytes, what: 'dataset' });
  return parseDatasetText(text, file);
}
