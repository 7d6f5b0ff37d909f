// A tiny companion extension installed next to the DLPO .vsix in the UI journey. It does
// nothing to the product: it only watches for the DLPO extension to become active (by
// its own activation events) and writes a marker file, so the driver knows the commands
// are registered before it touches the palette. The marker directory comes from the
// DLPO_E2E_MARKER_DIR environment variable of the code-server process, which the
// extension host inherits.
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './env.mjs';
import { sh, writeFile } from './util.mjs';

export const PROBE_ID = 'dlpo-e2e.dlpo-e2e-probe';

export function buildProbeVsix(dir, extensionId) {
  fs.rmSync(dir, { recursive: true, force: true });
  writeFile(path.join(dir, 'package.json'), {
    name: 'dlpo-e2e-probe', publisher: 'dlpo-e2e', version: '0.0.1', license: 'MIT',
    description: 'e2e test probe: writes a marker when the DLPO extension is active.',
    engines: { vscode: '^1.100.0' }, main: './extension.js', activationEvents: ['*'],
  });
  writeFile(path.join(dir, 'README.md'), '# dlpo-e2e-probe\nTest-only companion of the DLPO e2e suite.\n');
  writeFile(path.join(dir, 'LICENSE'), 'MIT\n');
  writeFile(path.join(dir, 'extension.js'), `
const vscode = require('vscode');
const fs = require('fs');
const path = require('path');
const ID = ${JSON.stringify(extensionId)};
exports.activate = function (context) {
  const dir = process.env.DLPO_E2E_MARKER_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'probe-started.json'), JSON.stringify({ pid: process.pid, at: Date.now() }));
  const started = Date.now();
  const timer = setInterval(async () => {
    const ext = vscode.extensions.getExtension(ID);
    if (ext && ext.isActive) {
      clearInterval(timer);
      const commands = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('dlpo.'));
      fs.writeFileSync(path.join(dir, 'activated.json'), JSON.stringify({ at: Date.now(), extensionPath: ext.extensionPath, commands }));
    } else if (Date.now() - started > 600000) {
      clearInterval(timer);
    }
  }, 100);
  context.subscriptions.push({ dispose: () => clearInterval(timer) });
};
exports.deactivate = function () {};
`);
  const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const out = path.join(path.dirname(dir), 'dlpo-e2e-probe.vsix');
  sh(process.execPath, [vsce, 'package', '--allow-missing-repository', '--skip-license', '-o', out], { cwd: dir });
  return out;
}
