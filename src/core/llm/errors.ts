/**
 * Every failure of a model call becomes an LlmError with a kind the caller can act on
 * and a message a user can act on. Messages never contain API keys.
 */
export type LlmErrorKind =
  | 'auth' // 401/403: stop, say which key
  | 'not-found' // 404: unknown model or deployment
  | 'rate-limit' // 429 after retries ran out
  | 'server' // 5xx after retries ran out
  | 'timeout' // per-call timeout elapsed
  | 'aborted' // the caller's AbortSignal fired
  | 'network' // connection refused, reset, DNS
  | 'bad-request' // other 4xx
  | 'bad-response' // malformed JSON, empty choices, broken stream
  | 'content-filter' // finish_reason content_filter
  | 'length' // finish_reason length with no usable text
  | 'budget' // a budget cap would be exceeded by this call
  | 'consent'; // VS Code LM API: the user has not granted access

export class LlmError extends Error {
  override readonly name = 'LlmError';
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly details: {
      status?: number;
      retryAfterMs?: number;
      /** Whether retrying the same request later may succeed. */
      retryable?: boolean;
      /** A hint for the user: what to do next. */
      action?: string;
      cause?: unknown;
      /** For `budget`: which cap would be exceeded (maps to `done.stoppedBy` `budget-<cap>`). */
      cap?: 'calls' | 'tokens' | 'cost' | 'time';
      /** For `not-found`: the models the endpoint says it offers, when it could list them. */
      availableModels?: string[];
    } = {},
  ) {
    super(message);
  }
}

export function isLlmError(e: unknown, kind?: LlmErrorKind): e is LlmError {
  return e instanceof LlmError && (kind === undefined || e.kind === kind);
}
