import type { RunEvent, RunEventOf } from '../../core/run/events';

/**
 * What the status bar and the progress notification show about a run, folded from its
 * events. Pure, so the wording is unit-tested.
 */
export interface RunProgress {
  step: number;
  totalSteps: number;
  /** Latest validation score of the current prompt (0..1), if evaluated yet. */
  val: number | null;
  bestVal: number | null;
  costUsd: number;
  calls: number;
  simulator: boolean;
  /** Set while the run waits (rate limit, server error back-off, or a candidate for review). */
  waiting: { reason: RunEventOf<'waiting'>['reason']; seconds: number; since: number } | null;
  done: RunEventOf<'done'> | null;
}

export const EMPTY_PROGRESS: RunProgress = { step: 0, totalSteps: 0, val: null, bestVal: null, costUsd: 0, calls: 0, simulator: false, waiting: null, done: null };

export function foldProgress(p: RunProgress, e: RunEvent, now: number = Date.now()): RunProgress {
  switch (e.type) {
    case 'run-start':
      return { ...p, totalSteps: e.totalSteps, simulator: e.simulator, step: e.resumedFromStep ?? p.step, waiting: null };
    case 'step-start':
      return { ...p, step: e.step, waiting: null };
    case 'eval':
      if (e.split !== 'val') return p;
      if (e.prompt === 'current' || e.prompt === 'start') {
        const bestVal = p.bestVal === null ? e.score : Math.max(p.bestVal, e.score);
        return { ...p, val: e.score, bestVal, waiting: null };
      }
      if (e.prompt === 'best') return { ...p, bestVal: e.score };
      return p;
    case 'usage':
      return { ...p, costUsd: e.totals.costUsd, calls: e.totals.calls, waiting: p.waiting?.reason === 'review' ? p.waiting : null };
    case 'waiting':
      return { ...p, waiting: { reason: e.reason, seconds: e.seconds, since: now } };
    case 'review':
    case 'candidate':
    case 'forward-result':
    case 'loss':
      return p.waiting ? { ...p, waiting: null } : p;
    case 'done':
      return { ...p, done: e, waiting: null, costUsd: e.usage.costUsd, calls: e.usage.calls };
    default:
      return p;
  }
}

export function percent(score: number | null): string {
  return score === null ? '–' : `${Math.round(score * 100)}%`;
}

export function usd(v: number): string {
  return v < 10 ? `$${v.toFixed(2)}` : `$${v.toFixed(0)}`;
}

/** `DLPO step 3/10 · val 62% · $0.04`, `DLPO waiting 20 s (rate limit)`, `DLPO step 3/10 · candidate waiting`. */
export function statusBarText(p: RunProgress, now: number = Date.now()): string {
  if (p.waiting && p.waiting.reason !== 'review') {
    const left = Math.max(0, Math.ceil(p.waiting.seconds - (now - p.waiting.since) / 1000));
    const why = p.waiting.reason === 'rate-limit' ? 'rate limit' : 'server error';
    return `$(watch) DLPO waiting ${left} s (${why})`;
  }
  const step = `DLPO step ${p.step}/${p.totalSteps || '?'}`;
  if (p.waiting?.reason === 'review') return `$(bell-dot) ${step} · candidate waiting`;
  const cost = p.simulator ? 'offline simulator' : usd(p.costUsd);
  return `$(sync~spin) ${step} · val ${percent(p.val)} · ${cost}`;
}

/** The progress notification's message. */
export function progressMessage(p: RunProgress): string {
  if (p.waiting?.reason === 'review') return `step ${p.step}/${p.totalSteps}: a candidate is waiting for your review in the editor`;
  if (p.waiting) return `step ${p.step}/${p.totalSteps}: waiting ${Math.round(p.waiting.seconds)} s (${p.waiting.reason === 'rate-limit' ? 'rate limit' : 'server error'})`;
  const parts = [`step ${p.step}/${p.totalSteps}`];
  if (p.val !== null) parts.push(`val ${percent(p.val)}`);
  parts.push(p.simulator ? 'offline simulator' : usd(p.costUsd));
  return parts.join(' · ');
}
