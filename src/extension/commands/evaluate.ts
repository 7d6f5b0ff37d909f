import * as path from 'node:path';
import * as vscode from 'vscode';
import { findBenchmark } from '../../core/data/benchmarks';
import { loadTask } from '../../core/data/loadTask';
import type { Example } from '../../core/data/example';
import { createRunModels } from '../../core/llm/runModels';
import { loadPromptFile } from '../../core/run/promptFile';
import { answerKeyFromExamples } from '../../core/simulator/answerKey';
import { isSimulatorModel, type SimulatorModel } from '../../core/simulator/simulatorModel';
import { formatIssues, mergeRunConfig, modelsConfigured } from '../config/settingsToRunConfig';
import { configLayersFor, fileValue } from '../config/workspaceConfig';
import { resolveRunModels } from '../providers/resolveModels';
import { documentFor, ensureSaved, requireTrust } from './optimize';
import { pickDataset } from './pickers';
import { selectModels } from './models';
import type { Services } from './services';

/**
 * Evaluate: scores the prompt as it is on the dataset's test split (validation when the
 * data has no test split) with the forward model and the dataset's metric, and reports
 * the accuracy. Nothing is written and the prompt is not changed. It reuses the core's
 * task loading and model stack (budget, cache, meter) the runs use.
 */
export async function evaluatePrompt(services: Services, arg?: unknown): Promise<void> {
  const uri = documentFor(arg);
  if (!uri) return;
  if (!(await requireTrust()) || !(await ensureSaved(uri))) return;
  const file = uri.fsPath;
  const name = path.basename(file);
  let base = configLayersFor(uri);
  const last = services.state.lastChoices(file);
  const fileSource = fileValue(base.layers, 'data', 'source');
  const source = typeof fileSource === 'string' ? fileSource : await pickDataset(last.dataSource, uri);
  if (!source) return;
  if (!modelsConfigured(base.layers)) {
    if (!(await selectModels(services, uri))) return;
    base = configLayersFor(uri);
  }
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(file);
  const absoluteSource = findBenchmark(source) ? source : path.resolve(folder, source);
  const metric = last.dataSource === source ? last.metric : undefined;
  const merged = mergeRunConfig([
    ...base.layers,
    { name: 'choices', values: { promptFile: file, data: { source: absoluteSource }, ...(metric ? { metric } : {}), cache: { dir: services.locations.cacheDir(uri) } } },
  ]);
  if (!merged.ok) {
    void vscode.window.showErrorMessage(`DLPO configuration problem:\n${formatIssues(merged.issues)}`);
    return;
  }
  const config = merged.config;
  await services.state.updateLastChoices(file, { dataSource: source });

  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `DLPO: evaluating ${name}`, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      const resolved = await resolveRunModels(config, services.secrets);
      const models = createRunModels(config, { ...resolved, cwd: folder });
      const task = await loadTask(config.data, { metric: config.metric, seed: config.seed, cwd: folder, judgeModel: models.backward });
      const simulator = isSimulatorModel(models.forward.base);
      if (simulator) (models.forward.base as SimulatorModel).setAnswerKey(answerKeyFromExamples([...task.train, ...task.val, ...task.test]));
      const split = task.test.length ? 'test' : 'val';
      const examples: Example[] = split === 'test' ? task.test : task.val;
      if (examples.length === 0) throw new Error('the dataset has no test or validation examples to score');
      const body = loadPromptFile(file, config.region).body;
      let doneCount = 0;
      const scores = await Promise.all(
        examples.map(async (ex) => {
          const reply = await models.forward.complete(
            { messages: task.forwardMessages(body, ex, { includeFormatInstruction: true }), temperature: config.forward.temperature },
            { signal: abort.signal, purpose: 'evaluate' },
          );
          const r = await task.metric.score(reply.text, ex, { signal: abort.signal });
          doneCount++;
          progress.report({ message: `${doneCount}/${examples.length}`, increment: 100 / examples.length });
          if (r.score < 1) services.ctx.output.debug(`  evaluate ${ex.id}: ${r.reason}`);
          return r.score;
        }),
      );
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      const correct = scores.filter((s) => s >= 1).length;
      const totals = models.meter.totals();
      const sim = simulator ? ' (offline simulator: not a real model score)' : ` · $${totals.costUsd.toFixed(2)}`;
      const text = `${name} on ${task.id === absoluteSource ? path.basename(absoluteSource) : task.id} (${split}, ${examples.length} examples, metric ${task.metric.name}): accuracy ${(mean * 100).toFixed(1)}% (${correct}/${examples.length}) · ${totals.calls} calls${sim}`;
      services.ctx.output.info(`Evaluate: ${text}`);
      void vscode.window.showInformationMessage(`DLPO: ${text}`, 'Optimize').then((c) => {
        if (c) void vscode.commands.executeCommand('dlpo.optimizePrompt', uri);
      });
    } catch (e) {
      if (abort.signal.aborted) return;
      const message = e instanceof Error ? e.message : String(e);
      services.ctx.output.error(`Evaluate failed: ${message}`);
      void vscode.window.showErrorMessage(`DLPO could not evaluate ${name}: ${message}`);
    } finally {
      sub.dispose();
    }
  });
}
