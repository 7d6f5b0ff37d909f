/** One edit of a document: `length` characters at `offset` replaced by `insertedLength` characters. */
export interface TextChange {
  offset: number;
  length: number;
  insertedLength: number;
}

export interface OffsetRange {
  start: number;
  end: number;
}

/**
 * Moves a range through document edits the way an editor marker does, so a selection a
 * run optimizes keeps pointing at the same text while the user types elsewhere. Text
 * inserted exactly at either edge stays outside; an edit straddling an edge pulls the
 * edge to the edit. `changes` all refer to the document before the edit (VS Code's
 * `contentChanges`), so they are applied from the last to the first.
 */
export function trackRange(range: OffsetRange, changes: readonly TextChange[]): OffsetRange {
  let { start, end } = range;
  for (const c of [...changes].sort((a, b) => b.offset - a.offset)) {
    const cEnd = c.offset + c.length;
    const delta = c.insertedLength - c.length;
    if (cEnd <= start) {
      start += delta;
      end += delta;
    } else if (c.offset >= end) {
      continue;
    } else {
      const newStart = c.offset < start ? c.offset + c.insertedLength : start;
      const newEnd = cEnd <= end ? end + delta : c.offset + c.insertedLength;
      start = Math.min(newStart, newEnd);
      end = Math.max(newStart, newEnd);
    }
  }
  return { start, end };
}
