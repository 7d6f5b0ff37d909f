import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadTask } from '../../core/data/loadTask';
import { taskForPrompt } from '../../core/data/taskForPrompt';
import type { Example } from '../../core/data/example';
import { createRunModels } from '../../core/llm/runModels';
import { evaluatePrompt as scorePrompt, type PromptEvaluation } from '../../core/metrics/evaluatePrompt';
import { loadPromptFile } from '../../core/run/promptFile';
import { answerKeyFromExamples } from '../../core/simulator/answerKey';
import { isSimulatorModel, type SimulatorModel } from '../../core/simulator/simulatorModel';
import { formatIssues, mergeRunConfig, modelsConfigured } from '../config/settingsToRunConfig';
import { configLayersFor, fileValue, resolveDataSource } from '../config/workspaceConfig';
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
/** Resolves to the evaluation (also for tests), or undefined when cancelled or it failed. */
export async function evaluatePrompt(services: Services, arg?: unknown): Promise<PromptEvaluation | undefined> {
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
  const { source: absoluteSource, folder } = resolveDataSource(source, typeof fileSource === 'string', base, uri);
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

  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `DLPO: evaluating ${name}`, cancellable: true }, async (progress, token): Promise<PromptEvaluation | undefined> => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      const resolved = await resolveRunModels(config, services.secrets);
      const models = createRunModels(config, { ...resolved, cwd: folder });
      const prompt = loadPromptFile(file, config.region);
      // Scored as the file runs: the whole file rendered per example, as `dlpo eval` does.
      const task = taskForPrompt(await loadTask(config.data, { metric: config.metric, seed: config.seed, cwd: folder, judgeModel: models.backward }), prompt.document, file);
      const simulator = isSimulatorModel(models.forward.base);
      if (simulator) (models.forward.base as SimulatorModel).setAnswerKey(answerKeyFromExamples([...task.train, ...task.val, ...task.test]));
      const split = task.test.length ? 'test' : 'val';
      const examples: Example[] = split === 'test' ? task.test : task.val;
      if (examples.length === 0) throw new Error('the dataset has no test or validation examples to score');
      const body = prompt.body;
      // The same scoring as `dlpo eval`: cut-off or filtered replies score 0 with that reason.
      const evaluation = await scorePrompt({
        promptText: body,
        task,
        examples,
        model: models.forward,
        concurrency: config.maxConcurrency,
        maxTokens: config.forward.maxTokens,
        signal: abort.signal,
        onResult: (r, done) => {
          progress.report({ message: `${done}/${examples.length}`, increment: 100 / examples.length });
          if (r.score < 1) services.ctx.output.debug(`  evaluate ${r.id}: ${r.reason}`);
        },
      });
      const mean = evaluation.accuracy;
      const correct = evaluation.correct;
      const totals = models.meter.totals();
      const sim = simulator ? ' (offline simulator: not a real model score)' : ` · $${totals.costUsd.toFixed(2)}`;
      const text = `${name} on ${task.id === absoluteSource ? path.basename(absoluteSource) : task.id} (${split}, ${examples.length} examples, metric ${task.metric.name}): accuracy ${(mean * 100).toFixed(1)}% (${correct}/${examples.length}) · ${totals.calls} calls${sim}`;
      services.ctx.output.info(`Evaluate: ${text}`);
      void vscode.window.showInformationMessage(`DLPO: ${text}`, 'Optimize').then((c) => {
        if (c) void vscode.commands.executeCommand('dlpo.optimizePrompt', uri);
      });
      return evaluation;
    } catch (e) {
      if (abort.signal.aborted) return undefined;
      const message = e instanceof Error ? e.message : String(e);
      services.ctx.output.error(`Evaluate failed: ${message}`);
      void vscode.window.showErrorMessage(`DLPO could not evaluate ${name}: ${message}`);
      return undefined;
    } finally {
      sub.dispose();
    }
  });
}
