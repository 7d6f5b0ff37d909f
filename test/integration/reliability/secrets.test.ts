import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sha256 } from '../../support/loopbackServer';
import { buildCli, filesUnder, httpArgs, makeWorkspace, runCli, type CliResult } from '../run/runSupport';
import { nthRequestOf, runDirUnder, startFaultServer, type FaultServer } from './faultServer';

/**
 * The API key never reaches a file or an output, even when the server is hostile and
 * quotes it back in its error messages and broken bodies: full `dlpo run`s with the cache
 * on, through 500s (retried), a 401 in the middle of a run, a resume, and malformed JSON
 * that carries the key; then every file under the workspace (run folders, cache, config)
 * and every stdout/stderr is searched for the key and for its distinctive middle part.
 */

const KEY = 'sk-test-DLPO-Zq8xW3vN7mK2pL9r';
/** A fragment a partial quote of the key would still contain (OpenAI quotes keys like `sk-test-***…L9r`). */
const FRAGMENT = 'Zq8xW3vN7mK2';
const DATA = ['--data', 'gsm8k-sample.jsonl', '--train-size', '6', '--val-size', '3', '--test-size', '3', '--batch-size', '3'];
const ARGS = [...DATA, '--cache-dir', 'cache'];

describe('reliability: secrets never written (dlpo run with a hostile server)', function () {
  this.timeout(180_000);
  let fault: FaultServer;
  let ws: string;
  const outputs: CliResult[] = [];

  before(async () => {
    await buildCli();
    fault = await startFaultServer();
    ws = makeWorkspace();
  });
  after(async () => {
    await fault.server.close();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('500s and a 401 quoting the key, a resume, malformed JSON and an HTML error page carrying it: the key is in no file and no output', async () => {
    const env = { DLPO_TEST_KEY: KEY };
    // Two proxy error pages quoting the key: retried, the run goes on.
    const proxyPage = { type: 'raw' as const, status: 502, body: `<html><body>Bad gateway (auth ${KEY})</body></html>`, headers: { 'content-type': 'text/html', 'retry-after-ms': '5' } };
    fault.mode = { kind: 'reply', reply: proxyPage, times: 2 };
    // Then the key is revoked in step 2 (at its first critique), and the server says which key in its 401.
    fault.armed = { when: nthRequestOf('critique', 4), mode: { kind: 'reply', reply: { type: 'error', status: 401, message: `Incorrect API key provided: ${KEY}. You can find your API key at …` } } };
    const first = await runCli(['run', 'gsm8k.prompt.md', ...ARGS, '--out', 'runs', ...httpArgs(fault.server)], { cwd: ws, env });
    outputs.push(first);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, /rejected the API key \(401\)\. Check the key in the environment variable DLPO_TEST_KEY/);

    fault.mode = { kind: 'ok' };
    const dir = runDirUnder(ws, 'runs')!;
    const resumed = await runCli(['run', '--resume', dir, '--cache-dir', 'cache'], { cwd: ws, env });
    outputs.push(resumed);
    assert.equal(resumed.code, 0, resumed.stderr);

    // Broken JSON bodies that carry the key (retried, then answered) …
    fault.mode = { kind: 'reply', reply: { type: 'malformed', body: `{"error": "bad key ${KEY}", ` }, times: 3 };
    // … then 500s whose message quotes it, until the retries run out: the run fails.
    fault.armed = { when: nthRequestOf('critique', 1), mode: { kind: 'reply', reply: { type: 'error', status: 500, message: `upstream failed for ${KEY}`, retryAfterMs: 5 } } };
    const broken = await runCli(['run', 'gsm8k.prompt.md', ...DATA, '--no-cache', '--out', 'broken', ...httpArgs(fault.server)], { cwd: ws, env });
    outputs.push(broken);
    fault.mode = { kind: 'ok' };
    assert.equal(broken.code, 1, broken.stderr);
    // The server's text is shown, with the key scrubbed out of it.
    assert.match(broken.stderr, /server error 500: upstream failed for \[redacted\]/);

    // The key really was sent (so the search below could have found it) …
    assert.ok(fault.server.chatRequests().length > 0);
    assert.ok(fault.server.chatRequests().every((q) => q.auth.present && q.auth.sha256 === sha256(KEY)));
    assert.ok(fault.faulted.length >= 2 + 1 + 3 + 5, 'every fault was served');

    const files = filesUnder(ws);
    assert.ok(files.some((f) => f.includes(`${path.sep}cache${path.sep}`)), 'the cache was written');
    assert.ok(files.some((f) => f.endsWith('events.jsonl')));
    for (const file of files) {
      const text = fs.readFileSync(file, 'latin1');
      assert.ok(!text.includes(KEY) && !text.includes(FRAGMENT), `${path.relative(ws, file)} contains the API key`);
    }
    for (const o of outputs) {
      for (const text of [o.stdout, o.stderr]) assert.ok(!text.includes(KEY) && !text.includes(FRAGMENT), `output contains the API key:\n${text}`);
    }
  });
});
