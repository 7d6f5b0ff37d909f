#!/usr/bin/env node
// Bundles the extension-host tests for a real VS Code:
//   test/extension-host/index.ts     -> out/extension-host/index.js   (the mocha runner, `run()`)
//   test/extension-host/*.test.ts    -> out/extension-host/*.test.js  (one bundle per test file)
// `vscode` stays external (the extension host provides it) and so does `mocha` (the
// runner loads a real mocha package from disk). Each test bundle carries its own copy
// of whatever it imports from src/: tests that need the *installed* extension's state
// should reach it through commands or the extension's exports, not through imports.
//
// Usage: node scripts/build-tests.mjs [--outdir DIR]
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = path.join(root, 'test', 'extension-host');
const argOut = process.argv.indexOf('--outdir');
const outdir = path.resolve(argOut > 0 ? process.argv[argOut + 1] : path.join(root, 'out', 'extension-host'));

const t0 = Date.now();
const tests = fs.readdirSync(srcDir).filter((f) => f.endsWith('.test.ts')).sort();
const entryPoints = [path.join(srcDir, 'index.ts'), ...tests.map((f) => path.join(srcDir, f))];

// Start clean so a deleted test file does not keep running from a stale bundle.
fs.rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
  // The runner requires mocha through a computed path on purpose.
  logOverride: { 'unsupported-require-call': 'silent' },
});
console.log(`build-tests: ${tests.length} extension-host test file(s) + runner -> ${path.relative(root, outdir) || outdir} (${Date.now() - t0} ms)`);
