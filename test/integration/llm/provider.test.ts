import assert from 'node:assert/strict';
import { completeStreaming, type ChatStreamPart } from '../../../src/core/llm/chatModel';
import { LlmError } from '../../../src/core/llm/errors';
import { reply, sha256, startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import { ask, collect, providerFor, rejectionOf, SECRET_KEY } from './helpers';

describe('openai provider over real HTTP (loopback server, real SDK)', () => {
  let server: LoopbackServer;
  afterEach(async () => server?.close());

  it('sends the request the SDK builds and maps the reply and its usage', async () => {
    server = await startLoopbackServer({ script: [reply.text('Paris.', { usage: { prompt_tokens: 11, completion_tokens: 2 } })] });
    const model = providerFor(server);
    const r = await model.complete(ask('Capital of France?', { seed: 7, maxTokens: 50, stop: ['\n\n'] }));
    assert.equal(r.text, 'Paris.');
    assert.equal(r.finishReason, 'stop');
    assert.deepEqual(r.usage, { promptTokens: 11, completionTokens: 2 });
    const req = server.requests[0];
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.auth.present, true);
    assert.equal(req.auth.sha256, sha256(SECRET_KEY));
    const body = req.body as Record<string, unknown>;
    assert.equal(body.model, 'test-model');
    assert.equal(body.seed, 7);
    assert.equal(body.max_tokens, 50);
    assert.equal(body.temperature, 0);
    assert.deepEqual(body.stop, ['\n\n']);
    assert.equal(req.chat?.lastUser, 'Capital of France?');
  });

  it('estimates usage when the server sends none, and marks it estimated', async () => {
    server = await startLoopbackServer({ script: [reply.text('four words of answer', { usage: 'missing' })] });
    const r = await providerFor(server).complete(ask('Question?'));
    assert.equal(r.usage.estimated, true);
    assert.ok(r.usage.promptTokens > 0);
    assert.ok(r.usage.completionTokens > 0);
  });

  it('keeps reasoning_content apart from the answer (plain and streamed)', async () => {
    server = await startLoopbackServer({
      script: [reply.text('42', { reasoning: 'Six times seven.' }), reply.text('42', { reasoning: 'Six times seven.' })],
    });
    const model = providerFor(server);
    const plain = await model.complete(ask('6*7?'));
    assert.equal(plain.text, '42');
    assert.equal(plain.reasoning, 'Six times seven.');
    const deltas: string[] = [];
    const streamed = await completeStreaming(model, ask('6*7?'), (t) => deltas.push(t));
    assert.equal(streamed.text, '42');
    assert.equal(deltas.join(''), '42');
    assert.equal(streamed.reasoning, 'Six times seven.');
  });

  it('assembles a stream from SSE frames split mid-JSON with `: ping` comment lines', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    server = await startLoopbackServer({ script: [reply.text(text, { stream: { splitFrames: true, pings: true, chunkChars: 3 } })] });
    const parts = await collect(providerFor(server).stream(ask('Say it.')));
    const deltas = parts.filter((p): p is Extract<ChatStreamPart, { type: 'delta' }> => p.type === 'delta');
    assert.equal(deltas.length, Math.ceil(text.length / 3));
    assert.equal(deltas.map((d) => d.text).join(''), text);
    const done = parts[parts.length - 1];
    assert.equal(done.type, 'done');
    if (done.type === 'done') {
      assert.equal(done.response.text, text);
      assert.equal(done.response.usage.estimated, undefined, 'usage came from the stream');
    }
    assert.equal((server.requests[0].body as { stream?: boolean }).stream, true);
  });

  it('streams tokens at a given rate (each delta arrives separately)', async () => {
    server = await startLoopbackServer({ script: [reply.text('one two three four', { stream: { tokensPerSecond: 50 } })] });
    const parts = await collect(providerFor(server).stream(ask('Count.')));
    assert.deepEqual(
      parts.filter((p) => p.type === 'delta').map((p) => (p.type === 'delta' ? p.text : '')),
      ['one', ' two', ' three', ' four'],
    );
  });

  it('surfaces finish_reason content_filter as an error, not an answer', async () => {
    server = await startLoopbackServer({
      script: [reply.text('partial', { finishReason: 'content_filter' }), reply.text('partial', { finishReason: 'content_filter' })],
    });
    const model = providerFor(server);
    const e = await rejectionOf(model.complete(ask('x')));
    assert.ok(e instanceof LlmError && e.kind === 'content-filter', String(e));
    assert.match(e.message, /content filter/);
    const e2 = await rejectionOf(collect(model.stream(ask('x'))));
    assert.ok(e2 instanceof LlmError && e2.kind === 'content-filter');
  });

  it('surfaces finish_reason length: an error with no text, a marked answer with some', async () => {
    server = await startLoopbackServer({
      script: [reply.text('', { finishReason: 'length', reasoning: 'thinking…' }), reply.text('Half an ans', { finishReason: 'length' })],
    });
    const model = providerFor(server);
    const e = await rejectionOf(model.complete(ask('x')));
    assert.ok(e instanceof LlmError && e.kind === 'length', String(e));
    const r = await model.complete(ask('x'));
    assert.equal(r.finishReason, 'length');
    assert.equal(r.text, 'Half an ans');
  });

  it('turns malformed JSON into bad-response (body and stream frame)', async () => {
    server = await startLoopbackServer({
      script: [reply.malformed(), reply.text('a b c', { stream: { malformedFrame: 2 } }), reply.raw(200, '{"not":"a completion"}')],
    });
    const model = providerFor(server);
    const e1 = await rejectionOf(model.complete(ask('x')));
    assert.ok(e1 instanceof LlmError && e1.kind === 'bad-response', String(e1));
    const e2 = await rejectionOf(collect(model.stream(ask('x'))));
    assert.ok(e2 instanceof LlmError && e2.kind === 'bad-response', String(e2));
    const e3 = await rejectionOf(model.complete(ask('x')));
    assert.ok(e3 instanceof LlmError && e3.kind === 'bad-response', String(e3));
  });

  it('401: says which key to check and never shows the key (message, stack, JSON)', async () => {
    server = await startLoopbackServer({
      script: [reply.error(401, { message: `Incorrect API key provided: ${SECRET_KEY}. You can find your API key at …` })],
    });
    const e = await rejectionOf(providerFor(server).complete(ask('x')));
    assert.ok(e instanceof LlmError && e.kind === 'auth', String(e));
    assert.match(e.message, /rejected the API key \(401\)\. Check the key in the environment variable LOOPBACK_KEY/);
    for (const text of [e.message, e.stack ?? '', JSON.stringify(e), JSON.stringify(e.details), String(e)]) {
      assert.ok(!text.includes(SECRET_KEY), `key leaked in: ${text.slice(0, 200)}`);
      assert.ok(!text.includes('0123456789abcdef'), 'part of the key leaked');
    }
  });

  it('404: lists the models the endpoint offers', async () => {
    server = await startLoopbackServer({ script: [reply.error(404, { message: 'model not found' })], models: ['llama3', 'qwen2.5'] });
    const e = await rejectionOf(providerFor(server, { model: 'gpt-nope' }).complete(ask('x')));
    assert.ok(e instanceof LlmError && e.kind === 'not-found', String(e));
    assert.match(e.message, /"gpt-nope" not found/);
    assert.match(e.message, /llama3, qwen2\.5/);
    assert.deepEqual(e.details.availableModels, ['llama3', 'qwen2.5']);
    assert.equal(server.requests[1].path, '/v1/models');
  });

  it('Azure: deployment path, api-version query and api-key header', async () => {
    server = await startLoopbackServer({ script: [reply.text('ok'), reply.text('ok', { stream: {} })] });
    const model = providerFor(server, {
      provider: 'azure',
      model: 'my-gpt4o',
      azureEndpoint: server.origin,
      azureApiVersion: '2024-10-21',
      baseUrl: undefined,
    });
    assert.equal((await model.complete(ask('x'))).text, 'ok');
    await collect(model.stream(ask('x')));
    for (const req of server.requests) {
      assert.equal(req.path, '/openai/deployments/my-gpt4o/chat/completions');
      assert.equal(req.query['api-version'], '2024-10-21');
      assert.equal(req.deployment, 'my-gpt4o');
      assert.equal(req.auth.header, 'api-key');
      assert.equal(req.auth.sha256, sha256(SECRET_KEY));
      assert.equal(req.headers.authorization, undefined);
    }
  });
  it('drops temperature once a reasoning model says it is unsupported, and remembers', async () => {
    server = await startLoopbackServer({
      fallback: (req) =>
        (req.body as { temperature?: number }).temperature !== undefined
          ? reply.error(400, { param: 'temperature', code: 'unsupported_value', message: "Unsupported value: 'temperature' does not support 0 with this model." })
          : reply.text('ok'),
    });
    const model = providerFor(server, { model: 'o4-mini' });
    assert.equal((await model.complete(ask('x'))).text, 'ok');
    assert.equal((await model.complete(ask('y'))).text, 'ok');
    assert.deepEqual(
      server.requests.map((r) => 'temperature' in (r.body as object)),
      [true, false, false],
    );
  });

  it('switches to max_completion_tokens when the server refuses max_tokens', async () => {
    server = await startLoopbackServer({
      fallback: (req) =>
        'max_tokens' in (req.body as object)
          ? reply.error(400, { param: 'max_tokens', message: "Unsupported parameter: 'max_tokens'. Use 'max_completion_tokens' instead." })
          : reply.text('ok'),
    });
    assert.equal((await providerFor(server).complete(ask('x', { maxTokens: 9 }))).text, 'ok');
    assert.equal((server.requests[1].body as { max_completion_tokens?: number }).max_completion_tokens, 9);
  });

  it('other 400s are bad-request errors quoting the server', async () => {
    server = await startLoopbackServer({ script: [reply.error(400, { message: 'context length exceeded' })] });
    const e = await rejectionOf(providerFor(server).complete(ask('x')));
    assert.ok(e instanceof LlmError && e.kind === 'bad-request');
    assert.match(e.message, /rejected the request \(400\): context length exceeded/);
    assert.equal(server.requests.length, 1);
  });
});
