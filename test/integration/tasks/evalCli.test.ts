import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { answerFromGold, reply, startLoopbackServer, type LoopbackServer, type ScriptFn } from '../../support/loopbackServer';
import { runDlpo } from './cliHarness';

const SAMPLE = path.resolve(__dirname, '../../../examples/gsm8k-sample.jsonl');
const PROMPT = '---\ndescription: math\n---\n\nYou will answer a mathematical reasoning question. Think step by step.\n';

function sampleItems(): { input: string; gold: string }[] {
  return fs
    .readFileSync(SAMPLE, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { question: string; answer: string })
    .map((r) => ({ input: r.question, gold: r.answer.slice(r.answer.lastIndexOf('####') + 4).trim() }));
}

/**
 * `dlpo eval` against the loopback OpenAI-compatible server: the real provider, the
 * real `openai` SDK, HTTP on 127.0.0.1. The server answers from the gold answers,
 * wrongly for a deterministic subset, and records which; the test checks that eval's
 * numbers are exactly what the server did.
 */
describe('dlpo eval against the loopback server', function () {
  this.timeout(60_000);
  let dir: string;
  let server: LoopbackServer;
  const wrongInputs = new Set<string>();

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-eval-'));
    fs.writeFileSync(path.join(dir, 'math.prompt.md'), PROMPT);
    fs.copyFileSync(SAMPLE, path.join(dir, 'sample.jsonl'));
    const gold = answerFromGold({ items: sampleItems(), wrongFraction: 0.3 });
    const script: ScriptFn = async (req) => {
      const r = await gold(req);
      if (r.type === 'text' && !r.text.startsWith('The answer is')) wrongInputs.add(req.chat.lastUser);
      return { ...r, delayMs: 20 } as typeof r;
    };
    server = await startLoopbackServer({ script });
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    server.reset();
    wrongInputs.clear();
  });

  const modelArgs = () => ['--base-url', server.baseUrl, '--model', 'test-model', '--no-cache', '--max-concurrency', '4'];

  it('--json prints exactly {accuracy, n, correct, failures, usage} and matches what the server answered', async () => {
    const r = await runDlpo(['eval', 'math.prompt.md', '--data', 'sample.jsonl', '--split', 'all', '--json', ...modelArgs()], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { accuracy: number; n: number; correct: number; failures: { id: string; gold: string; output: string; reason: string }[]; usage: Record<string, unknown> };
    assert.deepEqual(Object.keys(out).sort(), ['accuracy', 'correct', 'failures', 'n', 'usage']);
    assert.equal(out.n, 30);
    const chats = server.chatRequests();
    assert.equal(chats.length, 30);
    assert.ok(wrongInputs.size > 0 && wrongInputs.size < 30, `server answered ${wrongInputs.size} wrongly`);
    assert.equal(out.correct, 30 - wrongInputs.size);
    assert.equal(out.accuracy, out.correct / 30);
    assert.equal(out.failures.length, wrongInputs.size);
    for (const f of out.failures) assert.match(f.reason, new RegExp(`^expected ${f.gold.replace(/,/g, '')}, got `));
    assert.equal(out.usage.calls, 30);
    assert.ok((out.usage.promptTokens as number) > 0);
    assert.equal(out.usage.simulator, false);
    // What was sent: the prompt body as the system message, the question plus the format instruction.
    for (const c of chats) {
      assert.equal(c.chat!.system, 'You will answer a mathematical reasoning question. Think step by step.');
      assert.match(c.chat!.lastUser, /'Answer: \$VALUE' where VALUE is a numerical value\.$/);
      assert.equal(c.chat!.temperature, 0);
    }
    // Calls ran in parallel, never more than --max-concurrency.
    assert.ok(server.maxInFlight > 1 && server.maxInFlight <= 4, `max in flight ${server.maxInFlight}`);
  });

  it('--min-accuracy gates: exit 1 below, 0 at or above', async () => {
    const base = ['eval', 'math.prompt.md', '--data', 'sample.jsonl', '--split', 'all', ...modelArgs()];
    const below = await runDlpo([...base, '--min-accuracy', '0.99'], { cwd: dir });
    assert.equal(below.code, 1, below.stderr);
    assert.match(below.stderr, /below --min-accuracy 99\.0%/);
    assert.match(below.stdout, /^accuracy \d+\.\d% \(\d+\/30\) on the all split/);
    const above = await runDlpo([...base, '--min-accuracy', '10%'], { cwd: dir });
    assert.equal(above.code, 0, above.stderr);
    assert.match(above.stdout, /usage: 30 calls/);
  });

  it('--split and --limit choose the examples; template variables are rendered per example', async () => {
    fs.writeFileSync(path.join(dir, 'tmpl.prompt.md'), 'Solve this problem carefully:\n{{ question }}\n');
    const r = await runDlpo(['eval', 'tmpl.prompt.md', '--data', 'sample.jsonl', '--split', 'val', '--limit', '4', '--json', ...modelArgs()], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { n: number }).n, 4);
    const chats = server.chatRequests();
    assert.equal(chats.length, 4);
    for (const c of chats) {
      assert.equal(c.chat!.system, '');
      assert.match(c.chat!.lastUser, /^Solve this problem carefully:\n\S/);
      assert.doesNotMatch(c.chat!.lastUser, /\{\{/);
    }
  });

  it('a .prompty is sent as its role sections over HTTP: system, then the user: section rendered per row', async () => {
    fs.writeFileSync(
      path.join(dir, 'roles.prompty'),
      '---\nname: roles\ninputs:\n  - name: tone\n    default: calm\n---\nsystem:\nYou are a {{ tone }} math tutor.\n\nuser:\nProblem: {{ question }}\n',
    );
    const r = await runDlpo(['eval', 'roles.prompty', '--data', 'sample.jsonl', '--split', 'val', '--limit', '2', '--json', ...modelArgs()], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const chats = server.chatRequests();
    assert.equal(chats.length, 2);
    for (const c of chats) {
      const messages = c.chat!.messages;
      assert.deepEqual(messages.map((m) => m.role), ['system', 'user']);
      assert.equal(messages[0].content, 'You are a calm math tutor.');
      assert.match(messages[1].content, /^Problem: \S[\s\S]*\n\n\S/); // the question, then the metric's format instruction
    }
  });

  it('a promptfoo multi-prompt .txt asks for --prompt N and then sends only that prompt', async () => {
    fs.writeFileSync(path.join(dir, 'multi.txt'), 'Answer {{question}}\n---\nThink, then answer: {{question}}\n');
    const refused = await runDlpo(['eval', 'multi.txt', '--data', 'sample.jsonl', '--limit', '1', ...modelArgs()], { cwd: dir });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /holds 2 prompts separated by "---" lines.*choose one with --prompt N/);
    assert.equal(server.chatRequests().length, 0);
    const r = await runDlpo(['eval', 'multi.txt', '--prompt', '2', '--data', 'sample.jsonl', '--limit', '1', '--json', ...modelArgs()], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const [chat] = server.chatRequests();
    assert.match(chat.chat!.lastUser, /^Think, then answer: \S/);
    assert.doesNotMatch(chat.chat!.lastUser, /---|Answer \{\{/);
  });

  it('a rejected key stops with exit 1 and a message, not a score', async () => {
    const bad = await startLoopbackServer({ script: [reply.error(401, { message: 'Incorrect API key provided' })], fallback: () => reply.error(401) });
    try {
      const r = await runDlpo(['eval', 'math.prompt.md', '--data', 'sample.jsonl', '--base-url', bad.baseUrl, '--model', 'test-model', '--no-cache', '--api-key-env', 'TEST_KEY'], {
        cwd: dir,
        env: { TEST_KEY: 'sk-test-not-a-real-key-123456' },
      });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /401|rejected|key/i);
      assert.doesNotMatch(r.stderr + r.stdout, /sk-test-not-a-real-key/);
    } finally {
      await bad.close();
    }
  });

  it('a promptfoo llm-rubric file is scored by the judge (the backward model) over HTTP', async () => {
    const judged = await startLoopbackServer({
      script: (req) => {
        if (req.chat.system.startsWith('You grade a model response')) {
          const good = req.chat.lastUser.includes('Response to grade:\nPARIS');
          return reply.text(good ? '{"score": 1, "reason": "names the capital"}' : 'Score: 2/10\nReason: wrong city');
        }
        return reply.text(req.chat.lastUser.includes('France') ? 'PARIS' : 'LYON');
      },
    });
    try {
      fs.writeFileSync(
        path.join(dir, 'capitals.yaml'),
        ['tests:', '  - vars: { country: France }', '    assert: [{ type: llm-rubric, value: Names the capital city }]', '  - vars: { country: Italy }', '    assert: [{ type: llm-rubric, value: Names the capital city }]', '  - vars: { country: Spain }', '    assert: [{ type: llm-rubric, value: Names the capital city }]'].join('\n'),
      );
      fs.writeFileSync(path.join(dir, 'capital.prompt.md'), 'Name the capital of {{country}}.\n');
      const r = await runDlpo(['eval', 'capital.prompt.md', '--data', 'capitals.yaml', '--split', 'all', '--json', '--base-url', judged.baseUrl, '--model', 'test-model', '--no-cache'], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { accuracy: number; n: number; correct: number; failures: { reason: string; score: number }[]; usage: { calls: number } };
      assert.equal(out.n, 3);
      assert.equal(out.correct, 1);
      assert.ok(Math.abs(out.accuracy - (1 + 0.2 + 0.2) / 3) < 1e-9, String(out.accuracy));
      assert.deepEqual(out.failures.map((f) => [f.score, f.reason]), [
        [0.2, 'failed: rubric "Names the capital city" (wrong city)'],
        [0.2, 'failed: rubric "Names the capital city" (wrong city)'],
      ]);
      assert.equal(out.usage.calls, 6); // 3 forward + 3 judge
      const judgeCall = judged.chatRequests().find((c) => c.chat!.system.startsWith('You grade'))!;
      assert.match(judgeCall.chat!.lastUser, /Rubric:\nNames the capital city/);
    } finally {
      await judged.close();
    }
  });

  it('the offline simulator says so in text and JSON', async () => {
    const text = await runDlpo(['eval', 'math.prompt.md', '--data', 'sample.jsonl', '--simulator'], { cwd: dir });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^\[offline simulator\] accuracy/);
    const json = await runDlpo(['eval', 'math.prompt.md', '--data', 'sample.jsonl', '--simulator', '--json'], { cwd: dir });
    const usage = (JSON.parse(json.stdout) as { usage: { simulator: boolean; model: string } }).usage;
    assert.equal(usage.simulator, true);
    assert.match(usage.model, /Offline simulator/);
  });
});
