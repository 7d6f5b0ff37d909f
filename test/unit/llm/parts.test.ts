import assert from 'node:assert/strict';
import { BudgetTracker, estimateCall } from '../../../src/core/llm/budget';
import { cacheKey } from '../../../src/core/llm/cache';
import { LlmError } from '../../../src/core/llm/errors';
import { ConcurrencyLimiter } from '../../../src/core/llm/limiter';
import { Pricing } from '../../../src/core/llm/pricing';
import { redactSecrets } from '../../../src/core/llm/redact';
import { backoffMs, seededRandom } from '../../../src/core/llm/retry';
import { parseRetryAfterMs } from '../../../src/core/llm/retryAfter';
import { estimatePromptTokens, estimateTokens } from '../../../src/core/llm/tokens';

const headers = (h: Record<string, string>) => (name: string) => h[name];

describe('llm parts', () => {
  describe('parseRetryAfterMs', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    it('reads seconds, fractional seconds, retry-after-ms and HTTP-dates', () => {
      assert.equal(parseRetryAfterMs(headers({ 'retry-after': '3' }), now), 3000);
      assert.equal(parseRetryAfterMs(headers({ 'retry-after': '0.5' }), now), 500);
      assert.equal(parseRetryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now), 250);
      assert.equal(parseRetryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now), 7000);
    });
    it('gives undefined for absent or garbage values, and 0 for dates in the past', () => {
      assert.equal(parseRetryAfterMs(headers({}), now), undefined);
      assert.equal(parseRetryAfterMs(headers({ 'retry-after': 'soon' }), now), undefined);
      assert.equal(parseRetryAfterMs(headers({ 'retry-after': '-4' }), now), undefined);
      assert.equal(parseRetryAfterMs(headers({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now), 0);
    });
  });

  describe('backoff', () => {
    it('doubles per attempt within [exp/2, exp], capped, and is reproducible from a seed', () => {
      const a = seededRandom(42);
      const b = seededRandom(42);
      for (let attempt = 1; attempt <= 8; attempt++) {
        const o = { baseDelayMs: 100, maxDelayMs: 5000, random: a };
        const ms = backoffMs(attempt, o);
        const exp = Math.min(5000, 100 * 2 ** (attempt - 1));
        assert.ok(ms >= exp / 2 && ms <= exp, `attempt ${attempt}: ${ms}`);
        assert.equal(ms, backoffMs(attempt, { ...o, random: b }));
      }
    });
    it('seededRandom stays in [0, 1) and differs between seeds', () => {
      const r = seededRandom(1);
      const xs = Array.from({ length: 1000 }, r);
      assert.ok(xs.every((x) => x >= 0 && x < 1));
      assert.notEqual(seededRandom(1)(), seededRandom(2)());
    });
  });

  describe('pricing', () => {
    const p = new Pricing({ 'my-deploy': { input: 1, output: 2 } });
    it('finds exact names, dated snapshots, vendor-prefixed names and overrides', () => {
      assert.deepEqual(p.priceOf('gpt-4o-mini'), { input: 0.15, output: 0.6 });
      assert.deepEqual(p.priceOf('gpt-4o-mini-2024-07-18'), { input: 0.15, output: 0.6 });
      assert.deepEqual(p.priceOf('gpt-4o-2024-08-06'), { input: 2.5, output: 10 });
      assert.deepEqual(p.priceOf('openai/gpt-4.1-mini'), { input: 0.4, output: 1.6 });
      assert.deepEqual(p.priceOf('my-deploy'), { input: 1, output: 2 });
      assert.equal(p.priceOf('llama3:8b'), undefined);
    });
    it('computes USD per million tokens; unknown models cost 0', () => {
      assert.equal(p.costUsd('my-deploy', 1_000_000, 500_000), 2);
      assert.equal(p.costUsd('llama3', 1e6, 1e6), 0);
    });
    it('overrides win over defaults', () => {
      assert.equal(new Pricing({ 'gpt-4o': { input: 0, output: 0 } }).costUsd('gpt-4o', 1e6, 1e6), 0);
    });
  });

  describe('tokens', () => {
    it('estimates about four characters a token, rounding up, with message overhead', () => {
      assert.equal(estimateTokens(''), 0);
      assert.equal(estimateTokens('abcd'), 1);
      assert.equal(estimateTokens('abcde'), 2);
      const one = estimatePromptTokens([{ role: 'user', content: 'abcd' }]);
      const two = estimatePromptTokens([
        { role: 'user', content: 'abcd' },
        { role: 'assistant', content: 'abcd' },
      ]);
      assert.ok(one > 1 && two > one);
    });
  });

  describe('redactSecrets', () => {
    it('removes the exact key and key-shaped or Bearer tokens', () => {
      const out = redactSecrets('bad key my-custom-secret-1 and sk-proj-abc***xyz and Bearer abcdef123', ['my-custom-secret-1']);
      assert.ok(!out.includes('my-custom-secret-1'));
      assert.ok(!out.includes('sk-proj'));
      assert.ok(!out.includes('abcdef123'));
    });
  });

  describe('cacheKey', () => {
    const req = { messages: [{ role: 'user' as const, content: 'hi' }], temperature: 0 };
    it('is stable and depends on model, messages and sampling parameters only', () => {
      assert.equal(cacheKey('m', req), cacheKey('m', { ...req }));
      assert.match(cacheKey('m', req), /^[0-9a-f]{64}$/);
      assert.notEqual(cacheKey('m', req), cacheKey('n', req));
      assert.notEqual(cacheKey('m', req), cacheKey('m', { ...req, temperature: 1 }));
      assert.notEqual(cacheKey('m', req), cacheKey('m', { ...req, seed: 1 }));
      assert.notEqual(cacheKey('m', req), cacheKey('m', { ...req, maxTokens: 5 }));
      assert.notEqual(cacheKey('m', req), cacheKey('m', { ...req, stop: ['x'] }));
      assert.notEqual(cacheKey('m', req), cacheKey('m', { ...req, messages: [{ role: 'system', content: 'hi' }] }));
    });
  });

  describe('BudgetTracker', () => {
    it('refuses the call that would pass each cap and names the cap', () => {
      const capOf = (t: BudgetTracker, est = { tokens: 10, costUsd: 0.01 }) => {
        try {
          t.reserve(est);
          return 'ok';
        } catch (e) {
          assert.ok(e instanceof LlmError && e.kind === 'budget');
          return e.details.cap;
        }
      };
      const calls = new BudgetTracker({ maxCalls: 1 });
      assert.equal(capOf(calls), 'ok');
      assert.equal(capOf(calls), 'calls', 'the reservation counts even before it settles');
      const tokens = new BudgetTracker({ maxTokens: 25 });
      assert.equal(capOf(tokens), 'ok');
      assert.equal(capOf(tokens), 'ok');
      assert.equal(capOf(tokens), 'tokens');
      const cost = new BudgetTracker({ maxCostUsd: 0.025 });
      assert.equal(capOf(cost), 'ok');
      assert.equal(capOf(cost), 'ok');
      assert.equal(capOf(cost), 'cost');
      let now = 0;
      const time = new BudgetTracker({ maxTimeSec: 10 }, { now: () => now });
      assert.equal(capOf(time), 'ok');
      now = 10_000;
      assert.equal(capOf(time), 'time');
    });

    it('settling replaces the estimate by the actual cost', () => {
      const t = new BudgetTracker({ maxTokens: 100 });
      const r = t.reserve({ tokens: 90, costUsd: 0 });
      t.settle(r, { tokens: 20, costUsd: 0 });
      t.settle(r, { tokens: 999, costUsd: 0 }); // a second settle is ignored
      assert.deepEqual({ calls: t.spent().calls, tokens: t.spent().tokens }, { calls: 1, tokens: 20 });
      t.reserve({ tokens: 80, costUsd: 0 });
    });

    it('uncounted settles (cache hits) spend nothing; resumed trackers start from what was spent', () => {
      const t = new BudgetTracker({ maxCalls: 3 }, { spent: { calls: 2, tokens: 0, costUsd: 0, elapsedMs: 0 } });
      const r = t.reserve({ tokens: 1, costUsd: 0 });
      t.settle(r, { tokens: 1, costUsd: 0 }, false);
      assert.equal(t.spent().calls, 2);
      t.settle(t.reserve({ tokens: 1, costUsd: 0 }), { tokens: 1, costUsd: 0 });
      assert.throws(() => t.reserve({ tokens: 1, costUsd: 0 }), /cap of 3 calls/);
    });

    it('elapsed time carries over from a checkpoint', () => {
      let now = 1000;
      const t = new BudgetTracker({ maxTimeSec: 60 }, { now: () => now, spent: { calls: 0, tokens: 0, costUsd: 0, elapsedMs: 59_000 } });
      t.reserve({ tokens: 0, costUsd: 0 });
      now += 1000;
      assert.throws(() => t.reserve({ tokens: 0, costUsd: 0 }), (e: unknown) => e instanceof LlmError && e.details.cap === 'time');
    });

    it('reserves a call at its bound: the prompt at one token per byte, plus maxTokens (or a conservative default)', () => {
      const pricing = new Pricing();
      const messages = [{ role: 'user' as const, content: 'x'.repeat(400) }];
      const withMax = estimateCall({ messages, maxTokens: 50 }, { pricing, priceModel: 'gpt-4o' });
      const withoutMax = estimateCall({ messages }, { pricing, priceModel: 'gpt-4o' });
      // The prompt is reserved at its bound (one token per byte: 400 + overheads), plus the limit.
      assert.ok(withMax.tokens >= 450 && withMax.tokens < 470, String(withMax.tokens));
      assert.ok(withoutMax.tokens > 1000);
      assert.ok(withoutMax.costUsd > withMax.costUsd);
    });

    it('reserves enough for text that takes more tokens than four characters each (digits, CJK)', () => {
      const pricing = new Pricing();
      for (const content of ['1234567890'.repeat(40), '数学问题'.repeat(100)]) {
        const e = estimateCall({ messages: [{ role: 'user', content }], maxTokens: 10 }, { pricing, priceModel: 'gpt-4o' });
        // No byte-level BPE tokenizer makes more tokens than the text has UTF-8 bytes.
        assert.ok(e.promptTokens >= Buffer.byteLength(content, 'utf8'), `${e.promptTokens} for ${content.length} characters`);
      }
    });
  });

  describe('ConcurrencyLimiter', () => {
    it('runs at most max tasks at once, in arrival order', async () => {
      const limiter = new ConcurrencyLimiter(2);
      let active = 0;
      let peak = 0;
      const order: number[] = [];
      const task = (i: number) =>
        limiter.run(async () => {
          active++;
          peak = Math.max(peak, active);
          order.push(i);
          await new Promise((r) => setTimeout(r, 5));
          active--;
          return i;
        });
      const out = await Promise.all([0, 1, 2, 3, 4, 5].map(task));
      assert.deepEqual(out, [0, 1, 2, 3, 4, 5]);
      assert.equal(peak, 2);
      assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
      assert.equal(limiter.inFlight, 0);
    });

    it('a queued task whose signal aborts leaves the queue without running', async () => {
      const limiter = new ConcurrencyLimiter(1);
      let release!: () => void;
      const first = limiter.run(() => new Promise<void>((r) => (release = r)));
      const controller = new AbortController();
      let ran = false;
      const second = limiter.run(async () => {
        ran = true;
      }, controller.signal);
      controller.abort();
      await assert.rejects(second, (e: unknown) => e instanceof LlmError && e.kind === 'aborted');
      release();
      await first;
      assert.equal(ran, false);
      assert.equal(limiter.inFlight, 0);
    });

    it('rejects a nonsensical max', () => {
      assert.throws(() => new ConcurrencyLimiter(0), RangeError);
    });
  });
});

describe('llm parts: properties (fast-check)', () => {
  it('parseRetryAfterMs gives undefined or a finite, non-negative number for any header values', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.string()), (ra, ms) => {
        const v = parseRetryAfterMs((n) => (n === 'retry-after' ? ra : ms));
        return v === undefined || (Number.isFinite(v) && v >= 0);
      }),
      { numRuns: 500 },
    );
  });

  it('redactSecrets never leaves the secret in the text', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      // Key-shaped secrets (what API keys look like); `[`/`]` of the marker cannot rebuild one.
      fc.property(fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/).filter((k) => k !== 'redacted'), fc.string(), (a, secret, b) => {
        return !redactSecrets(`${a}${secret}${b}${secret}`, [secret]).includes(secret);
      }),
      { numRuns: 500 },
    );
  });
});
