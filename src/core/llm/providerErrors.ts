import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { LlmError } from './errors';
import { redactSecrets } from './redact';
import { parseRetryAfterMs } from './retryAfter';

/** What an error message may say about the endpoint; never the key itself. */
export interface ErrorContext {
  /** Human label, e.g. `gpt-4o-mini (OpenAI)`. */
  label: string;
  /** The model or deployment name as configured. */
  model: string;
  /** Where the key comes from, for the 401 hint: `the environment variable OPENAI_API_KEY`. */
  keySource: string;
  /** The URL requests go to, for network errors (contains no secret). */
  endpoint: string;
  /** Secrets to scrub from anything a server or library said. */
  secrets: readonly (string | undefined)[];
  signal?: AbortSignal;
}

/**
 * Maps whatever the `openai` SDK (or fetch under it) threw to an LlmError with a kind the
 * reliability layers act on and a message the user can act on. The raw SDK error is not
 * kept as `cause`: it can hold request details, and `details` is serialised into journals.
 */
export function toLlmError(e: unknown, ctx: ErrorContext): LlmError {
  if (e instanceof LlmError) return e;
  const scrub = (s: string) => redactSecrets(s, ctx.secrets);
  if (ctx.signal?.aborted || e instanceof APIUserAbortError || (e as Error)?.name === 'AbortError') {
    return new LlmError('aborted', `${ctx.label}: request cancelled`, { retryable: false });
  }
  if (e instanceof APIConnectionTimeoutError) {
    return new LlmError('timeout', `${ctx.label} did not answer in time (${ctx.endpoint})`, { retryable: true });
  }
  if (e instanceof APIConnectionError) {
    const cause = (e as { cause?: { message?: string; code?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? e.message;
    return new LlmError('network', `Could not reach ${ctx.endpoint} (${scrub(String(why))})`, {
      retryable: true,
      action: 'Check the base URL and that the server is running.',
    });
  }
  if (e instanceof APIError && typeof e.status === 'number') return fromStatus(e, ctx, scrub);
  if (e instanceof APIError) {
    // An `error` object inside an SSE stream: the server failed mid-answer.
    return new LlmError('server', `${ctx.label} reported an error mid-stream: ${scrub(e.message)}`, { retryable: true });
  }
  if (e instanceof SyntaxError) {
    return new LlmError('bad-response', `${ctx.label} returned malformed JSON (${scrub(e.message)})`, { retryable: true });
  }
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof TypeError && /fetch failed|terminated|socket|ECONN/i.test(msg)) {
    return new LlmError('network', `Connection to ${ctx.endpoint} failed (${scrub(msg)})`, { retryable: true });
  }
  return new LlmError('bad-response', `${ctx.label}: unexpected failure (${scrub(msg)})`, { retryable: false });
}

function fromStatus(e: APIError, ctx: ErrorContext, scrub: (s: string) => string): LlmError {
  const status = e.status as number;
  const serverSays = scrub(serverMessage(e));
  const retryAfterMs = e.headers ? parseRetryAfterMs((n) => e.headers!.get(n)) : undefined;
  if (status === 401 || status === 403) {
    // The server's own text is dropped: OpenAI quotes (part of) the key in it.
    const what = status === 401 ? 'rejected the API key' : 'refused access with this API key';
    return new LlmError('auth', `${ctx.label} ${what} (${status}). Check the key in ${ctx.keySource}.`, {
      status,
      retryable: false,
      action: `Set a valid key in ${ctx.keySource}${status === 403 ? ` with access to ${ctx.model}` : ''}.`,
    });
  }
  if (status === 404) {
    return new LlmError('not-found', `${ctx.label}: model or deployment "${ctx.model}" not found at ${ctx.endpoint} (404).`, {
      status,
      retryable: false,
      action: 'Check the model name (or Azure deployment name) and the base URL.',
    });
  }
  if (status === 429) {
    const code = (e as { code?: string | null }).code;
    if (code === 'insufficient_quota') {
      return new LlmError('rate-limit', `${ctx.label}: the account has no quota left (429 insufficient_quota).`, {
        status,
        retryable: false,
        action: 'Check the plan and billing of this API key.',
      });
    }
    return new LlmError('rate-limit', `${ctx.label} is rate-limiting requests (429)${serverSays ? `: ${serverSays}` : ''}`, {
      status,
      retryAfterMs,
      retryable: true,
      action: 'Lower --max-concurrency or wait; the run retries with backoff.',
    });
  }
  if (status === 408) {
    return new LlmError('timeout', `${ctx.label}: the server timed out the request (408)`, { status, retryAfterMs, retryable: true });
  }
  if (status === 409) {
    return new LlmError('server', `${ctx.label}: conflict (409)${serverSays ? `: ${serverSays}` : ''}`, { status, retryAfterMs, retryable: true });
  }
  if (status >= 500) {
    return new LlmError('server', `${ctx.label}: server error ${status}${serverSays ? `: ${serverSays}` : ''}`, {
      status,
      retryAfterMs,
      retryable: true,
    });
  }
  return new LlmError('bad-request', `${ctx.label} rejected the request (${status})${serverSays ? `: ${serverSays}` : ''}`, {
    status,
    retryable: false,
  });
}

function serverMessage(e: APIError): string {
  const err = e.error as { message?: unknown } | undefined;
  if (err && typeof err.message === 'string') return err.message.slice(0, 500);
  return '';
}
