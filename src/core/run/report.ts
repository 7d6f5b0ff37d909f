import { diffSentences } from '../prompt/sentenceDiff';
import type { SentenceEdit } from '../prompt/sentenceTypes';
import { escapeMarkdownInline, markdownCodeBlock } from '../report/escape';
import type { RunEvent, RunEventOf, StoppedBy, UsageTotals } from './events';

/**
 * The outcome of a run, built from its journal: `report.json` for tools and
 * `report.md` for people. Both carry the "offline simulator" label when either model was
 * the simulator, because those numbers say nothing about a real model.
 */

export const SIMULATOR_NOTICE =
  'offline simulator: these figures come from a deterministic stand-in model (no LLM was called); they show how the optimizer behaves, not how a real model scores.';

type ScorePair = { val: number | null; test: number | null };

export interface RunReport {
  runId: string;
  /** True when either model was the offline simulator. */
  simulator: boolean;
  /** `offline simulator` label, present exactly when `simulator` is true. */
  notice?: string;
  promptFile: string;
  preset: string;
  techniques: string[];
  models: { forward: string; backward: string };
  seed: number;
  sizes: { train: number; val: number; test: number };
  steps: number;
  totalSteps: number;
  acceptedSteps: number;
  rejectedSteps: number;
  skippedSteps: number;
  bestStep: number;
  scores: { start: ScorePair; best: ScorePair; final: ScorePair };
  usage: UsageTotals;
  /** Calls (not from the cache) whose server sent no usage, so their tokens are local estimates. */
  estimatedCalls: number;
  stoppedBy: StoppedBy;
  /** One sentence on why the run stopped, e.g. which budget cap. */
  stopMessage: string;
  budget: RunEventOf<'run-start'>['budget'];
  /** Prompt length per step (sentences, tokens). */
  promptLength: { step: number; sentences: number; tokens: number }[];
  /** Validation score per step, as evaluated. */
  valCurve: { step: number; score: number }[];
  /** Sentence edits from the starting prompt to the final and to the best prompt. */
  finalDiff: SentenceEdit[];
  bestDiff: SentenceEdit[];
  startPrompt: string;
  bestPrompt: string;
  finalPrompt: string;
  /** Sessions this run took (1 + resumes). */
  sessions: number;
  /** Retries after a 429 (rate limit) and after server errors / timeouts, from the `waiting` events. */
  retries: { rateLimit: number; serverError: number };
  errors: string[];
}

const STOP_TEXT: Record<StoppedBy, string> = {
  completed: 'completed all planned steps',
  'budget-calls': 'the call cap (--max-calls) was reached',
  'budget-tokens': 'the token cap (--max-tokens) was reached',
  'budget-cost': 'the cost cap (--max-cost) was reached',
  'budget-time': 'the time cap (--max-time) was reached',
  cancelled: 'it was cancelled',
  error: 'an error',
  'early-stopping': 'validation stopped improving (patience)',
};

export function stopReasonText(stoppedBy: StoppedBy): string {
  return STOP_TEXT[stoppedBy];
}

export function buildReport(events: readonly RunEvent[]): RunReport {
  const starts = events.filter((e): e is RunEventOf<'run-start'> => e.type === 'run-start');
  const start = starts[0];
  const done = [...events].reverse().find((e): e is RunEventOf<'done'> => e.type === 'done');
  if (!start) throw new Error('the journal has no run-start event');
  if (!done) throw new Error('the journal has no done event: the run has not finished');
  const reviews = events.filter((e): e is RunEventOf<'review'> => e.type === 'review');
  const simulator = starts.some((s) => s.simulator);
  return {
    runId: start.runId,
    simulator,
    ...(simulator ? { notice: SIMULATOR_NOTICE } : {}),
    promptFile: start.promptFile,
    preset: start.preset,
    techniques: start.techniques,
    models: { forward: start.forwardModel, backward: start.backwardModel },
    seed: start.seed,
    sizes: start.sizes,
    steps: done.steps,
    totalSteps: start.totalSteps,
    // Only committed steps count: a step interrupted by a cap or Ctrl-C was not kept.
    acceptedSteps: reviews.filter((r) => r.step <= done.steps && r.accepted).length,
    rejectedSteps: reviews.filter((r) => r.step <= done.steps && !r.accepted).length,
    skippedSteps: events.filter((e) => e.type === 'update-skipped' && e.step <= done.steps).length,
    bestStep: done.bestStep,
    scores: done.scores,
    usage: done.usage,
    estimatedCalls: events.filter((e) => e.type === 'usage' && e.estimated === true && !e.cached).length,
    stoppedBy: done.stoppedBy,
    stopMessage: done.message || `Stopped because ${stopReasonText(done.stoppedBy)}.`,
    budget: start.budget,
    promptLength: events
      .filter((e): e is RunEventOf<'prompt-length'> => e.type === 'prompt-length')
      .map(({ step, sentences, tokens }) => ({ step, sentences, tokens })),
    valCurve: events
      .filter((e): e is RunEventOf<'eval'> => e.type === 'eval' && e.split === 'val' && e.prompt === 'current')
      .map(({ step, score }) => ({ step, score })),
    finalDiff: diffSentences(start.prompt, done.finalPrompt),
    bestDiff: diffSentences(start.prompt, done.bestPrompt),
    startPrompt: start.prompt,
    bestPrompt: done.bestPrompt,
    finalPrompt: done.finalPrompt,
    sessions: starts.length,
    retries: {
      rateLimit: events.filter((e) => e.type === 'waiting' && e.reason === 'rate-limit').length,
      serverError: events.filter((e) => e.type === 'waiting' && e.reason === 'server-error').length,
    },
    errors: events.filter((e): e is RunEventOf<'error'> => e.type === 'error').map((e) => e.message),
  };
}

export function formatScore(score: number | null): string {
  return score === null ? '—' : `${(score * 100).toFixed(1)}%`;
}

/**
 * How token counts say they are estimates: all of them with the simulator; otherwise the
 * calls whose server sent no `usage` (their tokens were counted locally), e.g.
 * ` (estimated for 3 of 40 calls: the server sent no usage)`. Empty when every count is the server's.
 */
export function estimatedNote(simulator: boolean, estimatedCalls: number, calls: number): string {
  if (simulator) return ' (estimated)';
  if (estimatedCalls <= 0) return '';
  const which = estimatedCalls >= calls ? 'estimated' : `estimated for ${estimatedCalls} of ${calls} calls`;
  return ` (${which}: the server sent no usage)`;
}

export function formatUsd(usd: number): string {
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** One line per edit: `+ added`, `− deleted`, `~ before → after`. */
export function describeEdits(edits: readonly SentenceEdit[]): string[] {
  return edits.map((e) => {
    switch (e.op) {
      case 'add':
        return `+ ${e.text}`;
      case 'delete':
        return `− ${e.text}`;
      case 'modify':
        return `~ ${e.before} → ${e.after}`;
      case 'move':
        return `↕ ${e.text}`;
    }
  });
}

function budgetLine(b: RunReport['budget']): string {
  const caps = [
    b.maxCalls !== undefined ? `${b.maxCalls} calls` : '',
    b.maxTokens !== undefined ? `${b.maxTokens.toLocaleString('en-US')} tokens` : '',
    b.maxCostUsd !== undefined ? formatUsd(b.maxCostUsd) : '',
    b.maxTimeSec !== undefined ? `${b.maxTimeSec} s` : '',
  ].filter(Boolean);
  return caps.length ? caps.join(', ') : 'none';
}

/**
 * report.md. Prompts, diffs, error and stop messages and model names can hold anything a
 * model or a server wrote: prompts and diffs go in code fences longer than any backtick run
 * inside (a line of three backticks in a candidate once closed the fence), everything else
 * is escaped so that it cannot become HTML, links or emphasis (src/core/report/escape.ts).
 */
export function renderReportMarkdown(r: RunReport): string {
  const lines: string[] = [];
  lines.push(`# DLPO run ${r.runId}${r.simulator ? ' (offline simulator)' : ''}`, '');
  if (r.simulator) lines.push(`> **${r.notice}**`, '');
  lines.push(
    `- Prompt: ${escapeMarkdownInline(r.promptFile)}`,
    `- Preset: ${escapeMarkdownInline(r.preset)}${r.techniques.length ? ` (${r.techniques.map((t) => t.toUpperCase()).join(', ')})` : ' (no technique)'}`,
    `- Models: forward ${escapeMarkdownInline(r.models.forward)}, backward ${escapeMarkdownInline(r.models.backward)}`,
    `- Seed ${r.seed}; data: ${r.sizes.train} train / ${r.sizes.val} val / ${r.sizes.test} test`,
    `- Steps: ${r.steps} of ${r.totalSteps} (${r.acceptedSteps} accepted, ${r.rejectedSteps} rejected, ${r.skippedSteps} skipped)${r.sessions > 1 ? `; resumed ${r.sessions - 1} time(s)` : ''}`,
    `- Stopped: ${escapeMarkdownInline(r.stopMessage)}`,
    '',
    `## Scores${r.simulator ? ' (offline simulator)' : ''}`,
    '',
    '| prompt | validation | test |',
    '|---|---|---|',
    `| start | ${formatScore(r.scores.start.val)} | ${formatScore(r.scores.start.test)} |`,
    `| best (step ${r.bestStep}) | ${formatScore(r.scores.best.val)} | ${formatScore(r.scores.best.test)} |`,
    `| final | ${formatScore(r.scores.final.val)} | ${formatScore(r.scores.final.test)} |`,
    '',
    `## Usage${r.simulator ? ' (offline simulator: token counts are estimates, no money was spent)' : ''}`,
    '',
    `- LLM calls: ${r.usage.calls} (${r.usage.cachedCalls} from the cache)`,
    `- Tokens: ${r.usage.promptTokens.toLocaleString('en-US')} prompt, ${r.usage.completionTokens.toLocaleString('en-US')} completion${r.simulator ? '' : estimatedNote(false, r.estimatedCalls ?? 0, r.usage.calls - r.usage.cachedCalls)}`,
    `- Cost: ${formatUsd(r.usage.costUsd)}`,
    `- Budget caps: ${budgetLine(r.budget)}`,
    ...(r.retries.rateLimit + r.retries.serverError > 0
      ? [`- Retries: ${r.retries.rateLimit} after rate limiting (429), ${r.retries.serverError} after server errors or timeouts`]
      : []),
    '',
  );
  if (r.promptLength.length > 0) {
    const first = r.promptLength[0];
    const last = r.promptLength[r.promptLength.length - 1];
    lines.push('## Prompt length', '', `From ${first.sentences} sentences (≈${first.tokens} tokens) at step ${first.step} to ${last.sentences} (≈${last.tokens}) at step ${last.step}.`, '');
  }
  lines.push('## Final prompt: changes from the start (sentence diff)', '');
  const diff = describeEdits(r.finalDiff);
  lines.push(diff.length ? markdownCodeBlock(diff.join('\n'), 'diff') : 'No change: the final prompt is the starting prompt.', '');
  lines.push('## Final prompt', '', markdownCodeBlock(r.finalPrompt), '');
  if (r.bestPrompt !== r.finalPrompt) lines.push(`## Best prompt (step ${r.bestStep})`, '', markdownCodeBlock(r.bestPrompt), '');
  if (r.errors.length) lines.push('## Errors', '', ...r.errors.map((e) => `- ${escapeMarkdownInline(e)}`), '');
  return lines.join('\n');
}
