import { raceIterable } from './abortable';
import type { CallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart } from './chatModel';
import { LlmError, isLlmError } from './errors';

/**
 * Bounds each call in time and makes cancellation prompt. One AbortController per call
 * is linked to the caller's signal and to a timer; the SDK gets that controller's signal,
 * so fetch tears down the HTTP connection, and the call's promise is also raced against
 * it so even a provider that ignores its signal cannot keep the caller waiting.
 *
 * `complete` gets `timeoutMs` in all. A stream gets `timeoutMs` to its first part and
 * again between parts: a long answer arriving steadily is not a hang. A server that
 * trickles tokens forever is still cut off after `streamTotalMs` (default 10 × timeoutMs).
 */
export function withTimeout(model: ChatModel, options: { timeoutMs: number; streamTotalMs?: number }): ChatModel {
  const { timeoutMs } = options;
  const streamTotalMs = options.streamTotalMs ?? timeoutMs * 10;
  const seconds = Math.round(timeoutMs / 100) / 10;

  function arm(callerSignal?: AbortSignal) {
    const controller = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const restart = (ms = timeoutMs) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, ms);
    };
    const onCallerAbort = () => controller.abort();
    if (callerSignal?.aborted) controller.abort();
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    restart();
    const toError = (e?: unknown): Error => {
      if (timedOut) {
        return new LlmError('timeout', `${model.label} did not answer within ${seconds} s.`, {
          retryable: true,
          action: 'Raise --request-timeout if the model is just slow.',
        });
      }
      if (controller.signal.aborted) return new LlmError('aborted', `${model.label}: request cancelled.`, { retryable: false });
      return e instanceof Error ? e : new Error(String(e));
    };
    const disarm = () => {
      if (timer) clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    };
    return { signal: controller.signal, restart, toError, disarm };
  }

  return {
    id: model.id,
    label: model.label,
    async complete(request: ChatRequest, callOptions: CallOptions = {}): Promise<ChatResponse> {
      const t = arm(callOptions.signal);
      try {
        const call = model.complete(request, { ...callOptions, signal: t.signal });
        call.catch(() => undefined);
        const aborted = new Promise<never>((_, reject) => {
          if (t.signal.aborted) reject(t.toError());
          t.signal.addEventListener('abort', () => reject(t.toError()), { once: true });
        });
        return await Promise.race([call, aborted]);
      } catch (e) {
        throw isLlmError(e) && !t.signal.aborted ? e : t.toError(e);
      } finally {
        t.disarm();
      }
    },
    async *stream(request: ChatRequest, callOptions: CallOptions = {}): AsyncGenerator<ChatStreamPart> {
      const t = arm(callOptions.signal);
      const startedAt = Date.now();
      try {
        const source = model.stream(request, { ...callOptions, signal: t.signal });
        for await (const part of raceIterable(source, t.signal, () => t.toError())) {
          // Between parts, the limit is whichever is nearer: the idle gap or the total cap.
          t.restart(Math.min(timeoutMs, Math.max(1, streamTotalMs - (Date.now() - startedAt))));
          yield part;
        }
      } catch (e) {
        throw isLlmError(e) && !t.signal.aborted ? e : t.toError(e);
      } finally {
        t.disarm();
      }
    },
  };
}
