import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { reply, startLoopbackServer, type LoopbackServer, type ScriptFn } from '../../support/loopbackServer';
import { runDlpo } from '../tasks/cliHarness';

/**
 * The real promptfoo CLI (pinned and cached by scripts/promptfoo-setup.sh, run by
 * scripts/setup.sh) against the loopback server, on configs written by
 * `dlpo eval --export-promptfoo`: for a plain prompt, a Copilot `${input:x}` prompt and a
 * Prompty `{{inputs.question}}` prompt, each test must pass or fail in promptfoo exactly as
 * it does in `dlpo eval`, and promptfoo must send exactly the messages eval sent. The
 * server's replies depend on the messages (and the grader's verdicts on the output), so a
 * wrong message or a differently scored assertion shows up as a different pass/fail.
 */

const CACHE = process.env.DLPO_PROMPTFOO_CACHE ?? path.join(os.homedir(), '.cache', 'dlpo-promptfoo');
const BIN = path.join(CACHE, 'node_modules', '.bin', process.platform === 'win32' ? 'promptfoo.cmd' : 'promptfoo');

const SUITE = `description: capitals, several assertion kinds
defaultTest:
  assert:
    - type: not-icontains
      value: "I don't know"
tests:
  - description: France equals
    vars: { country: France, question: What is the capital of France?, answer: Paris }
    assert:
      - type: equals
        value: "{{answer}}"
  - description: Italy equals fails on the full stop
    vars: { country: Italy, question: What is the capital of Italy?, answer: Rome }
    assert:
      - type: equals
        value: "{{answer}}"
  - description: Spain case
    vars: { country: Spain, question: What is the capital of Spain? }
    assert:
      - type: contains
        value: Madrid
      - type: icontains
        value: madrid
        weight: 3
    threshold: 0.7
  - description: Spain set
    vars: { country: Spain, question: "What is the capital of Spain? (a set)" }
    assert:
      - type: assert-set
        threshold: 0.5
        assert:
          - type: contains
            value: Madrid
          - type: icontains
            value: MADRID
      - type: assert-set
        weight: 0
        assert:
          - type: starts-with
            value: m
  - description: Norway equals with a trailing newline in the reply
    vars: { country: Norway, question: What is the capital of Norway? }
    assert:
      - type: equals
        value: Oslo
  - description: Japan json
    vars: { country: Japan, question: What is the capital of Japan? }
    assert:
      - type: is-json
      - type: contains-json
        value: { type: object, required: [capital] }
  - description: Peru embedded json
    vars: { country: Peru, question: What is the capital of Peru? }
    assert:
      - type: is-json
  - description: Peru contains json
    vars: { country: Peru, question: What is the capital of Peru, in JSON? }
    assert:
      - type: contains-json
      - type: starts-with
        value: The
  - description: Egypt regex and rubric
    vars: { country: Egypt, question: What is the capital of Egypt? }
    assert:
      - type: regex
        value: "^Cairo\\\\b"
      - type: llm-rubric
        value: Names a city and nothing else
  - description: Kenya rubric fails
    vars: { country: Kenya, question: What is the capital of Kenya? }
    assert:
      - type: llm-rubric
        value: Names a city and nothing else
  - description: Chile not-contains
    vars: { country: Chile, question: What is the capital of Chile? }
    assert:
      - type: not-contains
        value: Santiago
      - type: contains-any
        value: [Valparaiso, Santiago]
`;

const PLAIN = 'You are a geography expert. Reply with the capital city only.\n';
const COPILOT = '---\ndescription: capitals\nmode: ask\n---\nYou are a geography expert.\n\nQuestion: ${input:question:The question}\n\nReply with the capital city only.\n';
const PROMPTY = '---\nname: capitals\nmodel:\n  api: chat\n---\nsystem:\nYou are a geography expert. Reply with the capital city only.\n\nuser:\n{{inputs.question}}\n';

const NUMERIC_INSTRUCTION = "The last line of your response should be of the following format: 'Answer: $VALUE' where VALUE is a numerical value.";
const NUMBERS = [
  { question: 'How many legs have 2 cats?', answer: '8' },
  { question: 'How many legs have 3 birds?', answer: '6' },
  { question: 'How many wheels have 2 bikes?', answer: '4' },
  { question: 'How many sides have 2 squares?', answer: '8' },
];

/** Replies chosen by the question and by the prompt's wording, so the messages matter. */
function forwardReply(messages: { role: string; content: string }[]): string {
  const all = messages.map((m) => m.content).join('\n');
  const prefix = messages[0]?.role === 'system' ? '' : 'The capital: ';
  if (all.includes('cats')) return all.includes("'Answer: $VALUE'") ? 'Each cat has 4 legs.\nAnswer: 8' : '8';
  if (all.includes('birds')) return 'Answer: 1,000';
  if (all.includes('bikes')) return 'Two bikes, two wheels each.\nAnswer: **4**';
  if (all.includes('squares')) return 'Answer: 8.0';
  if (all.includes('France')) return `${prefix}Paris`;
  if (all.includes('Italy')) return 'Rome.';
  if (all.includes('Spain')) return 'madrid';
  if (all.includes('Japan')) return '{"capital": "Tokyo"}';
  if (all.includes('Peru')) return 'The answer is {"capital": "Lima"}';
  if (all.includes('Egypt')) return `${prefix}Cairo`;
  if (all.includes('Kenya')) return 'Nairobi is the capital of Kenya, a country in East Africa.';
  if (all.includes('Chile')) return 'Valparaiso';
  if (all.includes('Norway')) return 'Oslo\n';
  return "I don't know";
}

/** The same verdict for DLPO's judge and promptfoo's grader: a short reply names a city and nothing else. */
function verdict(output: string): boolean {
  return output.trim().split(/\s+/).length <= 3;
}

const script: ScriptFn = (req) => {
  const { messages, system, lastUser } = req.chat;
  if (system.startsWith('You grade a model response')) {
    const output = lastUser.slice(lastUser.indexOf('Response to grade:\n') + 'Response to grade:\n'.length);
    return reply.text(JSON.stringify({ score: verdict(output) ? 1 : 0, reason: 'checked' }));
  }
  if (system.startsWith('You are grading output according to a user-specified rubric')) {
    const m = /<Output>\n([\s\S]*?)\n<\/Output>/.exec(lastUser);
    const pass = verdict(m ? m[1] : '');
    return reply.text(JSON.stringify({ reason: 'checked', pass, score: pass ? 1 : 0 }));
  }
  return reply.text(forwardReply(messages));
};

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe('exports agree with the real promptfoo CLI', function () {
  this.timeout(300_000);
  let dir: string;
  let server: LoopbackServer;

  before(async function () {
    if (!fs.existsSync(BIN)) {
      if (process.env.DLPO_SKIP_PROMPTFOO === '1') this.skip();
      throw new Error(`the promptfoo CLI is not installed at ${BIN}; run scripts/promptfoo-setup.sh (scripts/setup.sh does), or set DLPO_SKIP_PROMPTFOO=1`);
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-pfcli-'));
    fs.writeFileSync(path.join(dir, 'promptfooconfig.yaml'), SUITE);
    fs.writeFileSync(path.join(dir, 'plain.md'), PLAIN);
    fs.writeFileSync(path.join(dir, 'numbers.jsonl'), NUMBERS.map((r) => JSON.stringify(r)).join('\n'));
    fs.writeFileSync(path.join(dir, 'capital.prompt.md'), COPILOT);
    fs.writeFileSync(path.join(dir, 'capital.prompty'), PROMPTY);
    fs.mkdirSync(path.join(dir, 'pf-home'));
    server = await startLoopbackServer({ script });
  });
  after(async () => {
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const modelArgs = () => ['--base-url', server.baseUrl, '--model', 'test-model', '--no-cache', '--max-concurrency', '1'];
  const forwardCalls = () =>
    server
      .chatRequests()
      .map((r) => r.chat!)
      .filter((c) => !c.system.startsWith('You grade') && !c.system.startsWith('You are grading'))
      .map((c) => JSON.stringify(c.messages));

  /** Scores `file` on `data` with dlpo eval, exports it, runs promptfoo on the export, and compares. */
  async function compare(file: string, data: string, n: number, expected: readonly { role: string; content: string }[]): Promise<void> {
    server.reset();
    const evalRun = await runDlpo(['eval', file, '--data', data, '--split', 'all', '--json', ...modelArgs()], { cwd: dir, env: { OPENAI_API_KEY: 'sk-test' } });
    assert.equal(evalRun.code, 0, evalRun.stderr);
    const evaluation = JSON.parse(evalRun.stdout) as { n: number; failures: { id: string; score: number }[] };
    assert.equal(evaluation.n, n);
    const evalMessages = forwardCalls().sort();
    assert.ok(evalMessages.includes(JSON.stringify(expected)), `no call sent ${JSON.stringify(expected)}:\n${evalMessages.join('\n')}`);
    const failedInEval = new Set(evaluation.failures.map((f) => f.id));

    const exported = `${file}.promptfooconfig.yaml`;
    const exportRun = await runDlpo(['eval', file, '--data', data, '--split', 'all', '--export-promptfoo', exported, ...modelArgs()], { cwd: dir, env: { OPENAI_API_KEY: 'sk-test' } });
    assert.equal(exportRun.code, 0, exportRun.stderr);
    const doc = YAML.parse(fs.readFileSync(path.join(dir, exported), 'utf8')) as { tests: { vars: { dlpo_messages: string } }[] };
    assert.deepEqual(doc.tests.map((t) => JSON.stringify(JSON.parse(t.vars.dlpo_messages))).sort(), evalMessages);

    server.reset();
    const results = path.join(dir, `${file}.results.json`);
    const pf = await run(BIN, ['eval', '-c', exported, '-o', results, '--no-cache', '-j', '1', '--no-progress-bar', '--no-table'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: path.join(dir, 'pf-home'),
        PROMPTFOO_CONFIG_DIR: path.join(dir, 'pf-home', '.promptfoo'),
        PROMPTFOO_DISABLE_TELEMETRY: '1',
        PROMPTFOO_DISABLE_UPDATE: '1',
        PROMPTFOO_CACHE_ENABLED: 'false',
        OPENAI_API_KEY: 'sk-test',
      },
    });
    // promptfoo exits 100 when some test failed, 0 when all passed.
    assert.ok(pf.code === 0 || pf.code === 100, `promptfoo exited ${pf.code}\n${pf.stderr.slice(-3000)}\n${pf.stdout.slice(-2000)}`);
    const out = JSON.parse(fs.readFileSync(results, 'utf8')) as { results: { results: { testCase: { description: string }; success: boolean; score: number; failureReason?: number; error?: string }[] } };
    const rows = out.results.results;
    assert.equal(rows.length, n);
    // failureReason 2 is promptfoo's "error" (a call or config failed), as opposed to 1, a failed assertion.
    assert.deepEqual(rows.filter((r) => r.failureReason === 2).map((r) => r.error), []);
    if (process.env.DLPO_PROMPTFOO_DEBUG) console.log(JSON.stringify(rows.map((r) => [r.testCase.description, r.success, r.score, r.failureReason, r.error])));
    const promptfooVerdicts = Object.fromEntries(rows.map((r) => [r.testCase.description, r.success]));
    const evalVerdicts = Object.fromEntries(Object.keys(promptfooVerdicts).map((id) => [id, !failedInEval.has(id)]));
    assert.deepEqual(promptfooVerdicts, evalVerdicts);
    // A failed test's partial credit is promptfoo's weighted score.
    for (const f of evaluation.failures) {
      const row = rows.find((r) => r.testCase.description === f.id)!;
      assert.ok(Math.abs(row.score - f.score) < 1e-9, `${f.id}: promptfoo score ${row.score}, dlpo ${f.score}`);
    }
    // promptfoo sent exactly what dlpo eval sent.
    assert.deepEqual(forwardCalls().sort(), evalMessages);
    // Some pass and some fail, so the comparison says something.
    const passed = Object.values(promptfooVerdicts).filter(Boolean).length;
    assert.ok(passed >= 1 && passed < n, `passed ${passed}/${n}`);
  }

  // What each kind of prompt sends for the France test, written by hand from how each format runs.
  const FRANCE = 'What is the capital of France?';
  for (const [label, file, france] of [
    ['a plain prompt (system message + the input)', 'plain.md', [{ role: 'system', content: PLAIN.trim() }, { role: 'user', content: FRANCE }]],
    ['a Copilot ${input:question} prompt', 'capital.prompt.md', [{ role: 'user', content: `You are a geography expert.\n\nQuestion: ${FRANCE}\n\nReply with the capital city only.` }]],
    ['a Prompty {{inputs.question}} prompt', 'capital.prompty', [{ role: 'system', content: 'You are a geography expert. Reply with the capital city only.' }, { role: 'user', content: FRANCE }]],
  ] as const) {
    it(`${label}: promptfoo passes and fails the same tests and sends the same messages`, () => compare(file, 'promptfooconfig.yaml', 11, france));
  }

  it('a dataset with the numeric metric: the format instruction is in the user message in both, and the JavaScript check agrees', () =>
    compare('plain.md', 'numbers.jsonl', 4, [
      { role: 'system', content: PLAIN.trim() },
      { role: 'user', content: `How many legs have 2 cats?\n\n${NUMERIC_INSTRUCTION}` },
    ]));
});
