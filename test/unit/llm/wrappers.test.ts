import assert from 'node:assert/strict';
import type { CallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart } from '../../../src/core/llm/chatModel';
import { LlmError } from '../../../src/core/llm/errors';
import { ConcurrencyLimiter, withLimiter } from '../../../src/core/llm/limiter';
import { withRetry } from '../../../src/core/llm/retry';
import { withTimeout } from '../../../src/core/llm/timeout';

const req: ChatRequest = { messages: [{ role: 'user', content: 'q' }] };
const ok = (text: string): ChatResponse => ({ text, finishReason: 'stop', model: 'm', usage: { promptTokens: 1, completionTokens: 1 } });

/** A scripted model: each call takes the next behaviour from the list. */
function scripted(behaviours: Array<(o?: CallOptions) => Promise<ChatResponse>>, streamParts?: () => AsyncGenerator<ChatStreamPart>) {
  let i = 0;
  const model: ChatModel & { calls: number } = {
    id: 'scripted',
    label: 'Scripted',
    calls: 0,
    complete(_r, o) {
      model.calls++;
      return behaviours[i++](o);
    },
    stream() {
      model.calls++;
      return streamParts!();
    },
  };
  return model;
}

describe('llm wrappers (scripted models)', () => {
  it('timeout: a provider that ignores its signal still cannot keep the caller waiting', async () => {
    const never = scripted([() => new Promise<ChatResponse>(() => undefined)]);
    const controller = new AbortController();
    const call = withTimeout(never, { timeoutMs: 60_000 }).complete(req, { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await assert.rejects(call, (e: unknown) => e instanceof LlmError && e.kind === 'aborted');
  });

  it('timeout: passes other errors through unchanged', async () => {
    const failing = scripted([() => Promise.reject(new LlmError('auth', 'no'))]);
    await assert.rejects(withTimeout(failing, { timeoutMs: 1000 }).complete(req), (e: unknown) => e instanceof LlmError && e.kind === 'auth');
  });

  it('retry: uses retryable errors only and reports each wait', async () => {
    const waits: number[] = [];
    const model = scripted([
      () => Promise.reject(new LlmError('server', '503', { status: 503, retryable: true })),
      () => Promise.reject(new LlmError('rate-limit', '429', { status: 429, retryable: true, retryAfterMs: 7 })),
      () => Promise.resolve(ok('yes')),
    ]);
    const sleeps: number[] = [];
    const r = await withRetry(model, {
      baseDelayMs: 100,
      random: () => 0,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      onWait: (w) => waits.push(w.attempt),
    }).complete(req);
    assert.equal(r.text, 'yes');
    assert.deepEqual(sleeps, [50, 7], 'backoff for the 503 (random 0 → half of 100), Retry-After for the 429');
    assert.deepEqual(waits, [2, 3]);
  });

  it('retry: a stream that fails mid-way is retried from the start; text already shown is not shown twice', async () => {
    let n = 0;
    const model = scripted([], async function* () {
      n++;
      yield { type: 'delta', text: 'half ' };
      if (n === 1) throw new LlmError('timeout', 'stalled', { retryable: true });
      yield { type: 'delta', text: 'and the rest' };
      yield { type: 'done', response: ok('half and the rest') };
    });
    const parts: string[] = [];
    let answer = '';
    for await (const p of withRetry(model, { sleep: async () => undefined }).stream(req)) {
      if (p.type === 'delta') parts.push(p.text);
      else answer = p.response.text;
    }
    assert.equal(n, 2);
    assert.equal(parts.join(''), 'half and the rest');
    assert.equal(answer, 'half and the rest');
  });

  it('retry: a retried stream that says something else is passed on; the answer is the retry\'s alone', async () => {
    let n = 0;
    const model = scripted([], async function* () {
      n++;
      if (n === 1) {
        yield { type: 'delta', text: 'first try' };
        throw new LlmError('network', 'reset', { retryable: true });
      }
      yield { type: 'delta', text: 'second' };
      yield { type: 'done', response: ok('second') };
    });
    let answer = '';
    for await (const p of withRetry(model, { sleep: async () => undefined }).stream(req)) if (p.type === 'done') answer = p.response.text;
    assert.equal(answer, 'second', 'the partial text of the failed attempt is discarded');
  });

  it('retry: a stream failing mid-way with a non-retryable error is not retried', async () => {
    let n = 0;
    const model = scripted([], async function* () {
      n++;
      yield { type: 'delta', text: 'half' };
      throw new LlmError('content-filter', 'filtered', { retryable: false });
    });
    await assert.rejects(async () => {
      for await (const _ of withRetry(model, { sleep: async () => undefined }).stream(req)) void _;
    }, /filtered/);
    assert.equal(n, 1);
  });

  it('limiter: a stream holds its slot until it ends', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const model = scripted([() => Promise.resolve(ok('c'))], async function* () {
      await gate;
      yield { type: 'done', response: ok('s') };
    });
    const limiter = new ConcurrencyLimiter(1);
    const limited = withLimiter(model, limiter);
    const streaming = (async () => {
      for await (const _ of limited.stream(req)) void _;
    })();
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(limiter.inFlight, 1);
    let completed = false;
    const other = limited.complete(req).then(() => (completed = true));
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(completed, false, 'the complete call waits for the stream');
    release();
    await streaming;
    await other;
    assert.equal(limiter.inFlight, 0);
  });
});
