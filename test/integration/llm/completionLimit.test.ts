import assert from 'node:assert/strict';
import { completeStreaming } from '../../../src/core/llm/chatModel';
import { LlmError } from '../../../src/core/llm/errors';
import { reply, startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import { ask, providerFor, rejectionOf } from './helpers';

/**
 * The completion limit over real HTTP, against a server that ignores `max_tokens` and
 * sends text without end: the provider stops reading at the limit and closes the
 * connection, so what the server wrote (by its own count) stays within the limit.
 */
describe('completion limit against a server that never stops', () => {
  let server: LoopbackServer;
  afterEach(async () => server?.close());

  it('a stream is cut off at its limit: finish length, the connection closed, the server wrote no more than the limit', async () => {
    server = await startLoopbackServer({ fallback: () => reply.endless() });
    const model = providerFor(server);
    let deltas = 0;
    const r = await completeStreaming(model, ask('go on', { maxTokens: 300 }), () => deltas++);
    assert.equal(r.finishReason, 'length');
    assert.equal(r.usage.completionTokens, 300, 'charged its whole limit');
    assert.equal(r.usage.estimated, true);
    assert.ok(deltas > 0);
    const req = await server.waitForEnd(0);
    assert.equal(req.chat?.maxTokens, 300, 'the request carried its limit');
    assert.equal(req.clientDisconnected, true);
    assert.ok(req.completionTokensSent! <= 300, `the server wrote ${req.completionTokensSent} tokens`);
  });

  it('a plain completion whose body never ends is cut off too, as a length error', async () => {
    server = await startLoopbackServer({ fallback: () => reply.endless({ wordsPerWrite: 20 }) });
    // The body may hold 4 bytes a token of the limit plus 1 KB for the JSON around the answer.
    const e = await rejectionOf(providerFor(server).complete(ask('go on', { maxTokens: 1000 })));
    assert.ok(e instanceof LlmError && e.kind === 'length', String(e));
    assert.match(e.message, /more than its limit of 1000 tokens; the reply was cut off/);
    const req = await server.waitForEnd(0);
    assert.equal(req.clientDisconnected, true);
    assert.ok(req.completionTokensSent! <= 1000, `the server wrote ${req.completionTokensSent} tokens`);
  });

  it('a reply within its limit is untouched', async () => {
    server = await startLoopbackServer({ fallback: () => reply.text('four words of answer') });
    const model = providerFor(server);
    assert.equal((await model.complete(ask('x', { maxTokens: 50 }))).finishReason, 'stop');
    assert.equal((await completeStreaming(model, ask('x', { maxTokens: 50 }), () => undefined)).text, 'four words of answer');
  });

  it('a limit above what the model accepts is lowered to what the server names, and remembered', async () => {
    server = await startLoopbackServer({
      script: [
        reply.error(400, { param: 'max_tokens', message: 'max_tokens is too large: 16384. This model supports at most 4096 completion tokens, whereas you provided 16384.' }),
        reply.text('ok'),
        reply.text('ok'),
      ],
    });
    const model = providerFor(server);
    await model.complete(ask('x', { maxTokens: 16384 }));
    await model.complete(ask('y', { maxTokens: 16384 }));
    assert.deepEqual(server.chatRequests().map((r) => r.chat?.maxTokens), [16384, 4096, 4096]);
  });
});
