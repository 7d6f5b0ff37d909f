import { LlmError } from './errors';

/** Sleeps `ms`, ending early with LlmError('aborted') when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError());
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(abortedError());
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortedError(what = 'request'): LlmError {
  return new LlmError('aborted', `The ${what} was cancelled.`, { retryable: false });
}

/**
 * Yields the parts of `source` one by one but ends with `onAbort()`'s error as soon as
 * `signal` fires, even while the source is stuck in `next()`. The source is then told to
 * return so it can close its HTTP response.
 */
export async function* raceIterable<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal,
  onAbort: () => Error,
): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let aborted: Promise<never> | undefined;
  const abortPromise = () =>
    (aborted ??= new Promise<never>((_, reject) => {
      if (signal.aborted) reject(onAbort());
      else signal.addEventListener('abort', () => reject(onAbort()), { once: true });
    }));
  let finished = false;
  try {
    for (;;) {
      const next = it.next();
      next.catch(() => undefined); // a rejection after we stopped listening is not unhandled
      const r = await Promise.race([next, abortPromise()]);
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (!finished) void it.return?.(undefined)?.catch(() => undefined);
  }
}
