import type { RunEvent, RunEventOf } from '../../core/run/events';
import { isLlmError } from '../../core/llm/errors';
import { percent } from './runProgress';

/**
 * The notification a run ends with, and the one a failure to start shows: text plus the
 * actions that help. Pure (no `vscode`), so the wording is unit-tested.
 */
export type OutcomeAction = 'openPanel' | 'openBest' | 'applyBest' | 'keepFinal' | 'raiseCap' | 'resume' | 'setApiKey' | 'selectModels' | 'openSettings' | 'openLog';
export interface Outcome {
  severity: 'info' | 'warning' | 'error';
  text: string;
  actions: OutcomeAction[];
}

export const ACTION_LABELS: Record<OutcomeAction, string> = {
  openPanel: 'Open panel',
  openBest: 'Open best',
  applyBest: 'Apply best',
  keepFinal: 'Keep final',
  raiseCap: 'Raise cap and resume',
  resume: 'Resume',
  setApiKey: 'Set API Key',
  selectModels: 'Select Models',
  openSettings: 'Open Settings',
  openLog: 'Show Log',
};

const CAP_NAMES = { 'budget-calls': 'call', 'budget-tokens': 'token', 'budget-cost': 'cost', 'budget-time': 'time' } as const;

export function capValue(stoppedBy: keyof typeof CAP_NAMES, budget: RunEventOf<'run-start'>['budget'] | undefined): string {
  switch (stoppedBy) {
    case 'budget-calls':
      return budget?.maxCalls !== undefined ? ` ${budget.maxCalls.toLocaleString('en-US')}` : '';
    case 'budget-tokens':
      return budget?.maxTokens !== undefined ? ` ${budget.maxTokens.toLocaleString('en-US')}` : '';
    case 'budget-cost':
      return budget?.maxCostUsd !== undefined ? ` $${budget.maxCostUsd.toFixed(2)}` : '';
    case 'budget-time':
      return budget?.maxTimeSec !== undefined ? ` ${budget.maxTimeSec} s` : '';
  }
}

/** One decimal: the differences between start, best and final are often a few points. */
function pct(score: number | null): string {
  return score === null ? '–' : `${(score * 100).toFixed(1)}%`;
}

/**
 * `start → best (step 3) → final: val 54.0% → 92.0% → 88.0%, test 64.3% → 57.1% → 55.0%`:
 * the three prompts on both splits, so a best that did worse on test than the start, or
 * a final below the best, is in plain sight. Best and final merge when they are one prompt.
 */
export function scoreTrail(done: RunEventOf<'done'>): string {
  const same = done.bestPrompt === done.finalPrompt;
  const { start, best, final } = done.scores;
  const split = (name: 'val' | 'test') =>
    same ? `${name} ${pct(start[name])} → ${pct(best[name])}` : `${name} ${pct(start[name])} → ${pct(best[name])} → ${pct(final[name])}`;
  const hasTest = start.test !== null || best.test !== null || final.test !== null;
  const head = same ? `start → best (step ${done.bestStep}, also final)` : `start → best (step ${done.bestStep}) → final`;
  return `${head}: ${split('val')}${hasTest ? `, ${split('test')}` : ''}`;
}

export function doneOutcome(done: RunEventOf<'done'>, events: readonly RunEvent[], fileName: string): Outcome {
  const start = [...events].reverse().find((e): e is RunEventOf<'run-start'> => e.type === 'run-start');
  const sim = start?.simulator ? ' (offline simulator)' : '';
  const bestSoFar = `Best so far: val ${percent(done.scores.best.val)}${sim}.`;
  // The file ends with the last accepted prompt; when the best is another one, say so and offer it.
  const differs = done.bestPrompt !== done.finalPrompt;
  const fileNote = differs ? ` ${fileName} has the final prompt.` : '';
  switch (done.stoppedBy) {
    case 'completed':
    case 'early-stopping': {
      const cost = start?.simulator ? '' : ` Cost $${done.usage.costUsd.toFixed(2)}.`;
      const early = done.stoppedBy === 'early-stopping' ? ' (stopped early: validation stopped improving)' : '';
      return {
        severity: 'info',
        text: `DLPO finished ${fileName}${early}: ${scoreTrail(done)}${sim}.${fileNote}${cost}`,
        actions: differs ? ['applyBest', 'keepFinal', 'openPanel'] : ['openPanel'],
      };
    }
    case 'budget-calls':
    case 'budget-tokens':
    case 'budget-cost':
    case 'budget-time':
      return {
        severity: 'warning',
        text: `Stopped: ${CAP_NAMES[done.stoppedBy]} cap${capValue(done.stoppedBy, start?.budget)} reached at step ${done.steps}. ${bestSoFar}${fileNote}`,
        actions: differs ? ['applyBest', 'openBest', 'raiseCap'] : ['openBest', 'raiseCap'],
      };
    case 'cancelled':
      return {
        severity: 'info',
        text: `Stopped the run on ${fileName} at step ${done.steps}. ${bestSoFar}${fileNote}`,
        actions: differs ? ['applyBest', 'openBest', 'resume'] : ['openBest', 'resume'],
      };
    case 'error': {
      const fatal = [...events].reverse().find((e): e is RunEventOf<'error'> => e.type === 'error' && e.fatal);
      const actions: OutcomeAction[] = fatal?.kind === 'auth' ? ['setApiKey', 'openPanel'] : fatal?.kind === 'not-found' || fatal?.kind === 'consent' ? ['selectModels', 'openPanel'] : ['openPanel', 'openLog'];
      const why = fatal ? `${fatal.message}${fatal.action ? ` ${fatal.action}` : ''}` : done.message;
      return { severity: 'error', text: `The run on ${fileName} failed at step ${done.steps}: ${why}`, actions };
    }
  }
}

/** A failure before the run started (bad key, bad data, bad config). */
export function startFailureOutcome(e: unknown, fileName: string): Outcome {
  const message = e instanceof Error ? e.message : String(e);
  if (isLlmError(e)) {
    const action = e.details.action ? ` ${e.details.action}` : '';
    if (e.kind === 'auth') return { severity: 'error', text: `${message}${action}`, actions: ['setApiKey'] };
    if (e.kind === 'not-found' || e.kind === 'consent') return { severity: 'error', text: `${message}${action}`, actions: ['selectModels'] };
    return { severity: 'error', text: `Could not start optimizing ${fileName}: ${message}${action}`, actions: ['openLog'] };
  }
  const name = e instanceof Error ? e.name : '';
  if (name === 'ConfigError') return { severity: 'error', text: `The DLPO configuration has problems:\n${message}`, actions: ['openSettings'] };
  return { severity: 'error', text: `Could not start optimizing ${fileName}: ${message}`, actions: ['openLog'] };
}
