import assert from 'node:assert/strict';
import { LlmError } from '../../../src/core/llm/errors';
import { withTimeout } from '../../../src/core/llm/timeout';
import { reply, startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import { ask, collect, providerFor, rejectionOf } from './helpers';

/** Generous bound for "ends within a second" on a busy two-core machine. */
const WITHIN_MS = 1000;

describe('timeouts and cancellation of hanging calls over real HTTP', () => {
  let server: LoopbackServer;
  afterEach(async () => server?.close());

  it('a per-call timeout ends a hanging call with LlmError(timeout) and closes the connection', async () => {
    server = await startLoopbackServer({ script: [reply.hang()] });
    const model = withTimeout(providerFor(server), { timeoutMs: 300 });
    const e = await rejectionOf(model.complete(ask('x')));
    assert.ok(e instanceof LlmError && e.kind === 'timeout', String(e));
    assert.match(e.message, /did not answer within 0\.3 s/);
    const seen = await server.waitForEnd(0, 2000);
    assert.equal(seen.clientDisconnected, true);
  });

  it("the caller's AbortSignal ends an in-flight request (complete) and the server sees the disconnect", async () => {
    server = await startLoopbackServer({ script: [reply.hang()] });
    const model = withTimeout(providerFor(server), { timeoutMs: 60_000 });
    const controller = new AbortController();
    const call = model.complete(ask('x'), { signal: controller.signal });
    await server.waitForRequests(1);
    const abortedAt = Date.now();
    controller.abort();
    const e = await rejectionOf(call);
    const tookMs = Date.now() - abortedAt;
    assert.ok(e instanceof LlmError && e.kind === 'aborted', String(e));
    assert.ok(tookMs < WITHIN_MS, `took ${tookMs} ms to end`);
    const seen = await server.waitForEnd(0, WITHIN_MS);
    assert.equal(seen.clientDisconnected, true);
    assert.ok(seen.endedAt! - abortedAt < WITHIN_MS);
    assert.equal(server.inFlight, 0);
  });

  it('abort ends a stream that hangs mid-body', async () => {
    server = await startLoopbackServer({ script: [reply.hang({ afterHeaders: true })] });
    const model = withTimeout(providerFor(server), { timeoutMs: 60_000 });
    const controller = new AbortController();
    const consuming = collect(model.stream(ask('x'), { signal: controller.signal }));
    await server.waitForRequests(1);
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    const e = await rejectionOf(consuming);
    assert.ok(e instanceof LlmError && e.kind === 'aborted', String(e));
    const seen = await server.waitForEnd(0, WITHIN_MS);
    assert.equal(seen.clientDisconnected, true);
  });

  it('a stream that goes quiet times out between parts', async () => {
    server = await startLoopbackServer({ script: [reply.hang({ afterHeaders: true })] });
    const e = await rejectionOf(collect(withTimeout(providerFor(server), { timeoutMs: 300 }).stream(ask('x'))));
    assert.ok(e instanceof LlmError && e.kind === 'timeout', String(e));
    assert.equal((await server.waitForEnd(0, 2000)).clientDisconnected, true);
  });

  it('a stream arriving steadily is not cut by the timeout', async () => {
    // 6 parts at 10/s: 0.6 s in all, more than the 0.4 s limit, but never 0.4 s between parts.
    server = await startLoopbackServer({ script: [reply.text('a b c d', { stream: { tokensPerSecond: 10 } })] });
    const parts = await collect(withTimeout(providerFor(server), { timeoutMs: 400 }).stream(ask('x')));
    assert.equal(parts.at(-1)?.type, 'done');
  });

  it('an already-aborted signal makes no request', async () => {
    server = await startLoopbackServer({ script: [reply.text('no')] });
    const controller = new AbortController();
    controller.abort();
    const e = await rejectionOf(withTimeout(providerFor(server), { timeoutMs: 1000 }).complete(ask('x'), { signal: controller.signal }));
    assert.ok(e instanceof LlmError && e.kind === 'aborted');
    assert.equal(server.requests.length, 0);
  });
  it('a server trickling tokens forever is cut off by the stream total cap', async () => {
    // 20 parts/s forever-ish (400 words), never idle for 300 ms, but the total cap is 600 ms.
    server = await startLoopbackServer({ script: [reply.text('w '.repeat(400), { stream: { tokensPerSecond: 20 } })] });
    const model = withTimeout(providerFor(server), { timeoutMs: 300, streamTotalMs: 600 });
    const e = await rejectionOf(collect(model.stream(ask('x'))));
    assert.ok(e instanceof LlmError && e.kind === 'timeout', String(e));
    assert.equal((await server.waitForEnd(0, 2000)).clientDisconnected, true);
  });
});
