import type { RunEvent } from '../../core/run/events';

/**
 * Appends an event to a run session's list, joining a streamed gradient delta onto the
 * delta before it when both are the same step's same part. Live listeners still get every
 * delta as it comes; the list (what a panel's snapshot and the reports are made from)
 * keeps one event per streamed part instead of one per token, which is most of a long
 * run's events. Folding the joined list gives the same view as the raw one, because the
 * view only ever appends delta text.
 */
export function appendEvent(list: RunEvent[], event: RunEvent): void {
  const last = list[list.length - 1];
  if (event.type === 'gradient-delta' && last?.type === 'gradient-delta' && last.step === event.step && last.part === event.part) {
    list[list.length - 1] = { ...last, text: last.text + event.text };
    return;
  }
  list.push(event);
}
