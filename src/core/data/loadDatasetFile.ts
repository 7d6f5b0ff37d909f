import * as path from 'node:path';
import { DatasetError } from './datasetError';
import type { LoadedDataset } from './datasetRows';
import { readTextFile, stripBom } from './inputFile';
import { parseCsv } from './parseCsv';
import { parseJsonArray, parseJsonText, recordsFromValue } from './parseJsonArray';
import { parseJsonl } from './parseJsonl';
import { isPromptfooTests, promptfooTestsToDataset } from './parsePromptfooTests';
import { parseYamlSafely } from './safeYaml';

/**
 * Parses dataset text by file name: `.jsonl`/`.ndjson`, `.json` (array, `{examples: []}` or
 * promptfoo tests), `.csv`, `.tsv`, `.yaml`/`.yml` (promptfoo tests or a list of records).
 * Other extensions are sniffed: JSON, then JSON Lines, then CSV.
 */
export function parseDatasetText(rawText: string, file: string): LoadedDataset {
  const text = stripBom(rawText);
  const ext = path.extname(file).toLowerCase();
  switch (ext) {
    case '.jsonl':
    case '.ndjson':
      return parseJsonl(text, file);
    case '.json': {
      const value = parseJsonText(text, file);
      return isPromptfooTests(value) ? promptfooTestsToDataset(value, file) : recordsFromValue(value, file, 'json');
    }
    case '.csv':
      return parseCsv(text, file);
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
