import { z } from 'zod';
import type { Example } from './example';
import { DatasetError } from './datasetError';
import { cellText, type LoadedDataset } from './datasetRows';

/** Field names tried, in order, when the input field is not given. */
export const INPUT_FIELD_CANDIDATES = ['question', 'input', 'problem', 'prompt', 'query', 'instruction', 'text', 'x', 'q'];
/** Field names tried, in order, when the gold field is not given. */
export const GOLD_FIELD_CANDIDATES = ['answer', 'target', 'gold', 'expected', 'output', 'label', 'solution', 'reference', 'answer_number', 'completion', 'y', 'a'];
/** A row's own id, when it has one. */
const ID_FIELD_CANDIDATES = ['id', '_id', 'uid', 'unique_id', 'idx', 'index'];

export interface FieldMapping {
  inputField: string;
  goldField: string;
  /** True for each field that was inferred rather than given. */
  inferred: { input: boolean; gold: boolean };
}

function pick(fields: readonly string[], candidates: readonly string[], exclude?: string): string | undefined {
  for (const c of candidates) {
    const hit = fields.find((f) => f.toLowerCase() === c && f !== exclude);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/**
 * Chooses the input and gold fields: the ones given, else the format's own, else the
 * first known name present. The error lists the fields there are and how to choose.
 */
export function resolveFieldMapping(data: LoadedDataset, given: { inputField?: string; goldField?: string } = {}): FieldMapping {
  const fields = data.fields;
  const check = (name: string, role: string, flag: string) => {
    if (!fields.includes(name)) {
      throw new DatasetError(`has no ${role} field "${name}"; fields are: ${fields.join(', ') || '(none)'}. Fix ${flag}`, { file: data.file, field: name });
    }
  };
  let inputField = given.inputField ?? data.inputField;
  let goldField = given.goldField ?? data.goldField;
  if (given.inputField) check(given.inputField, 'input', '--input-field');
  if (given.goldField) check(given.goldField, 'gold', '--gold-field');
  const inferred = { input: inputField === undefined, gold: goldField === undefined };
  goldField ??= pick(fields, GOLD_FIELD_CANDIDATES, inputField);
  inputField ??= pick(fields, INPUT_FIELD_CANDIDATES, goldField);
  if (inputField === undefined) {
    throw new DatasetError(
      `cannot tell which field is the input (tried ${INPUT_FIELD_CANDIDATES.slice(0, 5).join(', ')}, ...); fields are: ${fields.join(', ') || '(none)'}. Name it with --input-field`,
      { file: data.file },
    );
  }
  if (goldField === undefined) {
    throw new DatasetError(
      `cannot tell which field is the gold answer (tried ${GOLD_FIELD_CANDIDATES.slice(0, 5).join(', ')}, ...); fields are: ${fields.join(', ') || '(none)'}. Name it with --gold-field`,
      { file: data.file },
    );
  }
  if (inputField === goldField) throw new DatasetError(`input and gold are the same field "${inputField}"`, { file: data.file, field: inputField });
  return { inputField, goldField, inferred };
}

const CellSchema = z.union([z.string(), z.number(), z.boolean(), z.bigint()]);

/**
 * GSM8K-style gold answers hold a worked solution ending in `#### 42`; when every gold
 * does, the gold becomes the final answer and the solution stays in `vars`.
 */
function finalAnswerAfterHashes(gold: string): string {
  const at = gold.lastIndexOf('####');
  return gold.slice(at + 4).trim();
}

/**
 * Turns rows into examples with the mapping. Every row must have a non-empty input and a
 * gold answer (a string, number or boolean); the error names the line and field.
 */
export function toExamples(data: LoadedDataset, mapping: FieldMapping, options: { source?: string; allowEmptyGold?: boolean } = {}): Example[] {
  if (data.rows.length === 0) throw new DatasetError('the dataset is empty (no rows)', { file: data.file });
  const source = options.source ?? data.file;
  // A row's own id is used only when every row has a distinct one: ids key caches and reports.
  const candidateId = pick(data.fields, ID_FIELD_CANDIDATES);
  const ownIds = candidateId === undefined ? [] : data.rows.map((r) => cellText(r.values[candidateId]));
  const idField = candidateId !== undefined && ownIds.every((id) => id !== '') && new Set(ownIds).size === ownIds.length ? candidateId : undefined;
  const allHashes = data.rows.every((r) => typeof r.values[mapping.goldField] === 'string' && /####\s*\S/.test(r.values[mapping.goldField] as string));
  return data.rows.map((row, i) => {
    const where = { file: data.file, line: row.line, record: row.record };
    const input = row.values[mapping.inputField];
    const gold = row.values[mapping.goldField];
    if (input === undefined || input === null) throw new DatasetError('missing', { ...where, field: mapping.inputField });
    if (!CellSchema.safeParse(input).success) throw new DatasetError(`expected text, got ${Array.isArray(input) ? 'an array' : typeof input}`, { ...where, field: mapping.inputField });
    if (cellText(input).trim() === '') throw new DatasetError('is empty', { ...where, field: mapping.inputField });
    if (gold === undefined || gold === null) throw new DatasetError('missing', { ...where, field: mapping.goldField });
    if (!CellSchema.safeParse(gold).success) throw new DatasetError(`expected text or a number, got ${Array.isArray(gold) ? 'an array' : typeof gold}`, { ...where, field: mapping.goldField });
    const goldText = cellText(gold);
    if (goldText.trim() === '' && !options.allowEmptyGold) throw new DatasetError('is empty', { ...where, field: mapping.goldField });
    const vars: Record<string, string> = {};
    for (const [k, v] of Object.entries(row.values)) vars[k] = cellText(v);
    const ownId = idField !== undefined ? cellText(row.values[idField]) : '';
    return {
      id: ownId !== '' ? ownId : `${source}#${i}`,
      input: cellText(input),
      gold: allHashes ? finalAnswerAfterHashes(goldText) : goldText,
      vars,
      values: { ...row.values },
    };
  });
}
