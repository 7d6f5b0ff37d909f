#!/usr/bin/env node
// `npm run demo`: optimizes a bundled GSM8K prompt on a small slice of GSM8K and shows the
// improvement and the final prompt's sentence diff.
//
// Without OPENAI_API_KEY it uses the offline simulator: a deterministic stand-in model
// (no network, no key) whose accuracy depends on features of the prompt. Its numbers show
// how the optimizer behaves, not how any real model scores, and are labelled so.
// With OPENAI_API_KEY set it runs against OpenAI (gpt-4o-mini, capped at $0.50).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(process.cwd(), p) || '.';

/** The sample prompt and data: the examples/ copies, else the test fixtures. */
function sampleFiles() {
  const examples = [path.join(root, 'examples', 'gsm8k.prompt.md'), path.join(root, 'examples', 'gsm8k-sample.jsonl')];
  if (examples.every((f) => fs.existsSync(f))) return examples;
  return [path.join(root, 'test', 'fixtures', 'run', 'gsm8k.prompt.md'), path.join(root, 'test', 'fixtures', 'run', 'gsm8k-sample.jsonl')];
}

/** How to start the CLI: the built bundle, built now if missing, else from source with tsx. */
function cliCommand() {
  const bundle = path.join(root, 'dist', 'cli.js');
  if (!fs.existsSync(bundle) && fs.existsSync(path.join(root, 'esbuild.mjs'))) {
    spawnSync(process.execPath, [path.join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
  }
  if (fs.existsSync(bundle)) return [process.execPath, ['-e', `require(${JSON.stringify(bundle)}).runCli(process.argv.slice(1))`, '--']];
  return [process.execPath, ['-r', 'tsx/cjs', path.join(root, 'src', 'cli', 'main.ts')]];
}

const [promptFile, dataFile] = sampleFiles();
const real = Boolean(process.env.OPENAI_API_KEY);
const modelArgs = real ? ['--provider', 'openai', '--model', 'gpt-4o-mini', '--max-cost', '0.50'] : ['--simulator'];
const args = ['run', promptFile, '--data', dataFile, '--preset', 'best', '--batch-size', '3', '--out', path.join(root, '.dlpo', 'runs'), '--json', ...modelArgs];

const label = real ? 'gpt-4o-mini via OpenAI' : 'OFFLINE SIMULATOR (no LLM is called; numbers show the optimizer at work, not a model)';
console.log(`DLPO demo — ${label}`);
console.log(`$ dlpo ${args.map((a) => (a.startsWith('/') ? rel(a) : a)).join(' ')}\n`);

const [cmd, pre] = cliCommand();
const child = spawn(cmd, [...pre, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
let stdout = '';
child.stdout.on('data', (d) => (stdout += d));
process.on('SIGINT', () => child.kill('SIGINT'));
const code = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
if (code !== 0 && !stdout.trim()) process.exit(code);

const result = JSON.parse(stdout.trim().split('\n').pop());
const report = JSON.parse(fs.readFileSync(path.join(result.runDir, 'report.json'), 'utf8'));
const pct = (x) => (x === null ? '   —  ' : `${(x * 100).toFixed(1).padStart(5)}%`);
const tag = report.simulator ? ' [offline simulator]' : '';

console.log(`\nScores${tag}        validation   test`);
for (const [name, s] of [
  ['start', report.scores.start],
  [`best (step ${report.bestStep})`, report.scores.best],
  ['final', report.scores.final],
]) {
  console.log(`  ${name.padEnd(18)}${pct(s.val)}     ${pct(s.test)}`);
}
const gain = report.scores.final.test !== null && report.scores.start.test !== null ? (report.scores.final.test - report.scores.start.test) * 100 : null;
if (gain !== null) console.log(`\nTest accuracy ${gain >= 0 ? 'rose' : 'fell'} by ${Math.abs(gain).toFixed(1)} points${tag}.`);
console.log(`${report.usage.calls} model calls, ${report.usage.promptTokens + report.usage.completionTokens} tokens${report.simulator ? ' (estimated; nothing was spent)' : `, $${report.usage.costUsd.toFixed(4)}`}; stopped: ${report.stopMessage}`);

console.log('\nFinal prompt, sentence by sentence against the start (+ added, − removed, ~ changed):');
if (report.finalDiff.length === 0) console.log('  (unchanged)');
for (const e of report.finalDiff) {
  if (e.op === 'add') console.log(`  + ${e.text}`);
  else if (e.op === 'delete') console.log(`  − ${e.text}`);
  else console.log(`  ~ ${e.before}\n    → ${e.after}`);
}
console.log(`\nRun folder: ${rel(result.runDir)} (report.md, events.jsonl, final.prompt.md). Your prompt file was not modified.`);
if (report.simulator) console.log('Set OPENAI_API_KEY to run the same demo against a real model.');
process.exit(code);
