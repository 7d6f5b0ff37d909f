import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import { buildCli, dlpoScript, makeWorkspace, readDataset, runCli } from '../run/runSupport';

/**
 * A token estimate is checked against the model's context window before any call
 * (issue 17 item 3): `dlpo eval` once sent a 50 MiB prompt as a 13-million-token request
 * without a word. Now a prompt, or one example's request, that cannot fit is refused up
 * front with exit 2, and the server never sees a request.
 */

describe('reliability: prompts too long for the model are refused before any call', function () {
  this.timeout(180_000);
  let server: LoopbackServer;
  let ws: string;

  before(async () => {
    await buildCli();
    server = await startLoopbackServer({ script: dlpoScript(readDataset()), models: ['gpt-4o-mini'] });
    ws = makeWorkspace();
    // ≈ 150,000 tokens by the estimate: over gpt-4o-mini's 128,000.
    fs.writeFileSync(path.join(ws, 'long.prompt.md'), `${'Read the problem twice and check each step of the arithmetic. '.repeat(9_700)}\n`);
    // A short prompt, but one dataset row whose question alone is over the window.
    const rows = readDataset().slice(0, 12).map((r) => JSON.stringify(r));
    rows[7] = JSON.stringify({ question: `How many? ${'one more apple, '.repeat(40_000)}`, answer: '3' });
    fs.writeFileSync(path.join(ws, 'longrow.jsonl'), `${rows.join('\n')}\n`);
  });
  after(async () => {
    await server.close();
    fs.rmSync(ws, { recursive: true, force: true });
  });
  beforeEach(() => server.reset());

  const model = () => ['--base-url', server.baseUrl, '--model', 'gpt-4o-mini', '--no-cache'];

  it('dlpo eval: a prompt over the context window exits 2 naming the estimate and the window; no request is sent', async () => {
    const r = await runCli(['eval', 'long.prompt.md', '--data', 'gsm8k-sample.jsonl', ...model()], { cwd: ws });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /dlpo eval: The prompt is too long for the forward model: about 15\d,\d{3} tokens \([\d,]+ characters\), over gpt-4o-mini's context window of 128,000 tokens\. Shorten the prompt or choose a model with a larger context\./);
    assert.equal(r.stdout, '');
    assert.equal(server.chatRequests().length, 0, 'the server saw no request');
  });

  it('dlpo eval: one example whose request cannot fit is named; no request is sent', async () => {
    const r = await runCli(['eval', 'gsm8k.prompt.md', '--data', 'longrow.jsonl', '--split', 'all', ...model()], { cwd: ws });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /The request for example longrow\.jsonl#7 is too long for the forward model: about 1\d\d,\d{3} tokens, over gpt-4o-mini's context window of 128,000 tokens/);
    assert.equal(server.chatRequests().length, 0);
  });

  it('dlpo run: the same check, exit 2, no run folder and no request; a prompt that fits still runs', async () => {
    const r = await runCli(['run', 'long.prompt.md', '--data', 'gsm8k-sample.jsonl', '--out', 'runs', ...model()], { cwd: ws });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /dlpo run: The prompt is too long for the forward model: about [\d,]+ tokens/);
    assert.doesNotMatch(r.stderr, /--resume/);
    assert.equal(server.chatRequests().length, 0);
    const runs = path.join(ws, 'runs');
    assert.ok(!fs.existsSync(runs) || fs.readdirSync(runs).length === 0, 'no run folder');

    const ok = await runCli(['eval', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', '--limit', '2', ...model()], { cwd: ws });
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(server.chatRequests().length > 0);
  });
});
