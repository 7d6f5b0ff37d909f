import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { BudgetTracker } from '../../../src/core/llm/budget';
import { completeStreaming, type ChatModel } from '../../../src/core/llm/chatModel';
import { LlmError } from '../../../src/core/llm/errors';
import { createModelStack, type ModelStackContext } from '../../../src/core/llm/factory';
import { ConcurrencyLimiter } from '../../../src/core/llm/limiter';
import { UsageMeter, type UsageRecord } from '../../../src/core/llm/meter';
import { Pricing } from '../../../src/core/llm/pricing';
import { ModelSpecSchema, type ModelSpec } from '../../../src/core/config/runConfig';
import { loopbackTokenCount, reply, startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import { ask, rejectionOf, SECRET_KEY } from './helpers';

describe('the composed model stack over real HTTP', () => {
  let server: LoopbackServer;
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dlpo-llm-'));
  });
  afterEach(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const spec = (more: Partial<ModelSpec> = {}): ModelSpec =>
    ModelSpecSchema.parse({ provider: 'openai-compatible', model: 'gpt-4o-mini', baseUrl: server.baseUrl, ...more });
  const stack = (more: Partial<ModelStackContext> = {}, specMore: Partial<ModelSpec> = {}): ChatModel =>
    createModelStack(spec(specMore), {
      role: 'forward',
      apiKey: SECRET_KEY,
      cache: { enabled: true, dir: path.join(dir, 'cache') },
      retry: { baseDelayMs: 1 },
      ...more,
    });

  describe('cache', () => {
    it('a second identical run makes zero HTTP requests (complete and stream)', async () => {
      server = await startLoopbackServer({ fallback: (req) => reply.text(`echo: ${req.chat.lastUser}`) });
      const questions = ['q1', 'q2', 'q3'];
      const run = async () => {
        const model = stack(); // a fresh stack, as a new process would build
        const out: string[] = [];
        for (const q of questions) out.push((await model.complete(ask(q, { seed: 1 }))).text);
        out.push(await completeStreaming(model, ask('streamed', { seed: 1 }), () => undefined).then((r) => r.text));
        return out;
      };
      const first = await run();
      assert.equal(server.requests.length, 4);
      server.reset();
      const second = await run();
      assert.deepEqual(second, first);
      assert.equal(server.requests.length, 0, 'the second run must not touch the network');
    });

    it('a streaming hit replays the cached text as a delta and says cached', async () => {
      server = await startLoopbackServer({ script: [reply.text('cached words', { stream: { chunkChars: 2 } })] });
      await completeStreaming(stack(), ask('x'), () => undefined);
      const deltas: string[] = [];
      const r = await completeStreaming(stack(), ask('x'), (t) => deltas.push(t));
      assert.deepEqual(deltas, ['cached words']);
      assert.equal(r.cached, true);
      assert.equal(server.requests.length, 1);
    });

    it('a different sampling parameter or model is a miss', async () => {
      server = await startLoopbackServer({ fallback: () => reply.text('a') });
      await stack().complete(ask('x', { temperature: 0 }));
      await stack().complete(ask('x', { temperature: 0.7 }));
      await stack().complete(ask('x', { seed: 2 }));
      await stack({}, { model: 'gpt-4o' }).complete(ask('x'));
      assert.equal(server.requests.length, 4);
    });

    it('ignores a corrupt entry and replaces it', async () => {
      server = await startLoopbackServer({ fallback: () => reply.text('fresh') });
      await stack().complete(ask('x'));
      const cacheDir = path.join(dir, 'cache');
      const [sub] = await readdir(cacheDir);
      const [file] = await readdir(path.join(cacheDir, sub));
      await writeFile(path.join(cacheDir, sub, file), '{"v":1,"key":"trunc');
      assert.equal((await stack().complete(ask('x'))).text, 'fresh');
      assert.equal(server.requests.length, 2);
      assert.equal((await stack().complete(ask('x'))).cached, true);
      assert.equal(server.requests.length, 2);
    });

    it('--no-cache (enabled: false) always asks the server', async () => {
      server = await startLoopbackServer({ fallback: () => reply.text('a') });
      await stack({ cache: { enabled: false } }).complete(ask('x'));
      await stack({ cache: { enabled: false } }).complete(ask('x'));
      assert.equal(server.requests.length, 2);
    });
  });

  describe('meter', () => {
    it('sums the tokens the server reports, per call and in total, with cost', async () => {
      server = await startLoopbackServer({
        script: [
          reply.text('one', { usage: { prompt_tokens: 100, completion_tokens: 10 } }),
          reply.text('two', { usage: { prompt_tokens: 200, completion_tokens: 20 } }),
        ],
      });
      const records: UsageRecord[] = [];
      const meter = new UsageMeter(new Pricing(), (r) => records.push(r));
      const model = stack({ meter, cache: { enabled: false } });
      await model.complete(ask('a'), { purpose: 'forward' });
      await model.complete(ask('b'), { purpose: 'judge' });
      assert.deepEqual(
        records.map((r) => [r.role, r.purpose, r.model, r.promptTokens, r.completionTokens, r.cached]),
        [
          ['forward', 'forward', 'gpt-4o-mini', 100, 10, false],
          ['forward', 'judge', 'gpt-4o-mini', 200, 20, false],
        ],
      );
      const t = meter.totals();
      assert.equal(t.calls, 2);
      assert.equal(t.promptTokens, 300);
      assert.equal(t.completionTokens, 30);
      // gpt-4o-mini: $0.15 / $0.60 per million
      assert.ok(Math.abs(t.costUsd - (300 * 0.15 + 30 * 0.6) / 1e6) < 1e-12);
      assert.deepEqual(records[1].totals, t);
    });

    it('estimates tokens when usage is missing (streamed) and marks them', async () => {
      server = await startLoopbackServer({ script: [reply.text('some answer text here', { usage: 'missing', stream: {} })] });
      const records: UsageRecord[] = [];
      const meter = new UsageMeter(new Pricing(), (r) => records.push(r));
      await completeStreaming(stack({ meter }), ask('question'), () => undefined);
      assert.equal(records.length, 1);
      assert.equal(records[0].estimated, true);
      assert.ok(records[0].promptTokens > 0 && records[0].completionTokens > 0);
      assert.equal(meter.totals().promptTokens, records[0].promptTokens);
    });

    it('counts cache hits as cached calls with no cost', async () => {
      server = await startLoopbackServer({ fallback: () => reply.text('a b c') });
      const meter = new UsageMeter(new Pricing());
      await stack({ meter }).complete(ask('x'));
      await stack({ meter }).complete(ask('x'));
      const t = meter.totals();
      assert.equal(t.calls, 2);
      assert.equal(t.cachedCalls, 1);
      assert.equal(t.completionTokens, loopbackTokenCount('a b c'));
    });
  });

  describe('budget', () => {
    it('refuses the call that would pass the call cap; the server never sees it', async () => {
      server = await startLoopbackServer({ fallback: () => reply.text('a') });
      const budget = new BudgetTracker({ maxCalls: 2 });
      const model = stack({ budget, cache: { enabled: false } });
      await model.complete(ask('1'));
      await model.complete(ask('2'));
      const e = await rejectionOf(model.complete(ask('3')));
      assert.ok(e instanceof LlmError && e.kind === 'budget', String(e));
      assert.equal(e.details.cap, 'calls');
      assert.equal(server.requests.length, 2);
    });

    it('stops before a USD cap is exceeded, using an estimate of the next call', async () => {
      // gpt-4o: $2.50 in / $10 out per million. Each call: maxTokens 1000 → ≤ $0.01 of output.
      server = await startLoopbackServer({ fallback: () => reply.text('ok', { usage: { prompt_tokens: 400, completion_tokens: 1000 } }) });
      const budget = new BudgetTracker({ maxCostUsd: 0.05 });
      const meter = new UsageMeter(new Pricing());
      const model = stack({ budget, meter, cache: { enabled: false } }, { model: 'gpt-4o', maxTokens: 1000 });
      let refused: LlmError | undefined;
      for (let i = 0; i < 20 && !refused; i++) {
        try {
          await model.complete(ask(`question ${i}`));
        } catch (e) {
          refused = e as LlmError;
        }
      }
      assert.ok(refused && refused.kind === 'budget', String(refused));
      assert.equal(refused.details.cap, 'cost');
      assert.ok(meter.totals().costUsd <= 0.05, `spent ${meter.totals().costUsd}`);
      assert.equal(server.requests.length, 4, 'four calls of $0.011 fit under $0.05, a fifth would not');
    });

    it('refuses a call whose estimated tokens would pass the token cap', async () => {
      server = await startLoopbackServer({ fallback: () => reply.text('ok', { usage: { prompt_tokens: 10, completion_tokens: 10 } }) });
      const budget = new BudgetTracker({ maxTokens: 500 });
      const model = stack({ budget, cache: { enabled: false } });
      const e = await rejectionOf(model.complete(ask('x', { maxTokens: 600 })));
      assert.equal(e.details?.cap, 'tokens');
      await model.complete(ask('x', { maxTokens: 100 }));
      assert.equal(server.requests.length, 1);
    });

    it('concurrent calls cannot pass a cap together (reservations)', async () => {
      server = await startLoopbackServer({ fallback: () => reply.text('ok', { delayMs: 30, usage: { prompt_tokens: 400, completion_tokens: 1000 } }) });
      const budget = new BudgetTracker({ maxCostUsd: 0.035 });
      const meter = new UsageMeter(new Pricing());
      const model = stack({ budget, meter, cache: { enabled: false }, maxConcurrency: 8 }, { model: 'gpt-4o', maxTokens: 1000 });
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => model.complete(ask(`q${i}`))));
      const refused = results.filter((r) => r.status === 'rejected');
      assert.ok(refused.every((r) => r.status === 'rejected' && r.reason instanceof LlmError && r.reason.details.cap === 'cost'));
      assert.equal(server.requests.length, 3, 'three estimates of ≈$0.01 fit under $0.035; the other five were refused up front');
      assert.ok(meter.totals().costUsd <= 0.035, `spent ${meter.totals().costUsd}`);
    });

    it('cache hits spend nothing and are never refused', async () => {
      server = await startLoopbackServer({ fallback: () => reply.text('a') });
      await stack().complete(ask('x'));
      const budget = new BudgetTracker({ maxCalls: 1 });
      const model = stack({ budget });
      for (let i = 0; i < 3; i++) await model.complete(ask('x'));
      assert.equal(budget.spent().calls, 0);
    });
  });

  describe('limiter', () => {
    it('never lets more than max-concurrency requests be in flight at the server', async () => {
      server = await startLoopbackServer({ fallback: (req) => reply.text(req.chat.lastUser, { delayMs: 40 }) });
      const limiter = new ConcurrencyLimiter(3);
      const forward = stack({ limiter, cache: { enabled: false } });
      const backward = stack({ limiter, role: 'backward', cache: { enabled: false } });
      const calls = Array.from({ length: 12 }, (_, i) => (i % 2 ? forward : backward).complete(ask(`q${i}`)));
      const answers = await Promise.all(calls);
      assert.deepEqual(answers.map((a) => a.text), Array.from({ length: 12 }, (_, i) => `q${i}`));
      assert.equal(server.requests.length, 12);
      assert.equal(server.maxInFlight, 3);
    });
  });

  describe('factory', () => {
    it('wraps a pre-built base model (as the extension passes VS Code LM)', async () => {
      server = await startLoopbackServer();
      let calls = 0;
      const base: ChatModel = {
        id: 'vscode-lm:copilot/gpt-4o',
        label: 'Copilot',
        async complete() {
          calls++;
          return { text: 'from base', finishReason: 'stop', model: 'gpt-4o', usage: { promptTokens: 1, completionTokens: 2 } };
        },
        async *stream() {
          throw new Error('unused');
        },
      };
      const meter = new UsageMeter(new Pricing());
      const model = createModelStack(ModelSpecSchema.parse({ provider: 'vscode-lm', model: 'copilot/gpt-4o' }), {
        role: 'backward',
        base,
        meter,
        cache: { enabled: true, dir: path.join(dir, 'cache') },
      });
      assert.equal((await model.complete(ask('x'))).text, 'from base');
      assert.equal((await model.complete(ask('x'))).cached, true);
      assert.equal(calls, 1);
      assert.equal(meter.totals().calls, 2);
      assert.equal(meter.totals().costUsd, 0, 'VS Code LM calls are not priced as OpenAI gpt-4o');
      assert.equal(model.id, base.id);
    });

    it('builds the offline simulator for provider simulator', async () => {
      server = await startLoopbackServer();
      const model = createModelStack(ModelSpecSchema.parse({ provider: 'simulator' }), { role: 'forward', seed: 3 });
      assert.match(model.id, /^simulator:/);
      assert.equal(model.base.id, model.id);
    });

    it('retries network failures (connection refused) then reports a network error', async () => {
      server = await startLoopbackServer();
      const port = server.port;
      await server.close();
      const model = createModelStack(
        ModelSpecSchema.parse({ provider: 'openai-compatible', model: 'm', baseUrl: `http://127.0.0.1:${port}/v1` }),
        { role: 'forward', retry: { baseDelayMs: 1, maxAttempts: 2 } },
      );
      const e = await rejectionOf(model.complete(ask('x')));
      assert.ok(e instanceof LlmError && e.kind === 'network', String(e));
      assert.match(e.message, /Could not reach http:\/\/127\.0\.0\.1/);
    });
  });
});
