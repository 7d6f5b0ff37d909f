/**
 * A dataset that cannot be used, with where the problem is: the file, the 1-based line
 * (JSONL, CSV) or 1-based record number (JSON arrays, promptfoo lists), and the field.
 * The message reads like `data.jsonl line 3, field "answer": missing`.
 */
export interface DatasetErrorLocation {
  file?: string;
  line?: number;
  record?: number;
  field?: string;
}

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  constructor(
    readonly reason: string,
    readonly where: DatasetErrorLocation = {},
  ) {
    super(formatDatasetError(reason, where));
  }
}

export function formatDatasetError(reason: string, where: DatasetErrorLocation): string {
  const parts: string[] = [];
  if (where.file) parts.push(where.file);
  const position: string[] = [];
  if (where.line !== undefined) position.push(`line ${where.line}`);
  if (where.record !== undefined) position.push(`record ${where.record}`);
  if (where.field !== undefined) position.push(`field "${where.field}"`);
  const head = [parts.join(''), position.join(', ')].filter(Boolean).join(' ');
  return head ? `${head}: ${reason}` : reason;
}
