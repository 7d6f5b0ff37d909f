// The experiment commands inside a real extension host: both are registered, the JSON
// schema for dlpo.experiment.json ships with the package, and Open Experiment on a
// folder made by the core experiment runner (offline simulator) opens one experiment
// panel titled after it — a singleton per folder. What the page shows is checked by the
// UI journey (test/e2e/lib/journey.mjs) and the happy-dom tests of the webview.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExperimentSpecSchema } from '../../src/core/experiment/experimentSpec';
import { runExperiment } from '../../src/core/experiment/runExperiment';
import { sleep } from './hostTools';
import { EXTENSION_ID } from './testEnv';


function experimentTabs(name: string): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === `DLPO experiment: ${name}`);
}

describe('experiments (real extension host)', function () {
  this.timeout(60_000);
  let ws: string;

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-exp-host-'));
    fs.writeFileSync(path.join(ws, 'p.prompt.md'), 'You solve math word problems. Think step by step.\n');
    const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({ question: `What is ${i} + ${i + 1}?`, answer: String(2 * i + 1) }));
    fs.writeFileSync(path.join(ws, 'data.jsonl'), `${lines.join('\n')}\n`);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('registers Run, Open and Resume Experiment, and ships the experiment schema', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    assert.ok(commands.has('dlpo.runExperiment'));
    assert.ok(commands.has('dlpo.openExperiment'));
    assert.ok(commands.has('dlpo.resumeExperiment'));
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const validation = (ext.packageJSON.contributes.jsonValidation as { fileMatch: string[]; url: string }[]).find((j) => j.fileMatch.includes('dlpo.experiment.json'));
    assert.ok(validation);
    assert.ok(fs.existsSync(path.join(ext.extensionPath, validation.url)), `${validation.url} is in the package`);
  });

  it('opens an experiment folder in one panel titled after it', async () => {
    const dir = path.join(ws, 'exp-host');
    const spec = ExperimentSpecSchema.parse({
      prompt: path.join(ws, 'p.prompt.md'),
      data: { source: path.join(ws, 'data.jsonl'), trainSize: 4, valSize: 4, testSize: 4 },
      seeds: 1,
      base: { steps: 1, batchSize: 2 },
      configs: [{ name: 'textgrad', preset: 'textgrad' }, { name: 'robust', preset: 'robust' }],
    });
    const outcome = await runExperiment({ spec, experimentDir: dir, cwd: ws });
    assert.equal(outcome.stoppedBy, 'completed');
    await vscode.commands.executeCommand('dlpo.openExperiment', { experimentDir: dir });
    for (let i = 0; i < 50 && experimentTabs('exp-host').length === 0; i++) await sleep(100);
    assert.equal(experimentTabs('exp-host').length, 1);
    await vscode.commands.executeCommand('dlpo.openExperiment', { experimentDir: dir });
    await sleep(300);
    assert.equal(experimentTabs('exp-host').length, 1, 'a second open reveals the same panel');
  });
});
