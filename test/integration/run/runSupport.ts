import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requestKindOf } from '../../../src/core/dlpo/markers';
import type { ChatMessage } from '../../../src/core/llm/chatModel';
import type { RunEvent } from '../../../src/core/run/events';
import { readJournal } from '../../../src/core/run/journal';
import { answerBackward } from '../../../src/core/simulator/backwardSimulator';
import { analyzePrompt } from '../../../src/core/simulator/promptFeatures';
import { answerFromGold, startLoopbackServer, type LoopbackServer, type ScriptFn } from '../../support/loopbackServer';

/**
 * Shared by the `dlpo run` integration tests: the CLI bundled the way `node esbuild.mjs`
 * bundles it (into a private temp folder, so concurrent builds of dist/ by others cannot
 * swap the program under a test), a loopback OpenAI-compatible server with real
 * dynamics, and journal helpers.
 */

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'run');

let cliLauncher: string | undefined;

/** `node <launcher> …` runs the bundled CLI exactly like bin/dlpo.js runs dist/cli.js. */
export async function buildCli(): Promise<string> {
  if (cliLauncher) return cliLauncher;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-cli-'));
  process.once('exit', () => fs.rmSync(out, { recursive: true, force: true }));
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src', 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: path.join(out, 'cli.js'),
    logLevel: 'silent',
  });
  fs.writeFileSync(path.join(out, 'launcher.js'), "require('./cli.js').runCli();\n");
  cliLauncher = path.join(out, 'launcher.js');
  return cliLauncher;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(args: string[], opts: { cwd: string; env?: Record<string, string> }): { child: ChildProcess; done: Promise<CliResult> } {
  if (!cliLauncher) throw new Error('call buildCli() first');
  const child = spawn(process.execPath, [cliLauncher, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: opts.cwd, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export async function runCli(args: string[], opts: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult> {
  const { child, done } = spawnCli(args, opts);
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
  }
}

export interface DatasetItem {
  question: string;
  answer: string;
}

export function readDataset(file = path.join(FIXTURES, 'gsm8k-sample.jsonl')): DatasetItem[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as DatasetItem);
}

/**
 * The loopback server's behaviour: forward calls answered from the dataset's gold,
 * wrong for a deterministic fraction that shrinks as the system prompt gains the
 * features the simulator rewards (so optimization has something to find); backward calls
 * (critique, feedback, summary, update) answered in kind by the simulator's backward
 * behaviour, over real HTTP.
 */
export function dlpoScript(items: DatasetItem[], seed = 5, delayMs = 0): ScriptFn {
  const forward = answerFromGold({
    items: items.map((i) => ({ input: i.question, gold: i.answer })),
    wrongFraction: (system) => 1 - analyzePrompt(system).quality,
  });
  return async (req) => {
    const kind = requestKindOf(req.chat.system || undefined);
    if (kind) {
      const text = answerBackward(kind, req.chat.messages as ChatMessage[], seed);
      return { type: 'text', text, delayMs };
    }
    const r = await forward(req);
    return delayMs && r.type === 'text' ? { ...r, delayMs } : r;
  };
}

export async function startDlpoServer(delayMs = 0): Promise<LoopbackServer> {
  return startLoopbackServer({ script: dlpoScript(readDataset(), 5, delayMs) });
}

/** A scratch workspace holding copies of the fixture prompt and dataset. */
export function makeWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-run-it-'));
  for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  return dir;
}

export function httpArgs(server: LoopbackServer, keyEnv = 'DLPO_TEST_KEY'): string[] {
  return ['--provider', 'openai-compatible', '--base-url', server.baseUrl, '--model', 'test-model', '--api-key-env', keyEnv];
}

export function eventsOf(runDir: string): RunEvent[] {
  return readJournal(path.join(runDir, 'events.jsonl')).events;
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Polls `predicate` every 20 ms until it holds; rejects after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
