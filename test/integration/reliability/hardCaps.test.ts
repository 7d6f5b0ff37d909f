import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Pricing } from '../../../src/core/llm/pricing';
import { reply, sha256, startLoopbackServer, type LoopbackServer, type RecordedRequest } from '../../support/loopbackServer';
import { buildCli, makeWorkspace, runCli } from '../run/runSupport';

/**
 * The caps are hard by construction, checked against the server's own log. The server
 * answers every request with text that never ends and ignores `max_tokens` (as a broken
 * or hostile endpoint may); `dlpo run` runs as a child process. Whatever it does, the
 * tokens the server wrote plus the prompts it received — and their price — never pass
 * `--max-tokens` / `--max-cost`, and `--max-calls` bounds the HTTP requests the server
 * saw, retries of 429s included. Before the wire accounting, requests carried no limit
 * and a stream was read up to 2 million characters: the first call alone passed the caps.
 */

const KEY = 'sk-test-DLPO-hardcaps-7c1e';
const MODEL = 'gpt-4o-mini';
const ARGS = ['--data', 'gsm8k-sample.jsonl', '--train-size', '6', '--val-size', '3', '--test-size', '3', '--batch-size', '3', '--no-cache', '--json'];

describe('reliability: hard caps against a server that streams without end (server log vs caps)', function () {
  this.timeout(240_000);
  let server: LoopbackServer;
  let ws: string;
  let rateLimitEvery = 0;

  before(async () => {
    await buildCli();
    ws = makeWorkspace();
    server = await startLoopbackServer({
      script: (req) => (rateLimitEvery > 0 && req.index % rateLimitEvery === 0 ? reply.error(429, { retryAfterMs: 1 }) : reply.endless()),
    });
  });
  after(async () => {
    await server.close();
    fs.rmSync(ws, { recursive: true, force: true });
  });
  beforeEach(() => {
    server.reset();
    rateLimitEvery = 0;
  });

  const run = (out: string, extra: string[]) =>
    runCli(
      ['run', 'gsm8k.prompt.md', ...ARGS, '--out', out, '--provider', 'openai-compatible', '--base-url', server.baseUrl, '--model', MODEL, '--api-key-env', 'DLPO_TEST_KEY', ...extra],
      { cwd: ws, env: { DLPO_TEST_KEY: KEY }, timeoutMs: 200_000 },
    );

  /** What the server itself counted: requests, prompt + completion tokens it received and wrote, and their price. */
  const serverLog = async () => {
    // This test's requests only (by their key): a stray client of a recycled port cannot skew the log.
    const chats = server.chatRequests().filter((r) => r.auth.sha256 === sha256(KEY));
    await Promise.all(chats.map((r) => server.waitForEnd(r.index, 10_000)));
    const price = new Pricing().priceOf(MODEL)!;
    const tokensOf = (r: RecordedRequest) => (r.promptTokens ?? 0) + (r.completionTokensSent ?? 0);
    return {
      requests: chats.length,
      tokens: chats.reduce((n, r) => n + tokensOf(r), 0),
      usd: chats.reduce((n, r) => n + ((r.promptTokens ?? 0) * price.input + (r.completionTokensSent ?? 0) * price.output) / 1e6, 0),
      limits: chats.map((r) => r.chat?.maxTokens),
    };
  };

  it('--max-tokens: the server wrote and received no more tokens than the cap', async () => {
    const cap = 30_000;
    const r = await run('tokens', ['--max-tokens', String(cap)]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.stoppedBy, 'budget-tokens');
    const log = await serverLog();
    assert.ok(log.requests >= 3, `${log.requests} requests`);
    assert.ok(log.limits.every((l) => typeof l === 'number' && l > 0), `every request carries a completion limit: ${log.limits.join(', ')}`);
    assert.ok(log.tokens <= cap, `the server counted ${log.tokens} tokens against a cap of ${cap}`);
    assert.ok(out.usage.promptTokens + out.usage.completionTokens <= cap, JSON.stringify(out.usage));
    assert.equal(out.usage.calls, log.requests, 'the run counts the requests the server saw');
  });

  it('--max-cost: what the server sent, at the model\'s price, stays within the cap', async () => {
    const cap = 0.02;
    const r = await run('cost', ['--max-cost', String(cap)]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.stoppedBy, 'budget-cost');
    const log = await serverLog();
    assert.ok(log.requests >= 3, `${log.requests} requests`);
    assert.ok(log.usd <= cap, `the server's tokens cost $${log.usd} against a cap of $${cap}`);
    assert.ok(out.usage.costUsd <= cap, JSON.stringify(out.usage));
    assert.match(r.stderr, /Budget reached: the next call \(up to \$0\.00\d+\) would pass the cap of \$0\.02 \(\$0\.0\d+ spent/);
  });

  it('--max-calls bounds the HTTP requests, retries of 429s included', async () => {
    rateLimitEvery = 2; // every other request is a 429
    const cap = 9;
    const r = await run('calls', ['--max-calls', String(cap)]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.stoppedBy, 'budget-calls');
    const log = await serverLog();
    assert.equal(log.requests, cap, 'the server saw exactly the cap, retries included');
    assert.equal(out.usage.calls, cap);
    assert.match(r.stderr, /the next call would pass the cap of 9 calls \(9 made/);
  });
});
