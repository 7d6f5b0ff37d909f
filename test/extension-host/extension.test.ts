// The extension shell inside the real extension host: commands registered as declared,
// settings read with their defaults, an API key stored through SecretStorage reaching the
// endpoint and absent from every file the run writes, and a run against the loopback
// server cancelled through a CancellationToken.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Config } from '../../src/extension/config';
import { DEFAULT_SETTINGS } from '../../src/extension/config/settingsModel';
import type { DlpoApi } from '../../src/extension/extension';
import { answerFromGold, reply, sha256, startLoopbackServer, type LoopbackServer } from '../support/loopbackServer';
import { EXTENSION_ID } from './testEnv';
import { loadConfigFile } from '../../src/core/config/loadConfigFile';
import { mergeConfigOrThrow } from '../../src/core/config/mergeConfig';
import { loadTask } from '../../src/core/data/loadTask';
import type { PromptEvaluation } from '../../src/core/metrics/evaluatePrompt';
import { parsePromptDocument } from '../../src/core/prompt/parsePromptDocument';

interface Contributed {
  commands?: { command: string }[];
  configuration?: { properties?: Record<string, { default?: unknown }> };
}

async function api(): Promise<DlpoApi> {
  const ext = vscode.extensions.getExtension<DlpoApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

function contributes(): Contributed {
  return (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.contributes ?? {}) as Contributed;
}

function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the extension-host tests need a workspace folder');
  return folder.uri.fsPath;
}

function filesUnder(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out;
}

/** A 4/4/4 split of the fixture's GSM8K rows, one step, forward over HTTP, backward offline. */
function runConfig(server: LoopbackServer, dataFile: string) {
  return {
    data: { source: dataFile, trainSize: 4, valSize: 4, testSize: 4 },
    metric: 'numeric',
    preset: 'textgrad' as const,
    batchSize: 2,
    steps: 1,
    maxConcurrency: 2,
    requestTimeoutSec: 30,
    forward: { provider: 'openai-compatible' as const, model: 'test-model', baseUrl: server.baseUrl },
    backward: { provider: 'simulator' as const, model: 'simulator' },
    budget: { maxCalls: 500 },
  };
}

function goldItems(dataFile: string) {
  return fs
    .readFileSync(dataFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { question: string; answer: string })
    .map((r) => ({ input: r.question, gold: r.answer.split('####').pop()!.trim() }));
}

describe('extension shell (real extension host)', function () {
  this.timeout(60_000);
  const created: string[] = [];
  let promptFile = '';
  let dataFile = '';

  before(async () => {
    await api();
    const ws = workspaceDir();
    // A prompt and data of our own, so the test does not depend on the fixture's files.
    const dir = fs.mkdtempSync(path.join(ws, 'ext-test-'));
    created.push(dir);
    promptFile = path.join(dir, 'shell.prompt.md');
    fs.writeFileSync(promptFile, '---\ndescription: test\n---\nSolve the problem. Think step by step.\n');
    dataFile = path.join(dir, 'rows.jsonl');
    const rows = Array.from({ length: 12 }, (_, i) => JSON.stringify({ question: `What is ${i + 2} plus ${i + 3}? (case ${i})`, answer: `#### ${2 * i + 5}` }));
    fs.writeFileSync(dataFile, `${rows.join('\n')}\n`);
  });

  after(async () => {
    await vscode.commands.executeCommand('dlpo.clearApiKey', { provider: 'openai-compatible' });
    for (const d of created) fs.rmSync(d, { recursive: true, force: true });
  });

  it('registers every command package.json contributes', async () => {
    const declared = (contributes().commands ?? []).map((c) => c.command);
    assert.ok(declared.length >= 15, `only ${declared.length} commands declared`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(declared.filter((c) => !registered.has(c)), []);
  });

  it('reads every setting with the default package.json declares', () => {
    const props = contributes().configuration?.properties ?? {};
    const keys = Object.keys(props).filter((k) => k.startsWith('dlpo.'));
    assert.ok(keys.length >= 30, `only ${keys.length} settings declared`);
    const root = vscode.workspace.getConfiguration();
    for (const key of keys) assert.deepEqual(root.inspect(key)?.defaultValue, props[key].default, key);
    // The typed getters turn those defaults into the values the merge expects.
    const snap = new Config().snapshot();
    const defined = Object.fromEntries(Object.entries(snap).filter(([, v]) => v !== undefined));
    const budget = Object.fromEntries(Object.entries(snap.budget).filter(([, v]) => v !== undefined));
    assert.deepEqual({ ...defined, budget }, DEFAULT_SETTINGS);
  });

  it('stores a key in SecretStorage, sends it to the endpoint, and writes it nowhere', async () => {
    const key = `sk-test-${Date.now().toString(36)}-secretvalue`;
    const server = await startLoopbackServer({
      script: answerFromGold({ items: goldItems(dataFile), wrongFraction: 0.5 }),
    });
    try {
      await vscode.commands.executeCommand('dlpo.setApiKey', { provider: 'openai-compatible', key });
      const dlpo = await api();
      const result = await dlpo.startRun({ documentUri: vscode.Uri.file(promptFile), config: runConfig(server, dataFile) });
      assert.ok(result, 'the run did not start');
      assert.equal(result.done.stoppedBy, 'completed', result.done.message);
      const chats = server.chatRequests();
      assert.ok(chats.length > 0, 'no request reached the loopback server');
      assert.ok(chats.every((r) => r.auth.present && r.auth.sha256 === sha256(key)), 'a request went without the stored key');
      created.push(result.runDir);
      const written = [...filesUnder(result.runDir), ...filesUnder(path.join(workspaceDir(), '.dlpo', 'cache'))];
      assert.ok(written.some((f) => f.endsWith('events.jsonl')) && written.some((f) => f.endsWith('config.json')), written.join('\n'));
      for (const f of written) assert.ok(!fs.readFileSync(f, 'utf8').includes(key), `the key appears in ${f}`);
      const settingsFile = path.join(workspaceDir(), '.vscode', 'settings.json');
      if (fs.existsSync(settingsFile)) assert.ok(!fs.readFileSync(settingsFile, 'utf8').includes(key));
      // The session replays what happened.
      const session = dlpo.runs.get(result.runId);
      assert.ok(session);
      assert.equal(session.status, 'done');
      assert.equal(session.events[session.events.length - 1].type, 'done');
    } finally {
      await server.close();
    }
  });

  it('cancels a run whose request hangs through the CancellationToken', async () => {
    const server = await startLoopbackServer({ script: () => reply.hang() });
    const cts = new vscode.CancellationTokenSource();
    try {
      await vscode.commands.executeCommand('dlpo.setApiKey', { provider: 'openai-compatible', key: 'sk-hang-test-key' });
      const dlpo = await api();
      const running = dlpo.startRun(
        { documentUri: vscode.Uri.file(promptFile), config: { ...runConfig(server, dataFile), cache: { enabled: false } } },
        cts.token,
      );
      await server.waitForRequests(1, 20_000);
      cts.cancel();
      const result = await running;
      assert.ok(result, 'the run should have started');
      created.push(result.runDir);
      assert.equal(result.done.stoppedBy, 'cancelled');
      const first = await server.waitForEnd(0, 5_000);
      assert.equal(first.clientDisconnected, true, 'the hanging request was not aborted');
      assert.equal(dlpo.runs.get(result.runId)?.status, 'stopped');
      assert.ok(fs.existsSync(path.join(result.runDir, 'events.jsonl')));
    } finally {
      cts.dispose();
      await server.close();
    }
  });

  it('Create Sample Workspace writes a prompt, real GSM8K rows and a simulator config that a run accepts; Evaluate scores it', async function () {
    this.timeout(30_000);
    const folder = path.join(workspaceDir(), `.dlpo-sample-test-${Date.now()}`);
    try {
      const written = await vscode.commands.executeCommand<string | undefined>('dlpo.createSampleWorkspace', { folder, open: false });
      assert.equal(written, folder);
      const prompt = parsePromptDocument(fs.readFileSync(path.join(folder, 'math.prompt.md'), 'utf8'), 'math.prompt.md');
      assert.ok(prompt.body.trim().length > 0, 'the sample prompt has a body to optimize');
      const rows = fs.readFileSync(path.join(folder, 'gsm8k-sample.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
      assert.equal(rows.length, 40);
      for (const r of rows) assert.match(r.answer, /####\s*-?[\d,.]+\s*$/, 'each row is a real GSM8K row with its #### answer');
      const config = mergeConfigOrThrow([
        loadConfigFile(path.join(folder, 'dlpo.config.yaml')),
        { source: 'test', values: { promptFile: path.join(folder, 'math.prompt.md') } },
      ]);
      assert.equal(config.forward.provider, 'simulator');
      assert.equal(config.backward.provider, 'simulator');
      const task = await loadTask(config.data, { seed: config.seed, cwd: folder, metric: config.metric });
      assert.ok(task.train.length > 0 && task.val.length > 0, 'the sample data splits into train and validation');
      // Evaluate scores the prompt as it is with the configured (simulator) model and writes nothing to it.
      const promptPath = path.join(folder, 'math.prompt.md');
      const before = fs.readFileSync(promptPath);
      const evaluation = await vscode.commands.executeCommand<PromptEvaluation | undefined>('dlpo.evaluatePrompt', vscode.Uri.file(promptPath));
      assert.ok(evaluation, 'Evaluate returned no result');
      assert.equal(evaluation.n, task.test.length || task.val.length);
      assert.equal(evaluation.results.length, evaluation.n);
      assert.equal(evaluation.correct, evaluation.results.filter((r) => r.score >= 1).length);
      assert.ok(Math.abs(evaluation.accuracy - evaluation.results.reduce((a, r) => a + r.score, 0) / evaluation.n) < 1e-9);
      assert.ok(evaluation.results.every((r) => r.reason.length > 0));
      assert.deepEqual(fs.readFileSync(promptPath), before);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

