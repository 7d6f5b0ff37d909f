import type { Budget } from '../config/runConfig';
import type { CallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart } from './chatModel';
import { LlmError, isLlmError } from './errors';
import type { UsageMeter, UsageRole } from './meter';
import type { Pricing } from './pricing';
import { estimatePromptTokens, estimateTokens, maxPromptTokens } from './tokens';

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
 * The caps of one run, shared by all its model stacks. Each HTTP request reserves its
 * worst case (prompt tokens + its completion limit) when it is sent; the reservation is
 * replaced by what the request cost when it ends. Reserving rather than only checking
 * keeps concurrent requests from all passing the same check and overshooting together.
 *
 * A request is refused (LlmError `budget`, `details.cap` naming the cap) only when what
 * is already spent plus its worst case would pass a cap: then no later request can fit
 * either, and the run stops at the first call that could pass the cap, not earlier. When
 * only the reservations of requests still in flight stand in the way, `reserveWhenFree`
 * waits for them to settle (they usually cost far less than their worst case).
 */
export class BudgetTracker {
  private spentSoFar: Omit<BudgetSpent, 'elapsedMs'>;
  private reserved: { calls: number; tokens: number; costUsd: number } = { calls: 0, tokens: 0, costUsd: 0 };
  private readonly startedAt: number;
  private readonly elapsedBefore: number;
  private readonly waiters = new Set<() => void>();

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

  /** Requests sent and not yet settled. */
  get inFlight(): number {
    return this.reserved.calls;
  }

  /** The first cap `estimate` would pass, counting reservations of requests in flight or not. */
  private refusal(estimate: CallEstimate, withReserved: boolean): LlmError | undefined {
    const b = this.budget;
    const s = this.spent();
    const r = withReserved ? this.reserved : { calls: 0, tokens: 0, costUsd: 0 };
    const inFlight = this.reserved.calls;
    const flying = inFlight > 0 ? `, ${inFlight} still in flight` : '';
    if (b.maxTimeSec !== undefined && s.elapsedMs >= b.maxTimeSec * 1000) {
      return refuse('time', `the run has used its ${b.maxTimeSec} s of wall time`, '--max-time');
    }
    if (b.maxCalls !== undefined && s.calls + r.calls + 1 > b.maxCalls) {
      // "made" counts what the server has seen: settled requests and those in flight.
      return refuse('calls', `the next call would pass the cap of ${b.maxCalls} calls (${s.calls + inFlight} made${flying})`, '--max-calls');
    }
    if (b.maxTokens !== undefined && s.tokens + r.tokens + estimate.tokens > b.maxTokens) {
      return refuse(
        'tokens',
        `the next call (up to ${estimate.tokens} tokens) would pass the cap of ${b.maxTokens} tokens (${s.tokens} used${flying})`,
        '--max-tokens',
      );
    }
    if (b.maxCostUsd !== undefined && s.costUsd + r.costUsd + estimate.costUsd > b.maxCostUsd) {
      return refuse(
        'cost',
        `the next call (up to ${formatUsd(estimate.costUsd)}) would pass the cap of $${b.maxCostUsd} (${formatUsd(s.costUsd)} spent${flying})`,
        '--max-cost',
      );
    }
    return undefined;
  }

  /** Throws LlmError('budget') when `estimate`, with every reservation held, would pass a cap; otherwise holds it until settled. */
  reserve(estimate: CallEstimate): Reservation {
    const refused = this.refusal(estimate, true);
    if (refused) throw refused;
    return this.take(estimate);
  }

  /**
   * Reserves `estimate`, waiting while only requests in flight stand in the way; throws
   * LlmError('budget') once what is spent leaves no room for it, or 'aborted' on `signal`.
   */
  async reserveWhenFree(estimate: CallEstimate, signal?: AbortSignal): Promise<Reservation> {
    for (;;) {
      const hard = this.refusal(estimate, false);
      if (hard) throw hard;
      if (!this.refusal(estimate, true)) return this.take(estimate);
      await this.nextSettle(signal);
    }
  }

  private take(estimate: CallEstimate): Reservation {
    const r = this.reserved;
    r.calls += 1;
    r.tokens += estimate.tokens;
    r.costUsd += estimate.costUsd;
    return { ...estimate, settled: false };
  }

  private nextSettle(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new LlmError('aborted', 'The request was cancelled.', { retryable: false }));
    return new Promise((resolve, reject) => {
      const wake = () => {
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters.delete(wake);
        reject(new LlmError('aborted', 'The request was cancelled.', { retryable: false }));
      };
      this.waiters.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Replaces a reservation by what the call cost. `counted: false` for calls that made no request (cache hits). */
  settle(reservation: Reservation, actual: CallEstimate, counted = true): void {
    if (reservation.settled) return;
    reservation.settled = true;
    this.reserved.calls -= 1;
    this.reserved.tokens -= reservation.tokens;
    this.reserved.costUsd -= reservation.costUsd;
    if (counted) {
      this.spentSoFar.calls += 1;
      this.spentSoFar.tokens += actual.tokens;
      this.spentSoFar.costUsd += actual.costUsd;
    }
    for (const wake of [...this.waiters]) wake();
  }
}

function refuse(cap: BudgetCap, why: string, flag: string): LlmError {
  return new LlmError('budget', `Budget reached: ${why}.`, {
    cap,
    retryable: false,
    action: `Raise ${flag} (or the matching setting) and resume the run.`,
  });
}

/** Dollars with the digits that matter: `$0.058`, `$0.00042`, `$12.30`; never `$0.0000` for a real spend. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(3)}`;
  return `$${usd.toPrecision(2)}`;
}

export interface BudgetOptions {
  pricing: Pricing;
  /** The name prices are looked up by. */
  priceModel: string;
  /** The model's configured maxTokens, used when a request sets none. */
  maxTokens?: number;
  /** The provider bills no tokens (VS Code LM, the simulator): calls cost $0. */
  free?: boolean;
}

/**
 * The completion limit of a request that sets none and whose model sets none: twice the
 * prompt (an update call rewrites the whole prompt it was given), at least 4,096 tokens
 * (reasoning models spend tokens before answering) and at most 16,384 (the largest output
 * many models accept; a server that accepts less says so and the limit is lowered, see
 * openaiProvider.ts). Set `maxTokens` on a model to bound its calls more tightly.
 */
export const MIN_DEFAULT_COMPLETION_LIMIT = 4096;
export const MAX_DEFAULT_COMPLETION_LIMIT = 16384;

export function defaultCompletionLimit(promptTokens: number): number {
  return Math.min(MAX_DEFAULT_COMPLETION_LIMIT, Math.max(MIN_DEFAULT_COMPLETION_LIMIT, 2 * promptTokens));
}

export interface WireEstimate extends CallEstimate {
  promptTokens: number;
  /** The completion limit sent with the request (`max_tokens` / `max_completion_tokens`). */
  completionLimit: number;
}

/**
 * The worst case of a request: its estimated prompt plus its completion limit, at the
 * model's price. The limit is the request's, else the model's, else the default; it is
 * never lowered to fit a budget, since an answer cut short would be scored as a wrong
 * one: a request whose worst case does not fit is not sent.
 */
export function estimateCall(request: ChatRequest, o: BudgetOptions): WireEstimate {
  // The reservation is a bound, not a guess: the prompt at one token per byte. The
  // default completion limit still follows the usual estimate of the prompt's size.
  const promptTokens = maxPromptTokens(request.messages);
  const completionLimit = request.maxTokens ?? o.maxTokens ?? defaultCompletionLimit(estimatePromptTokens(request.messages));
  return {
    promptTokens,
    completionLimit,
    tokens: promptTokens + completionLimit,
    costUsd: o.free ? 0 : o.pricing.costUsd(o.priceModel, promptTokens, completionLimit),
  };
}

export interface WireOptions extends BudgetOptions {
  /** Absent = no caps; the completion limit is still sent. */
  tracker?: BudgetTracker;
  /** Absent = not metered. */
  meter?: UsageMeter;
  role: UsageRole;
}

/**
 * Accounting at the wire: this layer sits right above the provider (under retry, under
 * the limiter), so it sees every HTTP request, retries included, at the moment it is
 * sent. Each request gets its completion limit, reserves its worst case in the budget
 * (waiting while requests in flight may free room), and is settled and metered when it
 * ends — a failed one too, at what the provider could bill for it (see `failureCharge`).
 */
export function withWireAccounting(model: ChatModel, o: WireOptions): ChatModel {
  const costOf = (promptTokens: number, completionTokens: number) =>
    o.free ? 0 : o.pricing.costUsd(o.priceModel, promptTokens, completionTokens);
  type Sent = { est: WireEstimate; reservation: Reservation | undefined; id: number | undefined; purpose: string };
  const succeeded = ({ reservation, id, purpose }: Sent, r: ChatResponse) => {
    const { promptTokens, completionTokens } = r.usage;
    if (reservation) o.tracker!.settle(reservation, { tokens: promptTokens + completionTokens, costUsd: costOf(promptTokens, completionTokens) }, !r.cached);
    o.meter?.record(o.role, purpose, o.priceModel, r, o.free, id);
  };
  const failed = ({ reservation, id, purpose, est }: Sent, e: unknown, receivedTokens: number) => {
    const charge = failureCharge(e, est, receivedTokens);
    if (reservation) o.tracker!.settle(reservation, { tokens: charge.promptTokens + charge.completionTokens, costUsd: costOf(charge.promptTokens, charge.completionTokens) });
    o.meter?.recordFailure(o.role, purpose, o.priceModel, charge, isLlmError(e) ? e.kind : 'error', o.free, id);
  };
  const prepare = async (request: ChatRequest, options?: CallOptions) => {
    const est = estimateCall(request, o);
    const purpose = options?.purpose ?? 'call';
    const reservation = o.tracker ? await o.tracker.reserveWhenFree(est, options?.signal) : undefined;
    const id = o.meter?.sent(o.role, purpose, o.priceModel, est.promptTokens, o.free);
    const sent: Sent = { est, reservation, id, purpose };
    return { sent, request: { ...request, maxTokens: est.completionLimit } };
  };
  return {
    id: model.id,
    label: model.label,
    async complete(request: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
      const { sent, request: limited } = await prepare(request, options);
      let r: ChatResponse;
      try {
        r = await model.complete(limited, options);
      } catch (e) {
        failed(sent, e, 0);
        throw e;
      }
      succeeded(sent, r);
      return r;
    },
    async *stream(request: ChatRequest, options?: CallOptions): AsyncGenerator<ChatStreamPart> {
      const { sent, request: limited } = await prepare(request, options);
      let received = 0;
      let accounted = false;
      try {
        for await (const part of model.stream(limited, options)) {
          if (part.type === 'delta') received += estimateTokens(part.text);
          else {
            accounted = true;
            succeeded(sent, part.response);
          }
          yield part;
        }
      } catch (e) {
        if (!accounted) {
          accounted = true;
          failed(sent, e, received);
        }
        throw e;
      } finally {
        // The consumer stopped reading early: the request was made all the same.
        if (!accounted) failed(sent, new LlmError('aborted', 'The stream was left before its end.'), received);
      }
    },
  };
}

/**
 * What a failed request is charged. One the server refused with an HTTP status (401,
 * 404, 429, 500…) generated nothing. One that was cut short after it reached the model
 * (a timeout, a dropped connection, a broken stream, a filtered or cut-off answer, a
 * cancel) may be billed: its prompt tokens at least, plus what was received of the
 * answer, or the whole completion limit when the server says it hit it.
 */
export function failureCharge(e: unknown, est: WireEstimate, receivedTokens: number): { promptTokens: number; completionTokens: number } {
  if (isLlmError(e) && e.details.status !== undefined) return { promptTokens: 0, completionTokens: 0 };
  if (isLlmError(e, 'length')) return { promptTokens: est.promptTokens, completionTokens: est.completionLimit };
  return { promptTokens: est.promptTokens, completionTokens: Math.min(receivedTokens, est.completionLimit) };
}
