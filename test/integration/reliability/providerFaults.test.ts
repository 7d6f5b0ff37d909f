import assert from 'node:assert/strict';
import { LlmError } from '../../../src/core/llm/errors';
import { withRetry } from '../../../src/core/llm/retry';
import { reply, startLoopbackServer, type LoopbackServer, type Reply } from '../../support/loopbackServer';
import { ask, collect, providerFor, rejectionOf, SECRET_KEY } from '../llm/helpers';

/**
 * Provider-level faults the reliability audit found uncovered: a streaming request answered
 * with something that is not an SSE stream (a JSON error with status 200, a proxy's HTML
 * page) must be a retryable bad-response, not an empty answer the trainer would take as the
 * model's reply; and error texts that quote the key are scrubbed.
 */
describe('reliability: provider faults (real HTTP, real SDK)', () => {
  let server: LoopbackServer;
  let next: Reply[] = [];
  before(async () => {
    server = await startLoopbackServer({ fallback: () => next.shift() ?? reply.text('fine') });
  });
  after(async () => server.close());
  beforeEach(() => server.reset());

  const streamText = async () => {
    const parts = await collect(providerFor(server).stream(ask('x')));
    const done = parts.at(-1);
    assert.ok(done && done.type === 'done');
    return done.response;
  };

  it('a stream answered with a JSON error body (status 200) is a retryable bad-response', async () => {
    next = [reply.raw(200, JSON.stringify({ error: { message: 'model overloaded' } }), { 'content-type': 'application/json' })];
    const e = await rejectionOf(streamText());
    assert.ok(e instanceof LlmError);
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.details.retryable, true);
    assert.match(e.message, /ended the stream without sending an answer/);
  });

  it('a stream answered with an HTML page is a bad-response, and the retry layer asks again', async () => {
    next = [reply.raw(200, '<html>maintenance</html>', { 'content-type': 'text/html' })];
    const model = withRetry(providerFor(server), { baseDelayMs: 1, maxDelayMs: 2 });
    const parts = await collect(model.stream(ask('x')));
    const done = parts.at(-1);
    assert.ok(done && done.type === 'done');
    assert.equal(done.response.text, 'fine');
    assert.equal(server.chatRequests().length, 2);
  });

  it('an empty but well-formed stream (choices, no content) is still an (empty) answer', async () => {
    next = [reply.text('')];
    const r = await streamText();
    assert.equal(r.text, '');
    assert.equal(r.finishReason, 'stop');
  });

  it('error texts quoting the key are scrubbed (500 message, malformed JSON body)', async () => {
    next = [reply.error(500, { message: `upstream rejected ${SECRET_KEY}` })];
    const e500 = await rejectionOf(providerFor(server).complete(ask('x')));
    assert.equal((e500 as LlmError).kind, 'server');
    assert.ok(!e500.message.includes(SECRET_KEY) && !JSON.stringify(e500).includes(SECRET_KEY) && !String(e500.stack).includes(SECRET_KEY));
    assert.match(e500.message, /upstream rejected/);
    next = [reply.malformed(`{"echo": "${SECRET_KEY}`)];
    const bad = await rejectionOf(providerFor(server).complete(ask('x')));
    assert.equal((bad as LlmError).kind, 'bad-response');
    assert.ok(!bad.message.includes(SECRET_KEY) && !String(bad.stack).includes(SECRET_KEY));
  });
});
