import type { SentenceEdit } from '../prompt/sentenceTypes';
import type { InlineDiffPlan } from './inlineDiffPlan';

/** One hunk of a drawn candidate: a run of struck sentences with its new text, or added text alone. */
export interface PlanHunk {
  /** Offsets into the region's text: from the first struck sentence (or the insertion point) to the hunk's end. */
  start: number;
  end: number;
  /** The candidate's edits in this hunk (as the plan holds them: the candidate's own edits). */
  edits: SentenceEdit[];
  /** The new text the hunk puts in, in order. */
  added: string[];
  /** The sentences it strikes, in order. */
  removed: string[];
}

/**
 * The hunks of a drawn candidate, in order. Added text at the end of a struck run belongs
 * to that run's hunk; elsewhere it is a hunk of its own. The review's controls and its
 * suggested text sit on each hunk, so they are at the change they concern.
 */
export function planHunks(plan: InlineDiffPlan): PlanHunk[] {
  const byEnd = new Map<number, PlanHunk>();
  for (const r of plan.removed) {
    const h = byEnd.get(r.hunkEnd) ?? { start: r.start, end: r.hunkEnd, edits: [], added: [], removed: [] };
    h.start = Math.min(h.start, r.start);
    if (!h.edits.includes(r.edit)) h.edits.push(r.edit);
    h.removed.push(r.edit.op === 'modify' ? r.edit.before : r.edit.op === 'delete' ? r.edit.text : '');
    byEnd.set(r.hunkEnd, h);
  }
  const hunks = [...byEnd.values()];
  for (const ins of plan.inserted) {
    const h = byEnd.get(ins.at);
    if (h) {
      h.added.push(...ins.texts);
      for (const e of ins.edits) if (!h.edits.includes(e)) h.edits.push(e);
    } else {
      hunks.push({ start: ins.at, end: ins.at, edits: [...ins.edits], added: [...ins.texts], removed: [] });
    }
  }
  for (const h of hunks) h.removed = h.removed.filter((t) => t !== '');
  return hunks.sort((a, b) => a.start - b.start);
}

/** Where each hunk begins (offsets into the region's text), in order. */
export function hunkStarts(plan: InlineDiffPlan): number[] {
  return [...new Set(planHunks(plan).map((h) => h.start))];
}
