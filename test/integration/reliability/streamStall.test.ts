import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { requestKindOf } from '../../../src/core/dlpo/markers';
import { completeStreaming } from '../../../src/core/llm/chatModel';
import { createModelStack } from '../../../src/core/llm/factory';
import { UsageMeter, type UsageRecord } from '../../../src/core/llm/meter';
import { Pricing } from '../../../src/core/llm/pricing';
import { ModelSpecSchema } from '../../../src/core/config/runConfig';
import { reply, startLoopbackServer, type LoopbackServer, type Reply, type TextReply } from '../../support/loopbackServer';
import { buildCli, dlpoScript, eventsOf, makeWorkspace, readDataset, runCli } from '../run/runSupport';
import { only } from './faultServer';

/**
 * A stream that stalls after its first part is retried from the start, like a 503: the
 * partial text is discarded, the retry is counted (a failed `usage` record and a
 * `waiting` event), and the run goes on (before, it ended the run with exit 1).
 */
describe('reliability: a stream that stalls mid-way is retried', function () {
  this.timeout(120_000);
  let server: LoopbackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('over HTTP: the stalled attempt is dropped, the retry\'s answer is used and both requests are metered', async () => {
    server = await startLoopbackServer({
      script: [reply.text('alpha beta gamma delta', { stream: { stallAfterFrames: 2 } }), reply.text('alpha beta gamma delta')],
    });
    const records: UsageRecord[] = [];
    const model = createModelStack(ModelSpecSchema.parse({ provider: 'openai-compatible', model: 'test-model', baseUrl: server.baseUrl }), {
      role: 'backward',
      apiKey: 'sk-test',
      requestTimeoutSec: 0.3,
      meter: new UsageMeter(new Pricing(), (r) => records.push(r)),
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
    });
    let shown = '';
    const r = await completeStreaming(model, { messages: [{ role: 'user', content: 'go' }] }, (t) => (shown += t));
    assert.equal(r.text, 'alpha beta gamma delta');
    assert.equal(shown, 'alpha beta gamma delta', 'the text shown live has no repeated prefix');
    assert.equal(server.chatRequests().length, 2);
    assert.equal((await server.waitForEnd(0)).clientDisconnected, true, 'the stalled request was closed');
    assert.deepEqual(records.map((x) => x.failed), ['timeout', undefined], 'the stalled attempt counts as a call');
    assert.ok(records[0].promptTokens > 0, 'and is charged its prompt');
  });

  it('dlpo run: the first critique stalls after its first delta; the run retries it and completes (exit 0)', async () => {
    await buildCli();
    const ws = makeWorkspace();
    try {
      const normal = dlpoScript(readDataset(), 5);
      let stalled = -1;
      server = await startLoopbackServer({
        script: async (req) => {
          const r: Reply = await normal(req);
          if (stalled < 0 && req.chat.stream && requestKindOf(req.chat.system || undefined) === 'critique' && r.type === 'text') {
            stalled = req.index;
            return { ...(r as TextReply), stream: { stallAfterFrames: 2 } };
          }
          return r;
        },
      });
      const res = await runCli(
        ['run', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', '--train-size', '6', '--val-size', '3', '--test-size', '3', '--batch-size', '3', '--steps', '1',
          '--no-cache', '--json', '--request-timeout', '1', '--provider', 'openai-compatible', '--base-url', server.baseUrl, '--model', 'test-model', '--api-key-env', 'DLPO_TEST_KEY'],
        { cwd: ws, env: { DLPO_TEST_KEY: 'sk-test-stall' } },
      );
      assert.equal(res.code, 0, res.stderr);
      assert.ok(stalled >= 0, 'the fault was placed');
      const out = JSON.parse(res.stdout);
      assert.equal(out.stoppedBy, 'completed');
      assert.equal((await server.waitForEnd(stalled)).clientDisconnected, true);
      const events = eventsOf(out.runDir);
      assert.equal(only(events, 'waiting').length, 1, 'the retry is reported');
      assert.deepEqual(only(events, 'usage').filter((u) => u.failed).map((u) => u.failed), ['timeout'], 'and counted');
      assert.equal(out.usage.calls, server.chatRequests().length, 'every request the server saw is counted, the stalled one too');
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
