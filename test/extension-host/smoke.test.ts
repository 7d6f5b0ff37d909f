// Basic facts about the extension as VS Code loads it: the copy under test is the one
// we meant (the installed .vsix, or the development folder), it activates, and every
// command it contributes is registered once it is active.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, testEnv } from './testEnv';

interface ContributedCommand { command: string; title: string; category?: string }

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not among the loaded extensions`);
  return ext;
}

describe('extension smoke (real extension host)', () => {
  it('runs inside a real VS Code with the full API', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    assert.equal(typeof vscode.window.createWebviewPanel, 'function');
  });

  it('is loaded from the expected copy (installed .vsix or development folder)', () => {
    const ext = extension();
    const env = testEnv();
    if (env.expectExtensionUnder) {
      const under = path.resolve(env.expectExtensionUnder) + path.sep;
      assert.ok(
        (path.resolve(ext.extensionPath) + path.sep).startsWith(under),
        `loaded from ${ext.extensionPath}, expected a folder under ${env.expectExtensionUnder}`,
      );
    }
    if (env.expectVersion) assert.equal(ext.packageJSON.version, env.expectVersion);
    const main = ext.packageJSON.main as string | undefined;
    assert.ok(main, 'package.json has no "main"');
    assert.ok(
      fs.existsSync(path.join(ext.extensionPath, main.endsWith('.js') ? main : main + '.js')),
      `the bundle ${main} is missing from ${ext.extensionPath}`,
    );
  });

  it('activates without throwing', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('contributes the main command, DLPO: Optimize Prompt', () => {
    const commands = (extension().packageJSON.contributes?.commands ?? []) as ContributedCommand[];
    const optimize = commands.find((c) => c.command === 'dlpo.optimizePrompt');
    assert.ok(optimize, `dlpo.optimizePrompt is not contributed; contributed: ${commands.map((c) => c.command).join(', ') || '(none)'}`);
  });

  it('registers every command it contributes once active', async () => {
    const ext = extension();
    await ext.activate();
    const contributed = ((ext.packageJSON.contributes?.commands ?? []) as ContributedCommand[]).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });
});
