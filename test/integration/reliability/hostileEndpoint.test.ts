import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { comparableJournal, readJournal } from '../../../src/core/run/journal';
import { buildCli, httpArgs, makeWorkspace, runCli } from '../run/runSupport';
import { nthRequestOf, only, runDirUnder, startFaultServer, type FaultServer } from './faultServer';

/**
 * `dlpo run` against an endpoint that misbehaves the way real ones do, end to end: the
 * bundled CLI in a child process, the real provider and SDK, the loopback server switched
 * into a fault in the middle of a run. Each case checks what the user is told, the exit
 * code, and what happens to the run (stopped, paused resumable, retried).
 */

const KEY = 'sk-test-DLPO-hostile-61d2c0ffee';
const ARGS = ['--data', 'gsm8k-sample.jsonl', '--train-size', '9', '--val-size', '3', '--test-size', '3', '--batch-size', '3', '--no-cache'];

describe('reliability: hostile endpoints through dlpo run', function () {
  this.timeout(180_000);
  let fault: FaultServer;
  let ws: string;

  before(async () => {
    await buildCli();
    fault = await startFaultServer(0, ['test-model', 'other-model']);
    ws = makeWorkspace();
  });
  after(async () => {
    await fault.server.close();
    fs.rmSync(ws, { recursive: true, force: true });
  });
  beforeEach(() => {
    fault.armed = undefined;
    fault.mode = { kind: 'ok' };
    fault.faulted = [];
    fault.server.reset();
  });

  const run = (out: string, extra: string[] = [], model = 'test-model') =>
    runCli(['run', 'gsm8k.prompt.md', ...ARGS, '--out', out, ...httpArgs(fault.server).map((a) => (a === 'test-model' ? model : a)), ...extra], {
      cwd: ws,
      env: { DLPO_TEST_KEY: KEY },
    });

  it('5xx beyond the retry limit: the run pauses with a resumable checkpoint and a clear message; --resume finishes it once the server is back', async () => {
    const baseline = await run('base');
    assert.equal(baseline.code, 0, baseline.stderr);
    const baseDir = runDirUnder(ws, 'base')!;
    fault.server.reset();

    // The server fails every request (500, asking for a 5 ms wait) from step 2's first critique on
    // (every step critiques its 3 examples, so that is the 4th critique request).
    fault.armed = { when: nthRequestOf('critique', 4), mode: { kind: 'reply', reply: { type: 'error', status: 500, message: 'upstream overloaded', retryAfterMs: 5 } } };
    const r = await run('outage');
    fault.mode = { kind: 'ok' };

    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /The run failed: test-model \(127\.0\.0\.1:\d+\): server error 500: upstream overloaded/);
    assert.match(r.stderr, /Nothing is lost: the run is paused after step 1\. .*continue with: dlpo run --resume \S+/);
    const dir = runDirUnder(ws, 'outage')!;
    const checkpoint = JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8'));
    assert.equal(checkpoint.finished, false, 'the run stays resumable');
    assert.equal(checkpoint.step, 1);
    const events = readJournal(path.join(dir, 'events.jsonl')).events;
    assert.equal(only(events, 'done')[0].stoppedBy, 'error');
    // Retried with backoff up to the limit (5 attempts), each wait journaled and counted.
    const waits = only(events, 'waiting').filter((w) => w.reason === 'server-error');
    assert.ok(waits.some((w) => /server \(500\); retrying in .* \(attempt 5 of 5\)/.test(w.message)), waits.map((w) => w.message).join('\n'));
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    assert.equal(report.retries.serverError, waits.length);
    assert.match(fs.readFileSync(path.join(dir, 'report.md'), 'utf8'), /Retries: 0 after rate limiting \(429\), \d+ after server errors/);
    const faultedBodies = new Map<string, number>();
    for (const i of fault.faulted) {
      const body = JSON.stringify(fault.server.requests[i].body);
      faultedBodies.set(body, (faultedBodies.get(body) ?? 0) + 1);
    }
    assert.ok([...faultedBodies.values()].every((n) => n <= 5), 'no request was tried more than 5 times');
    assert.ok([...faultedBodies.values()].some((n) => n === 5), 'a request was tried 5 times before giving up');

    const resumed = await runCli(['run', '--resume', dir, '--no-cache'], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
    assert.equal(resumed.code, 0, resumed.stderr);
    const after = readJournal(path.join(dir, 'events.jsonl')).events;
    assert.equal(only(after, 'done')[0].stoppedBy, 'completed');
    assert.equal(fs.readFileSync(path.join(dir, 'final.prompt.md'), 'utf8'), fs.readFileSync(path.join(baseDir, 'final.prompt.md'), 'utf8'));
    assert.deepEqual(comparableJournal(after), comparableJournal(readJournal(path.join(baseDir, 'events.jsonl')).events));
  });

  it('429 with Retry-After: waits as long as the server asks, says so, counts it, and the run completes', async () => {
    fault.mode = { kind: 'reply', reply: { type: 'error', status: 429, message: 'slow down', retryAfter: 1 }, times: 2 };
    const r = await run('limited');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /waiting 1 s: test-model \(127\.0\.0\.1:\d+\): rate-limited \(429\); retrying in 1 s \(attempt 2 of 5\)/);
    const dir = runDirUnder(ws, 'limited')!;
    const events = readJournal(path.join(dir, 'events.jsonl')).events;
    assert.equal(only(events, 'waiting').filter((w) => w.reason === 'rate-limit').length, 2);
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')).retries.rateLimit, 2);
    assert.equal(fault.faulted.length, 2);
    // Each refused request was sent again, no sooner than the server asked.
    for (const i of fault.faulted) {
      const refused = fault.server.requests[i];
      const again = fault.server.requests.find((q) => q.index > i && JSON.stringify(q.body) === JSON.stringify(refused.body));
      assert.ok(again, `request ${i} was retried`);
      assert.ok(again.receivedAt - refused.receivedAt >= 950, `retried after ${again.receivedAt - refused.receivedAt} ms`);
    }
  });

  it('401 and 403: the run stops at once, names the variable that holds the key, never shows it, and can be resumed with a good key', async () => {
    for (const status of [401, 403]) {
      fault.server.reset();
      fault.faulted = [];
      fault.mode = { kind: 'reply', reply: { type: 'error', status, message: `Incorrect API key provided: ${KEY}` } };
      const r = await run(`auth${status}`);
      fault.mode = { kind: 'ok' };
      assert.equal(r.code, 1, r.stderr);
      const what = status === 401 ? 'rejected the API key \\(401\\)' : 'refused access with this API key \\(403\\)';
      assert.match(r.stderr, new RegExp(`${what}\\. Check the key in the environment variable DLPO_TEST_KEY`));
      assert.ok(!r.stderr.includes(KEY) && !r.stdout.includes(KEY), 'the key is never shown');
      // Not retried: a bad key does not get better by asking again.
      const bodies = fault.faulted.map((i) => JSON.stringify(fault.server.requests[i].body));
      assert.equal(new Set(bodies).size, bodies.length, 'no refused request was sent twice');
      const dir = runDirUnder(ws, `auth${status}`)!;
      assert.equal(only(readJournal(path.join(dir, 'events.jsonl')).events, 'done')[0].stoppedBy, 'error');
      assert.match(r.stderr, /continue with: dlpo run --resume/);
      const resumed = await runCli(['run', '--resume', dir, '--no-cache'], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
      assert.equal(resumed.code, 0, resumed.stderr);
    }
  });

  it('404 model: the run stops, lists the models the endpoint offers, and does not suggest a futile resume', async () => {
    fault.mode = { kind: 'reply', reply: { type: 'error', status: 404, message: 'The model `missing-model` does not exist' } };
    const r = await run('missing', [], 'missing-model');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /model or deployment "missing-model" not found at http:\/\/127\.0\.0\.1:\d+\/v1 \(404\)\. The endpoint offers: test-model, other-model\./);
    assert.doesNotMatch(r.stderr, /--resume/, 'a resume keeps the model name, so it cannot help');
    assert.ok(fault.server.requests.some((q) => q.method === 'GET' && q.path === '/v1/models'), 'the endpoint was asked for its models');
  });

  it('a hang is cut by --request-timeout, retried, and the run goes on', async () => {
    fault.mode = { kind: 'hang', times: 1 };
    const r = await run('hang', ['--request-timeout', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /waiting [\d.]+ s: test-model \(127\.0\.0\.1:\d+\): timeout; retrying in [\d.]+ s \(attempt 2 of 5\)/);
    assert.equal(fault.faulted.length, 1);
    const hung = await fault.server.waitForEnd(fault.faulted[0], 5000);
    assert.equal(hung.clientDisconnected, true, 'the timed-out request was closed by the client');
    const again = fault.server.requests.find((q) => q.index > hung.index && JSON.stringify(q.body) === JSON.stringify(hung.body));
    assert.ok(again && !again.clientDisconnected, 'and sent again, answered this time');
    const dir = runDirUnder(ws, 'hang')!;
    assert.equal(only(readJournal(path.join(dir, 'events.jsonl')).events, 'done')[0].stoppedBy, 'completed');
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')).retries.serverError, 1);
  });
});
