import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunConfigSchema } from '../../core/config/runConfig';
import type { RunEventOf } from '../../core/run/events';
import { loadTask } from '../../core/data/loadTask';
import { taskForPrompt } from '../../core/data/taskForPrompt';
import { loadPromptFile } from '../../core/run/promptFile';
import { buildPromptfooConfig, exportTests } from '../export/promptfooConfig';
import { resolveSession } from './runCommands';
import type { Services } from './services';

/**
 * Export to promptfoo: the run's best prompt, its forward model and its test examples
 * (validation when there is no test split) as a `promptfooconfig.yaml`, so CI can keep
 * gating the prompt with `npx promptfoo eval`.
 */
export async function exportPromptfoo(services: Services, arg?: unknown): Promise<void> {
  const session = await resolveSession(services, arg);
  if (!session) return;
  const done = [...session.events].reverse().find((e): e is RunEventOf<'done'> => e.type === 'done');
  const start = session.events.find((e): e is RunEventOf<'run-start'> => e.type === 'run-start');
  const prompt = done?.bestPrompt ?? start?.prompt;
  if (!prompt) {
    void vscode.window.showWarningMessage('This run has no prompt to export yet.');
    return;
  }
  try {
    const config = RunConfigSchema.parse(JSON.parse(fs.readFileSync(path.join(session.runDir, 'config.json'), 'utf8')));
    const folder = vscode.workspace.getWorkspaceFolder(session.documentUri)?.uri.fsPath ?? path.dirname(session.documentUri.fsPath);
    // The messages each test sends are the ones `dlpo eval` sends: the whole file rendered per example.
    const file = session.documentUri.fsPath;
    const task = taskForPrompt(await loadTask(config.data, { metric: config.metric, seed: config.seed, cwd: folder }), loadPromptFile(file, config.region).document, file);
    const examples = task.test.length ? task.test : task.val;
    const result = buildPromptfooConfig({
      prompt,
      tests: exportTests(task, prompt, examples, { includeFormatInstruction: true }),
      model: config.forward,
      judge: config.backward,
      metric: config.metric ?? task.metric.name,
      description: `DLPO-optimized ${path.basename(file)} (run ${session.runId}, ${done ? `best step ${done.bestStep}` : 'starting prompt'}) on ${task.id === config.data.source ? path.basename(config.data.source) : task.id}`,
    });
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(folder, 'promptfooconfig.yaml')),
      filters: { YAML: ['yaml', 'yml'] },
      title: 'DLPO: save the promptfoo config',
    });
    if (!target) return;
    await fs.promises.writeFile(target.fsPath, result.yaml, 'utf8');
    services.ctx.output.info(`Exported run ${session.runId} to ${target.fsPath} (${examples.length} tests).`);
    await vscode.window.showTextDocument(target);
    for (const w of result.warnings) void vscode.window.showWarningMessage(`promptfoo export: ${w}`);
  } catch (e) {
    void vscode.window.showErrorMessage(`DLPO could not export the run to promptfoo: ${(e as Error).message}`);
  }
}
