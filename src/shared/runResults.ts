import type { RunView } from './runView';

/**
 * The three prompts a run's result is about — the one it started from, the best one
 * (by validation score) and the one it ends with — scored on validation and test. While
 * the run goes, the last column is the prompt it holds now. The panel's header and the
 * finish message both read this, so they cannot disagree.
 */
export interface ResultTable {
  /** 'final' once the run is done, 'now' while it goes. */
  last: 'final' | 'now';
  bestStep: number | null;
  /** True when the best prompt is the final one (nothing to apply). */
  bestIsFinal: boolean | null;
  val: { start: number | null; best: number | null; last: number | null };
  test: { start: number | null; best: number | null; last: number | null };
}

export function resultTable(view: RunView): ResultTable {
  const done = view.done;
  if (done) {
    return {
      last: 'final',
      bestStep: done.bestStep,
      bestIsFinal: done.bestPrompt.text === done.finalPrompt.text && done.bestPrompt.length === done.finalPrompt.length,
      val: { start: done.scores.start.val ?? view.startScores.val, best: done.scores.best.val, last: done.scores.final.val },
      test: { start: done.scores.start.test ?? view.startScores.test, best: done.scores.best.test, last: done.scores.final.test },
    };
  }
  let now: number | null = null;
  let best: number | null = null;
  let bestStep: number | null = null;
  for (const p of view.curves) {
    if (p.val === null) continue;
    now = p.val;
    if (best === null || p.val > best) {
      best = p.val;
      bestStep = p.step;
    }
  }
  return {
    last: 'now',
    bestStep,
    bestIsFinal: null,
    val: { start: view.startScores.val, best, last: now },
    test: { start: view.startScores.test, best: view.testScores.best, last: view.testScores.final },
  };
}
