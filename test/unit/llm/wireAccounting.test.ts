import assert from 'node:assert/strict';
import { BudgetTracker, defaultCompletionLimit, estimateCall, failureCharge, formatUsd } from '../../../src/core/llm/budget';
import type { CallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart } from '../../../src/core/llm/chatModel';
import { ModelSpecSchema } from '../../../src/core/config/runConfig';
import { LlmError } from '../../../src/core/llm/errors';
import { createModelStack } from '../../../src/core/llm/factory';
import { ConcurrencyLimiter } from '../../../src/core/llm/limiter';
import { UsageMeter, type UsageRecord } from '../../../src/core/llm/meter';
import { Pricing } from '../../../src/core/llm/pricing';

/**
 * Accounting at the wire (budget.ts `withWireAccounting`): what the budget and the meter
 * count is what a server would see — a reservation per request at the moment it is sent,
 * with the request's completion limit, and every attempt (retries, failures) charged.
 */

const req = (text = 'question', more: Partial<ChatRequest> = {}): ChatRequest => ({ messages: [{ role: 'user', content: text }], ...more });
const reply = (usage = { promptTokens: 10, completionTokens: 5 }): ChatResponse => ({ text: 'ok', finishReason: 'stop', model: 'm', usage });

/** A fake provider that records each request it receives and answers from `behave`. */
function fakeBase(behave: (r: ChatRequest, n: number, o?: CallOptions) => Promise<ChatResponse>) {
  const seen: ChatRequest[] = [];
  const model: ChatModel & { seen: ChatRequest[] } = {
    id: 'fake',
    label: 'Fake',
    seen,
    complete(r, o) {
      seen.push(r);
      return behave(r, seen.length, o);
    },
    async *stream(r, o): AsyncGenerator<ChatStreamPart> {
      const response = await model.complete(r, o);
      yield { type: 'delta', text: response.text };
      yield { type: 'done', response };
    },
  };
  return model;
}

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stackOver(base: ChatModel, o: { budget?: BudgetTracker; meter?: UsageMeter; maxConcurrency?: number; maxTokens?: number; model?: string }) {
  return createModelStack(ModelSpecSchema.parse({ provider: 'openai-compatible', model: o.model ?? 'test-model', baseUrl: 'http://127.0.0.1:9/v1', maxTokens: o.maxTokens }), {
    role: 'forward',
    base,
    budget: o.budget,
    meter: o.meter,
    limiter: new ConcurrencyLimiter(o.maxConcurrency ?? 8),
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });
}

describe('accounting at the wire', () => {
  it('every request carries a completion limit: the request\'s, else the model\'s, else the default', async () => {
    const base = fakeBase(async () => reply());
    await stackOver(base, {}).complete(req('a'));
    await stackOver(base, { maxTokens: 300 }).complete(req('b'));
    await stackOver(base, { maxTokens: 300 }).complete(req('c', { maxTokens: 50 }));
    assert.deepEqual(base.seen.map((r) => r.maxTokens), [defaultCompletionLimit(estimateCall(req('a'), { pricing: new Pricing(), priceModel: 'x' }).promptTokens), 300, 50]);
    assert.equal(defaultCompletionLimit(10), 4096);
    assert.equal(defaultCompletionLimit(5000), 10_000, 'twice a long prompt: an update rewrites all of it');
    assert.equal(defaultCompletionLimit(1e6), 16384);
  });

  it('a reservation is the worst case (prompt + completion limit) at the model price', () => {
    const e = estimateCall(req('x'.repeat(400)), { pricing: new Pricing(), priceModel: 'gpt-4o', maxTokens: 1000 });
    assert.equal(e.completionLimit, 1000);
    assert.equal(e.tokens, e.promptTokens + 1000);
    assert.ok(Math.abs(e.costUsd - (e.promptTokens * 2.5 + 1000 * 10) / 1e6) < 1e-12);
  });

  it('reservations are taken when a request is sent, not while it waits for a slot', async () => {
    // Concurrency 1 and a cap that fits one worst case at a time: queued calls must not
    // reserve (before, the second and third were refused while the first was in flight).
    const base = fakeBase(async () => {
      await later(20);
      return reply({ promptTokens: 5, completionTokens: 5 });
    });
    const worst = estimateCall(req(), { pricing: new Pricing(), priceModel: 'test-model', maxTokens: 100 }).tokens;
    const budget = new BudgetTracker({ maxTokens: worst + 40 });
    const model = stackOver(base, { budget, maxConcurrency: 1, maxTokens: 100 });
    const results = await Promise.allSettled([model.complete(req()), model.complete(req()), model.complete(req())]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled']);
    assert.equal(base.seen.length, 3);
    assert.equal(budget.spent().tokens, 30);
  });

  it('a cap stops no earlier than the first call whose worst case no longer fits what is left', async () => {
    // 8 concurrent calls, each worst case 110 tokens, each really 15: a cap of 400 lets only
    // three reservations in at once, but the others wait for them instead of being refused.
    const base = fakeBase(async () => {
      await later(5);
      return reply({ promptTokens: 10, completionTokens: 5 });
    });
    const est = estimateCall(req(), { pricing: new Pricing(), priceModel: 'test-model', maxTokens: 100 });
    const cap = 400;
    const budget = new BudgetTracker({ maxTokens: cap });
    const model = stackOver(base, { budget, maxTokens: 100 });
    let refused: LlmError | undefined;
    let made = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!refused) {
          try {
            await model.complete(req());
            made++;
          } catch (e) {
            refused = e as LlmError;
          }
        }
      }),
    );
    assert.ok(refused instanceof LlmError && refused.details.cap === 'tokens', String(refused));
    const spent = budget.spent().tokens;
    assert.equal(spent, made * 15);
    assert.ok(spent <= cap, `spent ${spent}`);
    assert.ok(spent + est.tokens > cap, `stopped at ${spent} although a worst case of ${est.tokens} still fitted under ${cap}`);
    assert.match(refused.message, /up to \d+ tokens\) would pass the cap of 400 tokens \(\d+ used/);
  });

  it('--max-calls counts HTTP requests, retries included; failures are metered and charged their prompt', async () => {
    const base = fakeBase(async (_r, n) => {
      if (n <= 2) throw new LlmError('rate-limit', '429', { status: 429, retryable: true });
      if (n === 3) throw new LlmError('timeout', 'slow', { retryable: true });
      return reply();
    });
    const records: UsageRecord[] = [];
    const meter = new UsageMeter(new Pricing(), (r) => records.push(r));
    const budget = new BudgetTracker({ maxCalls: 5 });
    const model = stackOver(base, { budget, meter });
    await model.complete(req());
    assert.equal(base.seen.length, 4);
    assert.equal(budget.spent().calls, 4, 'three failed attempts and the answer');
    assert.equal(meter.totals().calls, 4);
    assert.deepEqual(records.map((r) => r.failed), ['rate-limit', 'rate-limit', 'timeout', undefined]);
    const prompt = estimateCall(req(), { pricing: new Pricing(), priceModel: 'x' }).promptTokens;
    assert.deepEqual(records.map((r) => r.promptTokens), [0, 0, prompt, 10], 'a 429 generated nothing; a timeout may be billed its prompt');
    // The cap now bounds the retries of the next call: one more request, then refused.
    base.seen.length = 0;
    const e = await model.complete(req()).then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.ok(e instanceof LlmError && e.kind === 'budget' && e.details.cap === 'calls', String(e));
    assert.equal(base.seen.length, 1, 'the fifth request was sent (a 429), a sixth (its retry) was not');
    assert.match(e.message, /cap of 5 calls \(5 made\)/);
  });

  it('"(N made)" counts the requests still in flight', () => {
    const t = new BudgetTracker({ maxCalls: 3 });
    t.reserve({ tokens: 1, costUsd: 0 });
    t.reserve({ tokens: 1, costUsd: 0 });
    t.settle(t.reserve({ tokens: 1, costUsd: 0 }), { tokens: 1, costUsd: 0 });
    assert.throws(() => t.reserve({ tokens: 1, costUsd: 0 }), /cap of 3 calls \(3 made, 2 still in flight\)/);
  });

  it('money in messages shows what was spent ($0.058, not $0.0000)', async () => {
    assert.equal(formatUsd(0.058), '$0.058');
    assert.equal(formatUsd(0.00042), '$0.00042');
    assert.equal(formatUsd(12.3), '$12.30');
    const t = new BudgetTracker({ maxCostUsd: 0.06 });
    t.settle(t.reserve({ tokens: 0, costUsd: 0.05 }), { tokens: 0, costUsd: 0.058 });
    await assert.rejects(t.reserveWhenFree({ tokens: 0, costUsd: 0.01 }), /\(\$0\.058 spent\)/);
  });

  it('failure charges: a status error nothing, a cut-off call its whole limit, a broken one its prompt and what arrived', () => {
    const est = { promptTokens: 100, completionLimit: 500, tokens: 600, costUsd: 0 };
    assert.deepEqual(failureCharge(new LlmError('server', 'x', { status: 503 }), est, 40), { promptTokens: 0, completionTokens: 0 });
    assert.deepEqual(failureCharge(new LlmError('length', 'x'), est, 0), { promptTokens: 100, completionTokens: 500 });
    assert.deepEqual(failureCharge(new LlmError('network', 'x'), est, 40), { promptTokens: 100, completionTokens: 40 });
    assert.deepEqual(failureCharge(new LlmError('content-filter', 'x'), est, 9999), { promptTokens: 100, completionTokens: 500 });
  });

  it('a wait for room ends at once when the caller aborts', async () => {
    const t = new BudgetTracker({ maxTokens: 10 });
    t.reserve({ tokens: 8, costUsd: 0 });
    const controller = new AbortController();
    const waiting = t.reserveWhenFree({ tokens: 5, costUsd: 0 }, controller.signal);
    setTimeout(() => controller.abort(), 5);
    await assert.rejects(waiting, (e: unknown) => e instanceof LlmError && e.kind === 'aborted');
    assert.equal(t.inFlight, 1);
  });

  it('a request is metered once, at the wire, not again at the top of the stack', async () => {
    const base = fakeBase(async () => reply());
    const records: UsageRecord[] = [];
    const meter = new UsageMeter(new Pricing(), (r) => records.push(r));
    const model = stackOver(base, { meter });
    await model.complete(req());
    assert.equal(records.length, 1);
    assert.equal(records[0].cached, false);
  });
});
