import type { RunConfig } from '../config/runConfig';
import type { SharedLimiter } from '../run/runTypes';
import type { UsageTotals } from '../run/events';
import { BudgetTracker, type BudgetSpent } from './budget';
import type { ChatModel } from './chatModel';
import { createModelStack, type ModelStack } from './factory';
import { ConcurrencyLimiter } from './limiter';
import { UsageMeter, type SentRecord, type UsageRecord } from './meter';
import { Pricing } from './pricing';
import type { RetryWait } from './retry';

export interface RunModelsOptions {
  /** Providers built by the shell (VS Code LM); others are built from the config. */
  models?: { forward?: ChatModel; backward?: ChatModel };
  apiKeys?: { forward?: string; backward?: string };
  keySources?: { forward?: string; backward?: string };
  limiter?: SharedLimiter;
  /** A budget shared with other runs (an experiment's); otherwise one is built from `config.budget`. */
  budget?: BudgetTracker;
  onUsage?: (record: UsageRecord) => void;
  /** Each HTTP request as it is sent (journaled, so a resume can count those a crash left in flight). */
  onRequest?: (record: SentRecord) => void;
  onWait?: (wait: RetryWait) => void;
  /** From a checkpoint, so a resumed run keeps counting where it stopped. */
  budgetSpent?: BudgetSpent;
  usageTotals?: UsageTotals;
  cwd?: string;
}

export interface RunModels {
  forward: ModelStack;
  backward: ModelStack;
  meter: UsageMeter;
  budget: BudgetTracker;
  limiter: SharedLimiter;
}

/**
 * The forward and backward stacks of one run, sharing one limiter, one meter and one
 * budget so concurrency, totals and caps cover the run as a whole.
 */
export function createRunModels(config: RunConfig, o: RunModelsOptions = {}): RunModels {
  const pricing = new Pricing(config.prices);
  const meter = new UsageMeter(pricing, o.onUsage, o.usageTotals, o.onRequest);
  const budget = o.budget ?? new BudgetTracker(config.budget, { spent: o.budgetSpent });
  const limiter = o.limiter ?? new ConcurrencyLimiter(config.maxConcurrency);
  const common = {
    seed: config.seed,
    requestTimeoutSec: config.requestTimeoutSec,
    limiter,
    budget,
    meter,
    pricing,
    cache: config.cache,
    cwd: o.cwd,
    onWait: o.onWait,
  };
  const forward = createModelStack(config.forward, {
    ...common,
    role: 'forward',
    base: o.models?.forward,
    apiKey: o.apiKeys?.forward,
    keySource: o.keySources?.forward,
  });
  const backward = createModelStack(config.backward, {
    ...common,
    role: 'backward',
    base: o.models?.backward,
    apiKey: o.apiKeys?.backward,
    keySource: o.keySources?.backward,
  });
  return { forward, backward, meter, budget, limiter };
}
