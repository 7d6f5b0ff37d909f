import { sleep } from './abortable';
import type { CallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart } from './chatModel';
import { LlmError, isLlmError } from './errors';

export interface RetryWait {
  reason: 'rate-limit' | 'server-error';
  seconds: number;
  /** Ready for the `waiting` run event, e.g. `Rate-limited (429): retrying in 3 s (attempt 2 of 5)`. */
  message: string;
  attempt: number;
  error: LlmError;
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server asking for a longer wait than this ends the call rather than stalling the run. */
  maxRetryAfterMs: number;
  /** Uniform [0, 1); inject a seeded one for reproducible jitter. */
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  onWait?: (wait: RetryWait) => void;
}

export const DEFAULT_RETRY: Omit<RetryOptions, 'random'> = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 120_000,
  sleep,
};

/**
 * Retries what may succeed later: 408, 409, 429, 5xx, network failures and timeouts,
 * i.e. errors the provider marked `retryable`. Never other 4xx: a bad key or an unknown
 * model does not get better by asking again. A server's Retry-After wins over our own
 * exponential backoff with jitter.
 *
 * A stream that fails mid-way (it stalls past the timeout, the connection drops, a frame
 * is broken) is retried from the start like any other call: the partial answer is
 * discarded, since only the final `done` response is ever used as the answer. The text
 * already handed on as deltas (a live preview) cannot be taken back, so the retry's
 * deltas are matched against it: while the new text repeats what was shown, nothing is
 * shown twice; only what goes beyond it is passed on.
 */
export function withRetry(model: ChatModel, options: Partial<RetryOptions> & { seed?: number } = {}): ChatModel {
  const o: RetryOptions = { ...DEFAULT_RETRY, random: options.random ?? seededRandom(options.seed ?? 1), ...stripUndefined(options) };
  const label = model.label;

  async function waitBeforeRetry(err: unknown, attempt: number, signal?: AbortSignal): Promise<void> {
    if (!isLlmError(err) || !err.details.retryable || attempt >= o.maxAttempts) throw err;
    const requested = err.details.retryAfterMs;
    if (requested !== undefined && requested > o.maxRetryAfterMs) {
      throw new LlmError(err.kind, `${err.message} (the server asked to wait ${Math.ceil(requested / 1000)} s; giving up)`, {
        ...err.details,
        retryable: false,
      });
    }
    const ms = requested ?? backoffMs(attempt, o);
    const reason = err.kind === 'rate-limit' ? 'rate-limit' : 'server-error';
    const seconds = Math.round(ms / 100) / 10;
    o.onWait?.({
      reason,
      seconds,
      attempt: attempt + 1,
      error: err,
      message: `${label}: ${err.kind === 'rate-limit' ? 'rate-limited' : err.kind}${err.details.status ? ` (${err.details.status})` : ''}; retrying in ${seconds} s (attempt ${attempt + 1} of ${o.maxAttempts})`,
    });
    await o.sleep(ms, signal);
  }

  return {
    id: model.id,
    label: model.label,
    async complete(request: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await model.complete(request, options);
        } catch (e) {
          await waitBeforeRetry(e, attempt, options?.signal);
        }
      }
    },
    async *stream(request: ChatRequest, options?: CallOptions): AsyncGenerator<ChatStreamPart> {
      // What the consumer has been shown so far, across attempts.
      let shown = '';
      for (let attempt = 1; ; attempt++) {
        let text = '';
        let repeating = true;
        try {
          for await (const part of model.stream(request, options)) {
            if (part.type !== 'delta') {
              yield part;
              continue;
            }
            text += part.text;
            if (repeating && shown.length >= text.length && shown.startsWith(text)) continue; // already shown
            if (repeating && text.startsWith(shown)) {
              const fresh = text.slice(shown.length);
              shown = text;
              yield { type: 'delta', text: fresh };
              continue;
            }
            // The retry says something else than the failed attempt: pass it on as it comes.
            repeating = false;
            shown += part.text;
            yield part;
          }
          return;
        } catch (e) {
          await waitBeforeRetry(e, attempt, options?.signal);
        }
      }
    },
  };
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffMs(attempt: number, o: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const exp = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * o.random());
}

/** mulberry32: tiny, seedable, good enough for jitter. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
