import { abortedError } from './abortable';
import type { CallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart } from './chatModel';
import type { SharedLimiter } from '../run/runTypes';

/**
 * At most `max` tasks at once, first come first served. One instance can be shared by
 * the forward and backward stacks of a run, or by every run of an experiment, so the
 * endpoint sees one bound however the work is split.
 */
export class ConcurrencyLimiter implements SharedLimiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max concurrency must be a positive integer, got ${max}`);
  }

  get inFlight(): number {
    return this.active;
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Waits for a slot; the returned function gives it back (once). */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortedError('queued request'));
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.active++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.active--;
          this.queue.shift()?.();
        });
      };
      const onAbort = () => {
        const i = this.queue.indexOf(grant);
        if (i >= 0) this.queue.splice(i, 1);
        reject(abortedError('queued request'));
      };
      if (this.active < this.max) grant();
      else {
        this.queue.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
      }
    });
  }
}

/** Routes every call of `model` through `limiter`; a stream holds its slot until it ends. */
export function withLimiter(model: ChatModel, limiter: SharedLimiter): ChatModel {
  return {
    id: model.id,
    label: model.label,
    complete(request: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
      return limiter.run(() => model.complete(request, options), options?.signal);
    },
    async *stream(request: ChatRequest, options?: CallOptions): AsyncGenerator<ChatStreamPart> {
      // A SharedLimiter only offers run(fn); hold its slot for the stream's lifetime.
      let release!: () => void;
      let started!: () => void;
      const slotTaken = new Promise<void>((r) => (started = r));
      const held = limiter.run(
        () =>
          new Promise<void>((r) => {
            release = r;
            started();
          }),
        options?.signal,
      );
      held.catch(() => undefined);
      await Promise.race([slotTaken, held]);
      try {
        yield* model.stream(request, options);
      } finally {
        release();
        await held;
      }
    },
  };
}
