import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { reply, startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import { runDlpo } from '../tasks/cliHarness';

const FIXTURES = path.resolve(__dirname, '../../fixtures/promptfoo');

/** `dlpo eval` on promptfoo suites: refusals exit 2 before any call, and a suite's tests are scored as promptfoo scores them. */
describe('dlpo eval with a promptfoo suite', function () {
  this.timeout(60_000);
  let dir: string;
  let server: LoopbackServer;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-pfeval-'));
    fs.cpSync(path.join(FIXTURES, 'file-list'), path.join(dir, 'file-list'), { recursive: true });
    fs.cpSync(path.join(FIXTURES, 'simple-test'), path.join(dir, 'simple-test'), { recursive: true });
    server = await startLoopbackServer({
      script: (req) => {
        const q = req.chat.lastUser;
        const answers: Record<string, string> = { France: 'Paris', Italy: 'Rome', Spain: 'Barcelona', Japan: 'Tokyo', India: 'delhi', Peru: 'Lima' };
        const country = Object.keys(answers).find((c) => q.includes(c));
        return reply.text(country ? answers[country] : "I don't know");
      },
    });
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const modelArgs = () => ['--base-url', server.baseUrl, '--model', 'test-model', '--no-cache', '--max-concurrency', '1'];

  it('a config whose tests: are file references: each test passes or fails as promptfoo decides', async () => {
    const r = await runDlpo(['eval', 'file-list/prompt.txt', '--data', 'file-list/promptfooconfig.yaml', '--split', 'all', '--json', ...modelArgs()], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { n: number; correct: number; failures: { id: string; score: number; reason: string }[] };
    assert.equal(out.n, 6);
    // Spain answers Barcelona (the regex fails); India answers "delhi": contains "New Delhi" fails, icontains passes,
    // the default not-icontains passes: score 2/3 reaches the threshold 0.5, so it passes.
    assert.deepEqual(out.failures.map((f) => [f.id, f.score]), [['Italy and Spain [2/2]', 0.5]]);
    assert.equal(out.correct, 5);
    const sent = server.chatRequests().map((c) => c.chat!.lastUser);
    assert.ok(sent.includes('Answer in one word: what is the capital of Japan?'), sent.join('\n'));
  });

  it("promptfoo's own simple-test CSV exits 2 before any call, naming the javascript assertion and the test", async () => {
    server.reset();
    fs.writeFileSync(path.join(dir, 'p.txt'), 'Say {{body}} like a pirate.\n');
    const r = await runDlpo(['eval', 'p.txt', '--data', 'simple-test/tests.csv', '--split', 'all', ...modelArgs()], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /tests\.csv record 1, field "assert\[0\]": "Row #1": the assertion "javascript" cannot run in DLPO/);
    assert.equal(server.chatRequests().length, 0);
  });

  it('a suite with llm-rubric and no key for the judge exits 2 before any forward call', async () => {
    server.reset();
    const sub = path.join(dir, 'judged');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'p.txt'), 'Name the capital of {{country}}.\n');
    fs.writeFileSync(path.join(sub, 'tests.yaml'), ['France', 'Italy', 'Peru'].map((c) => `- vars: { country: ${c} }\n  assert: [{ type: llm-rubric, value: Names a city }]\n`).join(''));
    fs.writeFileSync(
      path.join(sub, 'dlpo.config.yaml'),
      `forward: { provider: openai-compatible, baseUrl: "${server.baseUrl}", model: test-model }\nbackward: { provider: openai, model: judge-model }\n`,
    );
    const r = await runDlpo(['eval', 'p.txt', '--data', 'tests.yaml', '--split', 'all', '--no-cache'], { cwd: sub, env: {} });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /No API key for judge-model/);
    assert.equal(server.chatRequests().length, 0);
  });

  it('a promptfooconfig.yaml given as the prompt file: its prompt, scored on its tests; --prompt N among several; inline prompts refused', async () => {
    server.reset();
    const r = await runDlpo(['eval', 'file-list/promptfooconfig.yaml', '--split', 'all', '--json', ...modelArgs()], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { n: number; correct: number };
    assert.deepEqual([out.n, out.correct], [6, 5]);
    assert.ok(server.chatRequests().some((c) => c.chat!.lastUser === 'Answer in one word: what is the capital of Peru?'));

    const multi = path.join(dir, 'multi');
    fs.mkdirSync(multi);
    fs.writeFileSync(path.join(multi, 'prompts.txt'), 'First: capital of {{country}}?\n---\nSecond: capital of {{country}}?\n');
    fs.writeFileSync(path.join(multi, 'tests.yaml'), ['France', 'Italy', 'Peru'].map((c) => `- vars: { country: ${c} }\n  assert: [{ type: icontains, value: a }]\n`).join(''));
    fs.writeFileSync(path.join(multi, 'promptfooconfig.yaml'), 'prompts:\n  - file://prompts.txt\ntests: file://tests.yaml\n');
    const ask = await runDlpo(['eval', 'promptfooconfig.yaml', '--split', 'all', ...modelArgs()], { cwd: multi });
    assert.equal(ask.code, 2);
    assert.match(ask.stderr, /the config has 2 prompts \(1: prompts\.txt \(part 1\), 2: prompts\.txt \(part 2\)\); choose one with --prompt N/);
    server.reset();
    const second = await runDlpo(['eval', 'promptfooconfig.yaml', '--prompt', '2', '--split', 'all', '--json', ...modelArgs()], { cwd: multi });
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(server.chatRequests().map((c) => c.chat!.lastUser).sort(), ['Second: capital of France?', 'Second: capital of Italy?', 'Second: capital of Peru?']);

    fs.writeFileSync(path.join(multi, 'inline.yaml'), 'prompts:\n  - "Capital of {{country}}?"\ntests: file://tests.yaml\n');
    const inline = await runDlpo(['eval', 'inline.yaml', '--split', 'all', ...modelArgs()], { cwd: multi });
    assert.equal(inline.code, 2);
    assert.match(inline.stderr, /inline\.yaml field "prompts\[0\]": DLPO optimizes prompt files/);
  });
});
