import assert from 'node:assert/strict';
import { LlmError } from '../../../src/core/llm/errors';
import { withRetry, type RetryWait } from '../../../src/core/llm/retry';
import { reply, startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import { ask, collect, providerFor, rejectionOf } from './helpers';

describe('retries over real HTTP', () => {
  let server: LoopbackServer;
  afterEach(async () => server?.close());

  const gap = (i: number) => server.requests[i].receivedAt - server.requests[i - 1].endedAt!;

  it('honours Retry-After in seconds (server timestamps) and reports the wait', async () => {
    server = await startLoopbackServer({ script: [reply.error(429, { retryAfter: 1 }), reply.text('ok')] });
    const waits: RetryWait[] = [];
    // Our own backoff would be 1-2 ms: only Retry-After can explain a 1 s gap.
    const model = withRetry(providerFor(server), { baseDelayMs: 2, onWait: (w) => waits.push(w) });
    const r = await model.complete(ask('x'));
    assert.equal(r.text, 'ok');
    assert.equal(server.requests.length, 2);
    assert.ok(gap(1) >= 990, `second request came ${gap(1)} ms after the 429`);
    assert.equal(waits.length, 1);
    assert.equal(waits[0].reason, 'rate-limit');
    assert.equal(waits[0].seconds, 1);
    assert.match(waits[0].message, /rate-limited \(429\); retrying in 1 s \(attempt 2 of 5\)/);
  });

  it('honours Retry-After as an HTTP-date and retry-after-ms', async () => {
    const inTwoSeconds = new Date(Date.now() + 2000).toUTCString(); // HTTP-dates have 1 s resolution
    server = await startLoopbackServer({
      script: [reply.error(503, { retryAfter: inTwoSeconds }), reply.error(429, { retryAfterMs: 300 }), reply.text('ok')],
    });
    const model = withRetry(providerFor(server), { baseDelayMs: 2 });
    assert.equal((await model.complete(ask('x'))).text, 'ok');
    assert.equal(server.requests.length, 3);
    assert.ok(gap(1) >= 900, `HTTP-date wait was ${gap(1)} ms`);
    assert.ok(gap(2) >= 290, `retry-after-ms wait was ${gap(2)} ms`);
  });

  it('retries 500, 503, 408 and 409 with backoff, up to maxAttempts', async () => {
    server = await startLoopbackServer({
      script: [reply.error(500), reply.error(503), reply.error(408), reply.error(409), reply.text('finally')],
    });
    const model = withRetry(providerFor(server), { baseDelayMs: 5, maxAttempts: 5 });
    assert.equal((await model.complete(ask('x'))).text, 'finally');
    assert.equal(server.requests.length, 5);
  });

  it('gives up after maxAttempts with the last error', async () => {
    server = await startLoopbackServer({ fallback: () => reply.error(502, { message: 'bad gateway' }) });
    const model = withRetry(providerFor(server), { baseDelayMs: 1, maxAttempts: 3 });
    const e = await rejectionOf(model.complete(ask('x')));
    assert.ok(e instanceof LlmError && e.kind === 'server', String(e));
    assert.equal(server.requests.length, 3);
  });

  for (const status of [400, 401, 403, 404, 422]) {
    it(`never retries ${status}`, async () => {
      server = await startLoopbackServer({ script: [reply.error(status), reply.text('should not be asked')] });
      const model = withRetry(providerFor(server), { baseDelayMs: 1 });
      await rejectionOf(model.complete(ask('x')));
      assert.equal(server.chatRequests().length, 1);
    });
  }

  it('does not retry a 429 insufficient_quota (retrying cannot help)', async () => {
    server = await startLoopbackServer({ script: [reply.error(429, { code: 'insufficient_quota' }), reply.text('no')] });
    const e = await rejectionOf(withRetry(providerFor(server), { baseDelayMs: 1 }).complete(ask('x')));
    assert.match(e.message, /no quota/);
    assert.equal(server.requests.length, 1);
  });

  it('gives up when the server asks for a wait longer than maxRetryAfterMs', async () => {
    server = await startLoopbackServer({ script: [reply.error(429, { retryAfter: 3600 }), reply.text('no')] });
    const e = await rejectionOf(withRetry(providerFor(server), { maxRetryAfterMs: 60_000 }).complete(ask('x')));
    assert.ok(e instanceof LlmError && e.kind === 'rate-limit');
    assert.match(e.message, /asked to wait 3600 s/);
    assert.equal(server.requests.length, 1);
  });

  it('retries a stream that fails before its first delta', async () => {
    server = await startLoopbackServer({ script: [reply.error(503), reply.text('streamed', { stream: {} })] });
    const parts = await collect(withRetry(providerFor(server), { baseDelayMs: 1 }).stream(ask('x')));
    assert.equal(parts.at(-1)?.type, 'done');
    assert.equal(server.requests.length, 2);
  });

  it('a retry wait ends at once when the caller aborts', async () => {
    server = await startLoopbackServer({ script: [reply.error(429, { retryAfter: 30 }), reply.text('no')] });
    const controller = new AbortController();
    const call = withRetry(providerFor(server)).complete(ask('x'), { signal: controller.signal });
    await server.waitForEnd(0);
    controller.abort();
    const e = await rejectionOf(call);
    assert.ok(e instanceof LlmError && e.kind === 'aborted', String(e));
    assert.equal(server.requests.length, 1);
  });
});
