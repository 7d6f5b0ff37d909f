import type { RunReport } from './report';
import { visibleControls } from '../report/escape';
import { estimatedNote, formatScore, formatUsd } from './report';

/**
 * The lines the CLI prints when a run ends (and the extension can show): scores, steps,
 * calls, tokens, cost, what stopped it, where the files are. Simulator runs say so on
 * the first line and next to the scores.
 */
export function summaryLines(report: RunReport, runDir: string): string[] {
  const sim = report.simulator;
  const pad = (s: string, n: number) => s.padEnd(n);
  const bestLabel = `best (step ${report.bestStep})`;
  const w = Math.max(8, bestLabel.length + 2);
  const lines = [
    `DLPO run ${report.runId}${sim ? ' — offline simulator (no real model was called; figures show the optimizer, not a model)' : ''}`,
    `  ${pad('scores', w)}${pad('val', 9)}test${sim ? '   [offline simulator]' : ''}`,
    `  ${pad('start', w)}${pad(formatScore(report.scores.start.val), 9)}${formatScore(report.scores.start.test)}`,
    `  ${pad(bestLabel, w)}${pad(formatScore(report.scores.best.val), 9)}${formatScore(report.scores.best.test)}`,
    `  ${pad('final', w)}${pad(formatScore(report.scores.final.val), 9)}${formatScore(report.scores.final.test)}`,
    `  steps ${report.steps}/${report.totalSteps} (${report.acceptedSteps} accepted) · LLM calls ${report.usage.calls}` +
      `${report.usage.cachedCalls ? ` (${report.usage.cachedCalls} cached)` : ''} · tokens ${report.usage.promptTokens.toLocaleString('en-US')} in / ` +
      `${report.usage.completionTokens.toLocaleString('en-US')} out${estimatedNote(sim, report.estimatedCalls, report.usage.calls - report.usage.cachedCalls)} · cost ${formatUsd(report.usage.costUsd)}`,
    // The stop message can quote a server; its control characters (ESC, bidi) must not reach the terminal raw.
    `  stopped by: ${report.stoppedBy} — ${visibleControls(report.stopMessage).replace(/\r?\n/g, ' ')}`,
    `  run directory: ${runDir}`,
  ];
  return lines;
}

/**
 * The `--json` object of `dlpo run`: the documented fields plus `simulator`, because a
 * figure from the offline simulator must say so wherever it appears.
 */
export interface RunJsonSummary {
  runDir: string;
  simulator: boolean;
  scores: RunReport['scores'];
  steps: number;
  usage: { calls: number; promptTokens: number; completionTokens: number; costUsd: number };
  stoppedBy: RunReport['stoppedBy'];
}

export function jsonSummary(report: RunReport, runDir: string): RunJsonSummary {
  const { calls, promptTokens, completionTokens, costUsd } = report.usage;
  return { runDir, simulator: report.simulator, scores: report.scores, steps: report.steps, usage: { calls, promptTokens, completionTokens, costUsd }, stoppedBy: report.stoppedBy };
}
