import type { InlineDiffPlan } from './inlineDiffPlan';

/**
 * Where each hunk of a drawn candidate begins, as offsets into the region's text, in
 * order: the first struck sentence of a run of changed ones, or the insertion point of
 * added text that strikes nothing. The review's controls sit on the line of each start,
 * so they are above the change they concern, not at the top of the prompt.
 */
export function hunkStarts(plan: InlineDiffPlan): number[] {
  const byEnd = new Map<number, number>();
  for (const r of plan.removed) byEnd.set(r.hunkEnd, Math.min(byEnd.get(r.hunkEnd) ?? r.start, r.start));
  const starts = new Set(byEnd.values());
  // Added text at the end of a struck run belongs to that run's hunk; elsewhere it is a hunk of its own.
  for (const ins of plan.inserted) if (!byEnd.has(ins.at)) starts.add(ins.at);
  return [...starts].sort((a, b) => a - b);
}
