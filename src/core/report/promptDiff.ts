import { diffArrays } from 'diff';
import { segmentSentences } from '../prompt/sentences';

export type DiffLine = { kind: 'same' | 'added' | 'removed'; text: string };

/**
 * The whole prompt, sentence by sentence, marked as kept, added or removed: how the
 * run changed the prompt from start to end. (Candidate cards use the run's own edits;
 * the report shows the full before → after.)
 */
export function promptSentenceDiff(before: string, after: string): DiffLine[] {
  const b = segmentSentences(before).map((s) => s.text);
  const a = segmentSentences(after).map((s) => s.text);
  const lines: DiffLine[] = [];
  for (const change of diffArrays(b, a)) {
    const kind = change.added ? 'added' : change.removed ? 'removed' : 'same';
    for (const text of change.value) lines.push({ kind, text });
  }
  return lines;
}
