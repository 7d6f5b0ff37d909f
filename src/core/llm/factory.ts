import * as path from 'node:path';
import type { ModelSpec } from '../config/runConfig';
import type { SharedLimiter } from '../run/runTypes';
import { createSimulatorModel } from '../simulator/simulatorModel';
import { envKeySource } from './apiKeyEnv';
import { BudgetTracker, withWireAccounting } from './budget';
import { ResponseCache, withCache } from './cache';
import type { ChatModel } from './chatModel';
import { LlmError } from './errors';
import { ConcurrencyLimiter, withLimiter } from './limiter';
import { UsageMeter, withMeter, type UsageRole } from './meter';
import { createOpenAiModel } from './openaiProvider';
import { Pricing } from './pricing';
import { withRetry, type RetryOptions, type RetryWait } from './retry';
import { withTimeout } from './timeout';

export interface ModelStackContext {
  role: UsageRole;
  /** An already-built provider (the extension's VS Code LM model); wrapped like any other. */
  base?: ChatModel;
  /** Resolved by the shell; never stored. Absent for keyless local servers. */
  apiKey?: string;
  /** Named in auth errors; default `the environment variable <apiKeyEnv>`. */
  keySource?: string;
  /** Seeds the simulator and the retry jitter. */
  seed?: number;
  requestTimeoutSec?: number;
  /** A limiter shared with other stacks or runs; else one of `maxConcurrency` for this stack. */
  limiter?: SharedLimiter;
  maxConcurrency?: number;
  /** Shared by the run's stacks so caps count every call; absent = no caps. */
  budget?: BudgetTracker;
  /** Shared by the run's stacks so totals cover every call; absent = not metered. */
  meter?: UsageMeter;
  pricing?: Pricing;
  cache?: { enabled: boolean; dir?: string };
  /** Base for the default cache folder `<cwd>/.dlpo/cache`. */
  cwd?: string;
  retry?: Partial<RetryOptions>;
  onWait?: (wait: RetryWait) => void;
}

/** The wrapped model, plus the provider under it (e.g. to hand the simulator its answer key). */
export interface ModelStack extends ChatModel {
  readonly base: ChatModel;
}

export const DEFAULT_TIMEOUT_SEC = 120;

/**
 * Builds the model for one role of a run. Layers, innermost first:
 *
 *   provider → timeout → wire accounting → retry → limiter → cache → meter (cache hits)
 *
 * - timeout inside retry: each HTTP attempt gets its own time limit, and a hang is a
 *   retryable failure like a 503 (as the SDK itself would do).
 * - wire accounting (budget.ts) right above the provider: every HTTP request, each retry
 *   included, gets its completion limit, reserves its worst case in the budget when it is
 *   *sent* (not while it queues or backs off), and is settled and metered when it ends,
 *   failed ones too. So `--max-calls` and the meter count what the server sees.
 * - limiter outside retry: a call keeps its slot while it backs off, so a rate-limited
 *   endpoint sees less pressure, not a queue of newcomers taking the freed slots.
 * - cache outside all of it: a cache hit makes no request, so it spends nothing and is
 *   never refused; a re-run of a finished run costs nothing.
 * - meter outermost, for cache hits only (reported as `cached` usage with zero cost);
 *   requests are metered at the wire.
 *
 * The offline simulator gets only timeout (for prompt cancellation) and wire accounting:
 * it makes no request to retry, rate-limit or cache.
 */
export function createModelStack(spec: ModelSpec, ctx: ModelStackContext): ModelStack {
  const pricing = ctx.pricing ?? new Pricing();
  const timeoutMs = (ctx.requestTimeoutSec ?? DEFAULT_TIMEOUT_SEC) * 1000;
  const priceModel = spec.model;
  const base = ctx.base ?? buildProvider(spec, ctx);
  const offline = spec.provider === 'simulator' && !ctx.base;
  // VS Code LM models are paid for by the user's subscription (e.g. Copilot), not per
  // token; `copilot/gpt-4o` must not be priced as OpenAI's gpt-4o.
  const free = spec.provider === 'vscode-lm' || spec.provider === 'simulator';

  let model: ChatModel = withTimeout(base, { timeoutMs });
  model = withWireAccounting(model, { tracker: ctx.budget, meter: ctx.meter, role: ctx.role, pricing, priceModel, maxTokens: spec.maxTokens, free });
  if (!offline) {
    model = withRetry(model, { seed: ctx.seed, ...ctx.retry, onWait: ctx.onWait ?? ctx.retry?.onWait });
    model = withLimiter(model, ctx.limiter ?? new ConcurrencyLimiter(ctx.maxConcurrency ?? 8));
  }
  if (!offline && ctx.cache?.enabled) {
    const dir = ctx.cache.dir ?? path.join(ctx.cwd ?? process.cwd(), '.dlpo', 'cache');
    model = withCache(model, new ResponseCache(dir));
  }
  if (ctx.meter) model = withMeter(model, ctx.meter, { role: ctx.role, priceModel, free, cachedOnly: true });
  const top = model;
  return { id: top.id, label: top.label, base, complete: top.complete.bind(top), stream: top.stream.bind(top) };
}

function buildProvider(spec: ModelSpec, ctx: ModelStackContext): ChatModel {
  switch (spec.provider) {
    case 'simulator':
      return createSimulatorModel({
        seed: ctx.seed ?? 0,
        role: ctx.role === 'forward' ? 'forward' : 'backward',
        ...(spec.streamCharsPerSecond ? { streamCharsPerSecond: spec.streamCharsPerSecond } : {}),
      });
    case 'openai':
    case 'azure':
    case 'openai-compatible':
      return createOpenAiModel({
        provider: spec.provider,
        model: spec.model,
        apiKey: ctx.apiKey,
        keySource: ctx.keySource ?? envKeySource(spec),
        baseUrl: spec.baseUrl,
        azureEndpoint: spec.azureEndpoint,
        azureApiVersion: spec.azureApiVersion,
      });
    case 'vscode-lm':
      throw new LlmError('bad-request', 'The VS Code Language Model provider is only available inside VS Code.', {
        action: 'Use --provider openai, azure or openai-compatible on the command line.',
      });
  }
}
