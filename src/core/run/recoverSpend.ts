import * as fs from 'node:fs';
import type { BudgetSpent } from '../llm/budget';
import type { Pricing } from '../llm/pricing';
import { parseRunEvent, type UsageTotals } from './events';
import type { CheckpointFile } from './checkpoint';

/** What the journal shows was spent after a checkpoint's accounting, and is not in it. */
export interface RecoveredSpend {
  /** Requests answered (or failed) after the checkpoint's accounting. */
  ended: number;
  /** Requests sent and never answered: in flight when the process died. */
  inFlight: number;
  usage: UsageTotals;
  budget: Omit<BudgetSpent, 'elapsedMs'>;
}

/**
 * The calls a crashed session made after its last checkpoint: the checkpoint's totals
 * stop at the moment it was saved, and resume cuts the journal back to it, so without
 * this those calls — paid for — would vanish from the totals and the caps.
 *
 * The journal after `accountedBytes` (the journal's length when the totals were read)
 * holds a `usage` event for every request that ended, and a `request` event for every
 * request sent; a `request` whose `usage` never came was in flight at the crash and is
 * charged its prompt tokens (it may be billed; what it generated is unknown). Checkpoints
 * older than `accountedBytes` are read from `journalBytes`, and only when that part holds
 * no `done`: a session that ended orderly saved its final totals with everything in them.
 */
export function recoverSpend(eventsFile: string, checkpoint: CheckpointFile, pricing: Pricing): RecoveredSpend | undefined {
  const from = checkpoint.accountedBytes ?? checkpoint.journalBytes;
  let tail: string;
  try {
    const fd = fs.openSync(eventsFile, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= from) return undefined;
      const buf = Buffer.alloc(size - from);
      fs.readSync(fd, buf, 0, buf.length, from);
      tail = buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const usage: UsageTotals = { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
  const budget = { calls: 0, tokens: 0, costUsd: 0 };
  const sent = new Map<number, { model: string; promptTokens: number; free?: boolean }>();
  let ended = 0;
  for (const line of tail.split('\n')) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // a line cut by the crash
    }
    const e = parseRunEvent(value);
    if (!e) continue;
    if (e.type === 'done' && checkpoint.accountedBytes === undefined) return undefined;
    if (e.type === 'request') sent.set(e.id, { model: e.model, promptTokens: e.promptTokens, free: e.free });
    if (e.type !== 'usage') continue;
    if (e.request !== undefined) sent.delete(e.request);
    ended++;
    usage.calls++;
    if (e.cached) {
      usage.cachedCalls++;
      continue;
    }
    usage.promptTokens += e.promptTokens;
    usage.completionTokens += e.completionTokens;
    usage.costUsd += e.costUsd;
    budget.calls++;
    budget.tokens += e.promptTokens + e.completionTokens;
    budget.costUsd += e.costUsd;
  }
  for (const r of sent.values()) {
    const cost = r.free ? 0 : pricing.costUsd(r.model, r.promptTokens, 0);
    usage.calls++;
    usage.promptTokens += r.promptTokens;
    usage.costUsd += cost;
    budget.calls++;
    budget.tokens += r.promptTokens;
    budget.costUsd += cost;
  }
  if (ended === 0 && sent.size === 0) return undefined;
  return { ended, inFlight: sent.size, usage, budget };
}

export function addUsage(a: UsageTotals, b: UsageTotals): UsageTotals {
  return {
    calls: a.calls + b.calls,
    cachedCalls: a.cachedCalls + b.cachedCalls,
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    costUsd: a.costUsd + b.costUsd,
  };
}
