import type { Budget } from '../config/runConfig';
import type { CallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart } from './chatModel';
import { LlmError } from './errors';
import type { Pricing } from './pricing';
import { estimatePromptTokens } from './tokens';

export type BudgetCap = 'calls' | 'tokens' | 'cost' | 'time';

/** What a run has spent; saved in checkpoints so a resumed run keeps counting. */
export interface BudgetSpent {
  calls: number;
  tokens: number;
  costUsd: number;
  elapsedMs: number;
}

export interface CallEstimate {
  tokens: number;
  costUsd: number;
}

interface Reservation extends CallEstimate {
  settled: boolean;
}

/**
 * The caps of one run, shared by all its model stacks. A call first reserves its
 * estimated cost; the reservation is refused (LlmError `budget`, `details.cap` naming the
 * cap) when what is spent plus what is reserved plus this call would pass a cap. Reserving
 * rather than only checking keeps concurrent calls from all passing the same check and
 * overshooting together. When the call ends, the estimate is replaced by what it cost.
 */
export class BudgetTracker {
  private spentSoFar: Omit<BudgetSpent, 'elapsedMs'>;
  private reserved: { calls: number; tokens: number; costUsd: number } = { calls: 0, tokens: 0, costUsd: 0 };
  private readonly startedAt: number;
  private readonly elapsedBefore: number;

  constructor(
    readonly budget: Budget,
    private readonly opts: { now?: () => number; spent?: BudgetSpent } = {},
  ) {
    const s = opts.spent ?? { calls: 0, tokens: 0, costUsd: 0, elapsedMs: 0 };
    this.spentSoFar = { calls: s.calls, tokens: s.tokens, costUsd: s.costUsd };
    this.elapsedBefore = s.elapsedMs;
    this.startedAt = this.now();
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  spent(): BudgetSpent {
    return { ...this.spentSoFar, elapsedMs: this.elapsedBefore + (this.now() - this.startedAt) };
  }

  /** Throws LlmError('budget') when `estimate` would pass a cap; otherwise holds it until settled. */
  reserve(estimate: CallEstimate): Reservation {
    const b = this.budget;
    const s = this.spent();
    const r = this.reserved;
    if (b.maxTimeSec !== undefined && s.elapsedMs >= b.maxTimeSec * 1000) {
      throw refuse('time', `the run has used its ${b.maxTimeSec} s of wall time`, '--max-time');
    }
    if (b.maxCalls !== undefined && s.calls + r.calls + 1 > b.maxCalls) {
      throw refuse('calls', `the next call would pass the cap of ${b.maxCalls} calls (${s.calls} made)`, '--max-calls');
    }
    if (b.maxTokens !== undefined && s.tokens + r.tokens + estimate.tokens > b.maxTokens) {
      throw refuse(
        'tokens',
        `the next call (≈${estimate.tokens} tokens) would pass the cap of ${b.maxTokens} tokens (${s.tokens} used)`,
        '--max-tokens',
      );
    }
    if (b.maxCostUsd !== undefined && s.costUsd + r.costUsd + estimate.costUsd > b.maxCostUsd) {
      throw refuse(
        'cost',
        `the next call (≈$${estimate.costUsd.toFixed(4)}) would pass the cap of $${b.maxCostUsd} ($${s.costUsd.toFixed(4)} spent)`,
        '--max-cost',
      );
    }
    r.calls += 1;
    r.tokens += estimate.tokens;
    r.costUsd += estimate.costUsd;
    return { ...estimate, settled: false };
  }

  /** Replaces a reservation by what the call cost. `counted: false` for calls that made no request (cache hits). */
  settle(reservation: Reservation, actual: CallEstimate, counted = true): void {
    if (reservation.settled) return;
    reservation.settled = true;
    this.reserved.calls -= 1;
    this.reserved.tokens -= reservation.tokens;
    this.reserved.costUsd -= reservation.costUsd;
    if (!counted) return;
    this.spentSoFar.calls += 1;
    this.spentSoFar.tokens += actual.tokens;
    this.spentSoFar.costUsd += actual.costUsd;
  }
}

function refuse(cap: BudgetCap, why: string, flag: string): LlmError {
  return new LlmError('budget', `Budget reached: ${why}.`, {
    cap,
    retryable: false,
    action: `Raise ${flag} (or the matching setting) and resume the run.`,
  });
}

export interface BudgetOptions {
  pricing: Pricing;
  /** The name prices are looked up by. */
  priceModel: string;
  /** The model's configured maxTokens, used when a request sets none. */
  maxTokens?: number;
  /** Completion size assumed when nothing bounds it; errs high so caps are not passed. */
  defaultCompletionTokens?: number;
  /** The provider bills no tokens (VS Code LM, the simulator): calls cost $0. */
  free?: boolean;
}

export const DEFAULT_COMPLETION_ESTIMATE = 1024;

export function estimateCall(request: ChatRequest, o: BudgetOptions): CallEstimate {
  const prompt = estimatePromptTokens(request.messages);
  const completion = request.maxTokens ?? o.maxTokens ?? o.defaultCompletionTokens ?? DEFAULT_COMPLETION_ESTIMATE;
  return { tokens: prompt + completion, costUsd: o.free ? 0 : o.pricing.costUsd(o.priceModel, prompt, completion) };
}

/** Checks `tracker` before every call of `model` and charges it after. */
export function withBudget(model: ChatModel, tracker: BudgetTracker, o: BudgetOptions): ChatModel {
  const actual = (r: ChatResponse): CallEstimate => ({
    tokens: r.usage.promptTokens + r.usage.completionTokens,
    costUsd: o.free ? 0 : o.pricing.costUsd(o.priceModel, r.usage.promptTokens, r.usage.completionTokens),
  });
  const failed: CallEstimate = { tokens: 0, costUsd: 0 };
  return {
    id: model.id,
    label: model.label,
    async complete(request: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
      const reservation = tracker.reserve(estimateCall(request, o));
      try {
        const r = await model.complete(request, options);
        tracker.settle(reservation, actual(r), !r.cached);
        return r;
      } finally {
        tracker.settle(reservation, failed);
      }
    },
    async *stream(request: ChatRequest, options?: CallOptions): AsyncGenerator<ChatStreamPart> {
      const reservation = tracker.reserve(estimateCall(request, o));
      try {
        for await (const part of model.stream(request, options)) {
          if (part.type === 'done') tracker.settle(reservation, actual(part.response), !part.response.cached);
          yield part;
        }
      } finally {
        tracker.settle(reservation, failed);
      }
    },
  };
}
