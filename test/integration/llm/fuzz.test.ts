import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LlmError } from '../../../src/core/llm/errors';
import { reply, startLoopbackServer, type LoopbackServer, type Reply } from '../../support/loopbackServer';
import { ask, collect, providerFor } from './helpers';

/**
 * Whatever a server sends back, the provider ends with a well-formed ChatResponse or an
 * LlmError: never another exception, never a hang. Bounded: a fixed number of runs, each
 * answered at once by the loopback server (mocha's timeout catches a hang).
 */
describe('provider against arbitrary server replies (fast-check)', () => {
  let server: LoopbackServer;
  let next: Reply = reply.text('');
  before(async () => {
    server = await startLoopbackServer({ fallback: () => next });
  });
  after(async () => server.close());

  const wellFormedOrLlmError = async (call: Promise<unknown>) => {
    try {
      const r = (await call) as { text?: unknown; finishReason?: unknown; usage?: { promptTokens?: unknown } };
      assert.equal(typeof r.text, 'string');
      assert.ok(['stop', 'length', 'content_filter', 'other'].includes(r.finishReason as string));
      assert.equal(typeof r.usage?.promptTokens, 'number');
    } catch (e) {
      assert.ok(e instanceof LlmError, `not an LlmError: ${(e as Error)?.stack ?? e}`);
    }
  };

  const choiceLike = fc.record(
    {
      index: fc.integer(),
      message: fc.oneof(fc.record({ role: fc.constant('assistant'), content: fc.oneof(fc.string(), fc.constant(null), fc.integer()) }), fc.anything()),
      finish_reason: fc.oneof(fc.constantFrom('stop', 'length', 'content_filter', 'tool_calls', null), fc.string()),
    },
    { requiredKeys: [] },
  );
  const bodyLike = fc.oneof(
    fc.anything(),
    fc.record(
      {
        id: fc.string(),
        model: fc.oneof(fc.string(), fc.integer()),
        choices: fc.oneof(fc.array(choiceLike, { maxLength: 3 }), fc.anything()),
        usage: fc.oneof(fc.record({ prompt_tokens: fc.anything(), completion_tokens: fc.anything() }), fc.constant(null)),
      },
      { requiredKeys: [] },
    ),
  );

  it('plain replies: any JSON body, any status', async () => {
    await fc.assert(
      fc.asyncProperty(bodyLike, fc.constantFrom(200, 200, 200, 201, 400, 404, 418, 500), async (body, status) => {
        next = reply.raw(status, JSON.stringify(body) ?? 'null', { 'content-type': 'application/json' });
        await wellFormedOrLlmError(providerFor(server).complete(ask('x')));
      }),
      { numRuns: 60 },
    );
  });

  it('plain replies: arbitrary bytes with any content type', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.constantFrom('application/json', 'text/plain', 'text/html'), async (body, type) => {
        next = reply.raw(200, body, { 'content-type': type });
        await wellFormedOrLlmError(providerFor(server).complete(ask('x')));
      }),
      { numRuns: 40 },
    );
  });

  it('streams: arbitrary SSE data lines', async () => {
    const line = fc.oneof(
      fc.string().map((s) => `data: ${s}`),
      fc.json().map((j) => `data: ${j}`),
      fc.record({ choices: fc.array(fc.record({ delta: fc.anything(), finish_reason: fc.anything() }, { requiredKeys: [] }), { maxLength: 2 }) }).map((o) => `data: ${JSON.stringify(o)}`),
      fc.constantFrom(': ping', 'event: x', 'data: [DONE]', ''),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 8 }), async (lines) => {
        next = reply.raw(200, lines.map((l) => `${l}\n\n`).join(''), { 'content-type': 'text/event-stream' });
        await wellFormedOrLlmError(
          collect(providerFor(server).stream(ask('x'))).then((parts) => {
            const done = parts.at(-1);
            if (!done || done.type !== 'done') throw new Error('stream ended without done');
            return done.response;
          }),
        );
      }),
      { numRuns: 60 },
    );
  });
});
