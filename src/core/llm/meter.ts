import type { CallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart } from './chatModel';
import type { UsageTotals } from '../run/events';
import type { Pricing } from './pricing';

export type UsageRole = 'forward' | 'backward' | 'judge';

/** One metered call: exactly the fields of the `usage` run event, `type` aside. */
export interface UsageRecord {
  role: UsageRole;
  purpose: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  cached: boolean;
  /** Totals after this call, across every stack sharing the meter. */
  totals: UsageTotals;
  /** True when the server sent no usage and the tokens were estimated. */
  estimated: boolean;
  /** The request failed (the LlmError kind: `timeout`, `rate-limit`…); its tokens are what it may be billed. */
  failed?: string;
  /** The id of the `SentRecord` of this request (absent for cache hits). */
  request?: number;
}

/** An HTTP request on its way; its `UsageRecord` (with `request: id`) follows when it ends. */
export interface SentRecord {
  id: number;
  role: UsageRole;
  purpose: string;
  model: string;
  /** Estimated, as the budget reserved them. */
  promptTokens: number;
  free?: boolean;
}

/**
 * Sums tokens and cost across every call of a run (forward, backward, judge share one
 * meter). Every HTTP request is a call, a failed one or a retry too (`recordFailure`).
 * Cached calls are counted as calls and reported with their tokens, but add no tokens
 * and no cost to the totals: no request was made.
 */
export class UsageMeter {
  private t: UsageTotals;
  private nextRequest = 0;

  constructor(
    private readonly pricing: Pricing,
    private readonly onUsage?: (record: UsageRecord) => void,
    initial?: UsageTotals,
    private readonly onSent?: (record: SentRecord) => void,
  ) {
    this.t = initial ? { ...initial } : { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
  }

  totals(): UsageTotals {
    return { ...this.t };
  }

  /** Notes a request being sent (for crash recovery, see `SentRecord`); returns its id. */
  sent(role: UsageRole, purpose: string, model: string, promptTokens: number, free = false): number {
    const id = this.nextRequest++;
    this.onSent?.({ id, role, purpose, model, promptTokens, ...(free ? { free } : {}) });
    return id;
  }

  /** `free`: the provider bills no tokens (VS Code LM, the simulator), whatever the model's name. */
  record(role: UsageRole, purpose: string, model: string, response: ChatResponse, free = false, request?: number): UsageRecord {
    const cached = response.cached === true;
    const { promptTokens, completionTokens } = response.usage;
    const costUsd = cached || free ? 0 : this.pricing.costUsd(model, promptTokens, completionTokens);
    this.t.calls++;
    if (cached) this.t.cachedCalls++;
    else {
      this.t.promptTokens += promptTokens;
      this.t.completionTokens += completionTokens;
      this.t.costUsd += costUsd;
    }
    const record: UsageRecord = {
      role,
      purpose,
      model,
      promptTokens,
      completionTokens,
      costUsd,
      cached,
      totals: this.totals(),
      estimated: response.usage.estimated === true,
      ...(request !== undefined ? { request } : {}),
    };
    this.onUsage?.(record);
    return record;
  }

  /**
   * A request that failed: counted as a call, charged `charge` (what the provider may bill
   * for it, estimated: see `failureCharge` in budget.ts).
   */
  recordFailure(
    role: UsageRole,
    purpose: string,
    model: string,
    charge: { promptTokens: number; completionTokens: number },
    kind: string,
    free = false,
    request?: number,
  ): UsageRecord {
    const costUsd = free ? 0 : this.pricing.costUsd(model, charge.promptTokens, charge.completionTokens);
    this.t.calls++;
    this.t.promptTokens += charge.promptTokens;
    this.t.completionTokens += charge.completionTokens;
    this.t.costUsd += costUsd;
    const record: UsageRecord = {
      role,
      purpose,
      model,
      promptTokens: charge.promptTokens,
      completionTokens: charge.completionTokens,
      costUsd,
      cached: false,
      totals: this.totals(),
      estimated: true,
      failed: kind,
      ...(request !== undefined ? { request } : {}),
    };
    this.onUsage?.(record);
    return record;
  }
}

/**
 * Meters every successful call of `model`. `priceModel` is the name prices are looked up
 * by (the configured model or deployment), which may differ from what the server reports.
 * `cachedOnly`: meter only cache hits, when the requests themselves are metered at the
 * wire (budget.ts `withWireAccounting`), so nothing is counted twice.
 */
export function withMeter(
  model: ChatModel,
  meter: UsageMeter,
  opts: { role: UsageRole; priceModel: string; free?: boolean; cachedOnly?: boolean },
): ChatModel {
  const wanted = (r: ChatResponse) => !opts.cachedOnly || r.cached === true;
  return {
    id: model.id,
    label: model.label,
    async complete(request: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
      const response = await model.complete(request, options);
      if (wanted(response)) meter.record(opts.role, options?.purpose ?? 'call', opts.priceModel, response, opts.free);
      return response;
    },
    async *stream(request: ChatRequest, options?: CallOptions): AsyncGenerator<ChatStreamPart> {
      for await (const part of model.stream(request, options)) {
        if (part.type === 'done' && wanted(part.response)) meter.record(opts.role, options?.purpose ?? 'call', opts.priceModel, part.response, opts.free);
        yield part;
      }
    },
  };
}
