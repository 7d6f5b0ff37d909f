import type { RunEvent } from '../run/events';

/** One version of the prompt a run accepted (or started from). */
export interface PromptVersion {
  /** Null for the prompt the run started from. */
  step: number | null;
  prompt: string;
  /** Validation score of this version (training score when there is no validation split). */
  score: number | null;
  scoreSplit: 'val' | 'train' | null;
  /** Who accepted it (`start` for the starting prompt). */
  by: 'start' | 'user' | 'tsa' | 'auto' | 'trainer';
  /** ISO time when known: the run's start, or when this window saw the decision. */
  time?: string;
}

/**
 * Every accepted version of the prompt, oldest first, read from a run's events. The
 * `review` event is authoritative; a step with no `review` (a journal written without
 * a reviewer) counts as accepted when its TSA decision accepted it, or when TSA was off,
 * once the step is over.
 */
export function promptVersions(events: readonly RunEvent[], decisionTimes: ReadonlyMap<number, string> = new Map()): PromptVersion[] {
  const versions: PromptVersion[] = [];
  const scores = new Map<number, { val?: number; train?: number }>();
  let startScore: { val?: number; train?: number } = {};
  for (const e of events) {
    if (e.type !== 'eval') continue;
    if (e.prompt === 'start') startScore = { ...startScore, [e.split]: e.score };
    else if (e.prompt === 'current') scores.set(e.step, { ...scores.get(e.step), [e.split]: e.score });
  }
  const scoreOf = (s: { val?: number; train?: number } | undefined) =>
    s?.val !== undefined ? { score: s.val, scoreSplit: 'val' as const } : s?.train !== undefined ? { score: s.train, scoreSplit: 'train' as const } : { score: null, scoreSplit: null };

  let open: { step: number; after: string; tsaAccepted: boolean | null; decided: boolean } | null = null;
  const closeOpen = () => {
    if (open && !open.decided && open.tsaAccepted !== false) {
      versions.push({ step: open.step, prompt: open.after, by: 'trainer', ...scoreOf(scores.get(open.step)), time: decisionTimes.get(open.step) });
    }
    open = null;
  };
  let started = false;
  for (const e of events) {
    switch (e.type) {
      case 'run-start':
        if (!started) versions.push({ step: null, prompt: e.prompt, by: 'start', ...scoreOf(startScore), time: e.time });
        started = true;
        break;
      case 'step-start':
        if (open && open.step !== e.step) closeOpen();
        break;
      case 'candidate':
        closeOpen();
        open = { step: e.step, after: e.after, tsaAccepted: null, decided: false };
        break;
      case 'tsa-decision':
        if (open && open.step === e.step) open.tsaAccepted = e.accepted;
        break;
      case 'review':
        if (open && open.step === e.step) {
          open.decided = true;
          if (e.accepted) {
            versions.push({ step: e.step, prompt: e.prompt ?? open.after, by: e.by, ...scoreOf(scores.get(e.step)), time: decisionTimes.get(e.step) });
          }
        }
        break;
      case 'done':
        closeOpen();
        break;
      default:
        break;
    }
  }
  return versions;
}
