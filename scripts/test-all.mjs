#!/usr/bin/env node
// `npm test`: every test phase in order, each phase's time, and a non-zero exit if any
// phase failed. Later phases still run after a failure so one report shows everything.
//   1. typecheck    tsc --noEmit (strict)
//   2. unit         mocha test/unit
//   3. integration  mocha test/integration (loopback HTTP servers, the CLI)
//   4. e2e          test/e2e/run.mjs, when it exists (a real VS Code; see docs)
// Set DLPO_SKIP_E2E=1 to stop after integration.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const phases = [
  { name: 'typecheck', cmd: bin('tsc'), args: ['-p', 'tsconfig.json', '--noEmit'] },
  { name: 'unit', cmd: bin('mocha'), args: ['--config', '.mocharc.unit.json'] },
  { name: 'integration', cmd: bin('mocha'), args: ['--config', '.mocharc.integration.json'] },
];
const e2e = path.join(root, 'test', 'e2e', 'run.mjs');
if (fs.existsSync(e2e) && !process.env.DLPO_SKIP_E2E) phases.push({ name: 'e2e', cmd: process.execPath, args: [e2e] });

/** Runs a command with its output passed through live and kept for counting. */
function runTee(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['inherit', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { process.stdout.write(d); output += d; });
    child.stderr.on('data', (d) => { process.stderr.write(d); output += d; });
    child.on('close', (status, signal) => resolve({ status, signal, output }));
    child.on('error', (err) => resolve({ status: 1, signal: null, output: String(err) }));
  });
}

const results = [];
const totals = { passed: 0, failed: 0, pending: 0 };
/** Adds mocha's `N passing / N failing / N pending` (and the e2e driver's lines, same form). */
function countTests(output) {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  for (const [, n, kind] of plain.matchAll(/^\s*(\d+) (passing|failing|pending)\b/gm)) {
    totals[kind === 'passing' ? 'passed' : kind === 'failing' ? 'failed' : 'pending'] += Number(n);
  }
}
for (const phase of phases) {
  console.log(`\n=== ${phase.name} ===`);
  const t0 = Date.now();
  // Output is streamed through and also scanned for the runners' counts, so the last
  // line can be the plain `N passed, N failed` summary that CI log readers understand.
  const r = await runTee(phase.cmd, phase.args);
  countTests(r.output);
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  const ok = r.status === 0;
  results.push({ name: phase.name, ok, seconds, status: r.status ?? r.signal });
  console.log(`=== ${phase.name}: ${ok ? 'passed' : `FAILED (exit ${r.status ?? r.signal})`} in ${seconds} s ===`);
}

console.log('\nSummary:');
for (const r of results) console.log(`  ${r.ok ? 'ok    ' : 'FAILED'}  ${r.name.padEnd(12)} ${r.seconds} s`);
const failed = results.filter((r) => !r.ok);
console.log(failed.length ? `\n${failed.length} phase(s) failed: ${failed.map((r) => r.name).join(', ')}` : '\nAll phases passed.');
// A phase that failed without a failing test (a crash, a type error) still counts as a failure.
const failedCount = totals.failed + failed.filter((r) => r.name === 'typecheck').length;
console.log(`\n${totals.passed} passed, ${failedCount} failed${totals.pending ? `, ${totals.pending} skipped` : ''}`);
process.exit(failed.length ? 1 : 0);
