#!/usr/bin/env node
// Runs every benchmark of issue 12 in sequence (`npm run bench`), each printing its table
// and writing bench/results/<name>.json, then prints the tracked last lines together.
//
//   node bench/run-all.mjs [--only step-floor,engine-overhead] [--skip-build]
//
// --skip-build is passed to the extension benchmark (reuse dist/ instead of `npm run package`);
// extension-host then installs whatever dist/dlpo-prompt-optimizer.vsix is there.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const args = process.argv.slice(2);
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1].split(',') : null;

const BENCHES = [
  { name: 'step-floor', file: 'step-floor.ts', node: [] },
  { name: 'calls-per-step', file: 'calls-per-step.ts', node: [] },
  { name: 'engine-overhead', file: 'engine-overhead.ts', node: [] },
  { name: 'prompt-edits', file: 'prompt-edits.ts', node: [] },
  { name: 'extension', file: 'extension.ts', node: [], extra: args.includes('--skip-build') ? ['--skip-build'] : [] },
  // The real VS Code (code-server + Chromium from the e2e cache); uses the .vsix the
  // extension benchmark just packaged, and skips with a message when the cache is missing.
  { name: 'extension-host', file: 'extension-host.mjs', node: [] },
];
/** Per benchmark; the whole suite must stay under 10 minutes on the 2-core machine. */
const TIMEOUT_MS = 5 * 60_000;

function run(bench) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const lines = [];
    const child = spawn(process.execPath, [...bench.node, '--import', 'tsx', path.join(here, bench.file), ...(bench.extra ?? [])], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      lines.push(...d.toString('utf8').split('\n'));
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = lines.map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
      resolve({ name: bench.name, code, signal, seconds: (Date.now() - t0) / 1000, last });
    });
  });
}

const t0 = Date.now();
console.log(`npm run bench — ${new Date().toISOString()} — ${os.cpus()[0]?.model.trim()} ×${os.cpus().length}, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
const results = [];
for (const bench of BENCHES) {
  if (only && !only.includes(bench.name)) continue;
  console.log(`\n=== ${bench.name} ${'='.repeat(Math.max(0, 60 - bench.name.length))}`);
  results.push(await run(bench));
}
console.log(`\n=== summary (${((Date.now() - t0) / 1000).toFixed(0)} s) ${'='.repeat(40)}`);
for (const r of results) {
  const status = r.code === 0 ? 'ok' : `FAILED (${r.signal ?? `exit ${r.code}`})`;
  console.log(`${r.name.padEnd(16)} ${status.padEnd(12)} ${r.seconds.toFixed(0).padStart(4)} s   ${r.last}`);
}
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
