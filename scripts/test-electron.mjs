#!/usr/bin/env node
// The extension-host suites (test/extension-host/*.test.ts) under a downloaded desktop
// VS Code, through @vscode/test-electron: the second host of "one suite, two hosts".
// The first host is code-server here (test/e2e/run.mjs), because this machine cannot
// download VS Code; wherever it can, this runs the very same compiled runner and tests:
//
//   npm run build && node scripts/test-electron.mjs [--version 1.100.3]
//
// The extension is loaded from this folder (extensionDevelopmentPath), the tests from
// out/extension-host (scripts/build-tests.mjs), on a fresh copy of the e2e sample
// workspace. Exit code: mocha's (0 all passed).
import { runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const versionArg = process.argv.indexOf('--version');
const version = versionArg > 0 ? process.argv[versionArg + 1] : '1.100.3';

const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-tests.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const testsDir = path.join(root, 'out', 'extension-host');
fs.writeFileSync(
  path.join(testsDir, 'runner-config.json'),
  JSON.stringify({ mode: 'dev', expectExtensionUnder: root, report: path.join(testsDir, 'report.json') }, null, 2),
);

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-electron-ws-'));
fs.cpSync(path.join(root, 'test', 'e2e', 'fixtures', 'workspace'), workspace, { recursive: true });
try {
  const code = await runTests({
    version,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(testsDir, 'index.js'),
    launchArgs: [workspace, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
  process.exitCode = code;
} catch (error) {
  console.error(`test-electron: ${error instanceof Error ? error.message : String(error)}`);
  console.error('(A VS Code download is needed; on a machine without one, run `npm run test:e2e`, which runs the same suites in code-server.)');
  process.exitCode = 1;
} finally {
  fs.rmSync(workspace, { recursive: true, force: true });
}
