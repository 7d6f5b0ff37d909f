import * as fs from 'node:fs';
import * as path from 'node:path';
import { configFileLayers } from '../../core/config/loadConfigFile';
import { ConfigError, mergeConfig, type ConfigLayer } from '../../core/config/mergeConfig';
import { applyFileModelParameters, fileModelParameters } from '../../core/config/fileModelParameters';
import type { RunConfig } from '../../core/config/runConfig';
import { isBadInputError } from '../../core/data/badInput';
import { benchmarkNames, findBenchmark } from '../../core/data/benchmarks';
import type { Example } from '../../core/data/example';
import { readTextFile } from '../../core/data/inputFile';
import { loadTask } from '../../core/data/loadTask';
import type { Task } from '../../core/data/task';
import { isLlmError } from '../../core/llm/errors';
import { createRunModels } from '../../core/llm/runModels';
import { evaluatePrompt, type ExampleResult } from '../../core/metrics/evaluatePrompt';
import { METRIC_SUMMARIES } from '../../core/metrics/registry';
import { parsePromptDocument } from '../../core/prompt/parsePromptDocument';
import { estimatedNote, formatScore } from '../../core/run/report';
import type { PromptDocument, RegionOption } from '../../core/prompt/promptDocument';
import { taskForPrompt } from '../../core/data/taskForPrompt';
import { buildPromptfooConfig, exportTests } from '../../core/promptfoo/exportConfig';
import { usesJudge } from '../../core/promptfoo/promptfooMetric';
import { usePromptfooConfigArgument } from '../promptfooPrompt';
import { answerKeyFromExamples } from '../../core/simulator/answerKey';
import { isSimulatorModel, SIMULATOR_LABEL, type SimulatorModel } from '../../core/simulator/simulatorModel';
import { numberOption, parseCommandArgs, stringOption } from '../args';
import { EXIT, UsageError, type CliCommand, type CliIO } from '../command';
import { checkFolderOption } from '../folderOption';
import { contextProblem } from '../../core/run/contextCheck';
import { explainMissingKey, keylessModels, type KeylessModel } from '../missingKey';

import { MODEL_OPTIONS_USAGE, MODEL_OPTION_SPECS, parseModelOptions, resolveApiKey } from '../modelOptions';

const EVAL_OPTION_SPECS = {
  data: { type: 'string' },
  metric: { type: 'string' },
  split: { type: 'string' },
  limit: { type: 'string' },
  'min-accuracy': { type: 'string' },
  section: { type: 'string' },
  prompt: { type: 'string' },
  seed: { type: 'string' },
  'input-field': { type: 'string' },
  'gold-field': { type: 'string' },
  'train-size': { type: 'string' },
  'val-size': { type: 'string' },
  'test-size': { type: 'string' },
  'no-format-instruction': { type: 'boolean' },
  config: { type: 'string' },
  'export-promptfoo': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `Usage: dlpo eval <prompt-file> --data <dataset> [options]

Scores a prompt on a dataset split with the forward model and prints accuracy, the
failures with the metric's reason, calls, tokens and cost. Run it before and after
optimizing, and in CI with --min-accuracy. The prompt file is only read.

Data and scoring:
  --data SOURCE            a dataset file (.jsonl, .json, .csv, .tsv, promptfoo tests .yaml)
                           or a built-in benchmark: ${benchmarkNames().join(', ')}
  --metric NAME[:ARG]      default: the benchmark's, or inferred from the gold answers
${Object.entries(METRIC_SUMMARIES)
  .map(([name, text]) => `                             ${name.padEnd(12)} ${text}`)
  .join('\n')}
  --split test|val|train|all   which examples to score (default test)
  --limit N                score only the first N examples of the split
  --min-accuracy X         exit 1 when accuracy is below X (0..1, or a percentage like 80%)
  --section NAME           the .prompty role section or heading section taken as the prompt body
                           (the whole file is sent, rendered per example, either way)
  --prompt N               score prompt N of a promptfoo multi-prompt .txt file ("---" lines),
                           or of a promptfooconfig.yaml given as the prompt file (its tests are
                           then the data unless --data is given)
  --seed N                 split seed (default 1001, as dlpo run)
  --input-field F --gold-field F   which dataset fields are input and gold (default: inferred)
  --train-size N --val-size N --test-size N   split sizes (default: the benchmark's, or
                           a third each up to 50/50 for files, test = the rest)
  --no-format-instruction  do not append the metric's answer-format instruction
  --config FILE            a dlpo.config.json|yaml (default: the one in the current folder)
  --export-promptfoo FILE  write a promptfooconfig.yaml that sends these examples exactly the
                           messages eval would send and checks what the metric checks, instead
                           of scoring (no model calls)

${MODEL_OPTIONS_USAGE}

--json prints exactly {accuracy, n, correct, failures: [...], usage} on stdout.
Exit codes: 0 ok, 1 below --min-accuracy or the model failed, 2 bad usage or input, 130 interrupted.`;

type Values = Record<string, unknown>;
type Split = 'test' | 'val' | 'train' | 'all';

function parseMinAccuracy(value: unknown): number | undefined {
  const text = stringOption(value);
  if (text === undefined) return undefined;
  const percent = text.trim().endsWith('%');
  const n = Number(percent ? text.trim().slice(0, -1) : text);
  const x = percent ? n / 100 : n;
  if (!Number.isFinite(x) || x < 0 || x > 1 || text.trim() === '') {
    throw new UsageError(`--min-accuracy must be between 0 and 1 (or 0% to 100%), got "${text}".`);
  }
  return x;
}

function parseSplit(value: unknown): Split {
  const s = stringOption(value) ?? 'test';
  if (s !== 'test' && s !== 'val' && s !== 'train' && s !== 'all') throw new UsageError(`--split must be test, val, train or all; got "${s}".`);
  return s;
}

/** The config layer given by flags: only what was set, so a config file's values survive. */
function flagLayer(values: Values, promptFile: string, cwd: string, modelConfig: Record<string, unknown>): ConfigLayer {
  const v: Record<string, unknown> = { ...modelConfig, promptFile };
  const data: Record<string, unknown> = {};
  const source = stringOption(values.data);
  if (source !== undefined) {
    // A file of that name wins over a benchmark name, as in `dlpo run`.
    const asFile = path.resolve(cwd, source);
    data.source = fs.existsSync(asFile) || !findBenchmark(source) ? asFile : source;
  }
  if (stringOption(values['input-field'])) data.inputField = stringOption(values['input-field']);
  if (stringOption(values['gold-field'])) data.goldField = stringOption(values['gold-field']);
  const size = (flag: string, min: number) => numberOption(values[flag], flag, { integer: true, min });
  if (values['train-size'] !== undefined) data.trainSize = size('train-size', 1);
  if (values['val-size'] !== undefined) data.valSize = size('val-size', 0);
  if (values['test-size'] !== undefined) data.testSize = size('test-size', 0);
  if (Object.keys(data).length) v.data = data;
  if (stringOption(values.metric)) v.metric = stringOption(values.metric);
  if (values.seed !== undefined) v.seed = numberOption(values.seed, 'seed', { integer: true });
  return { source: 'flags', values: v };
}

function examplesOf(task: Task, split: Split): Example[] {
  return split === 'all' ? [...task.train, ...task.val, ...task.test] : task[split];
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

async function loadPrompt(file: string, displayName: string, region: RegionOption | undefined): Promise<PromptDocument> {
  const text = await readTextFile(file, { what: 'prompt file' });
  return parsePromptDocument(text, displayName, region ? { region } : {});
}

async function runEval(argv: string[], io: CliIO, found: { keyless: KeylessModel[] }): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...MODEL_OPTION_SPECS, ...EVAL_OPTION_SPECS }, { command: 'eval', allowPositionals: true });
  if (positionals.length === 0) throw new UsageError('Missing the prompt file: dlpo eval <prompt-file> --data <dataset>.');
  if (positionals.length > 1) throw new UsageError(`dlpo eval scores one prompt file; got ${positionals.length} (${positionals.join(', ')}).`);
  usePromptfooConfigArgument(values as Record<string, unknown>, positionals, io.cwd);
  const model = parseModelOptions(values as Parameters<typeof parseModelOptions>[0]);
  const split = parseSplit(values.split);
  const limit = numberOption(values.limit, 'limit', { integer: true, positive: true });
  const minAccuracy = parseMinAccuracy(values['min-accuracy']);
  const promptFile = path.resolve(io.cwd, positionals[0]);

  const layers: ConfigLayer[] = configFileLayers(io.cwd, stringOption(values.config));
  const flags = flagLayer(values, promptFile, io.cwd, model.config as Record<string, unknown>);
  if (!layers.some((l) => (l.values as { data?: unknown }).data !== undefined) && flags.values.data === undefined) {
    throw new UsageError(`Missing --data: a dataset file (.jsonl, .json, .csv) or a benchmark name (${benchmarkNames().slice(0, 4).join(', ')}, ...).`);
  }
  layers.push(flags);
  const merged = mergeConfig(layers);
  if (!merged.ok) throw new UsageError(`Invalid configuration:\n${merged.problems.map((p) => `  ${p}`).join('\n')}`);
  let config: RunConfig = merged.config;
  if (!model.quiet && !layers.some((l) => (l.values as { forward?: unknown }).forward !== undefined)) {
    io.stderr.write(`No model configured: using the ${SIMULATOR_LABEL.toLowerCase()} (no network). Pass --simulator to say so, or --model NAME.\n`);
  }

  const section = stringOption(values.section);
  if (section !== undefined && values.prompt !== undefined) throw new UsageError('--section and --prompt both choose the prompt; use one.');
  const region: RegionOption | undefined =
    values.prompt !== undefined ? { prompt: numberOption(values.prompt, 'prompt', { integer: true, min: 1 })! } : section !== undefined ? { section } : undefined;
  const doc = await loadPrompt(promptFile, positionals[0], region);
  // The prompt file's own model parameters apply unless a config layer set them.
  const fileParams = applyFileModelParameters(config, fileModelParameters(doc.frontMatter), layers);
  config = fileParams.config;
  if (!model.quiet && fileParams.notes.length) io.stderr.write(`Forward calls: ${fileParams.notes.join('; ')}.\n`);
  // Before anything else is built: a prompt over the model's context is refused unrendered.
  const tooLong = contextProblem({ promptText: doc.body, model: config.forward, role: 'forward' });
  if (tooLong) throw new UsageError(tooLong);
  // The backward model is only called by the judge metric, which a promptfoo file can imply
  // without --metric; a missing key for it is an error only if it is called.
  const optionalKey = (spec: RunConfig['backward']) => {
    try {
      return resolveApiKey(spec, io.env);
    } catch (e) {
      if (e instanceof UsageError) return undefined;
      throw e;
    }
  };
  const apiKeys = {
    forward: resolveApiKey(config.forward, io.env),
    backward: config.metric?.startsWith('judge') ? resolveApiKey(config.backward, io.env) : optionalKey(config.backward),
  };
  if (config.cache.enabled && config.cache.dir !== undefined) {
    checkFolderOption(config.cache.dir, io.cwd, model.config.cache?.dir !== undefined ? '--cache-dir' : 'cache.dir', 'The response cache is kept in a folder (default .dlpo/cache; --no-cache turns it off)');
  }
  // The models that go without a key, for a 401 (missingKey.ts).
  found.keyless = keylessModels(config, apiKeys);
  let estimatedCalls = 0;
  const models = createRunModels(config, {
    apiKeys,
    cwd: io.cwd,
    onUsage: (r) => {
      if (r.estimated && !r.cached) estimatedCalls++;
    },
    // A slow or rate-limiting server must not mean minutes of silence (as dlpo run prints them).
    onWait: (w) => {
      if (!model.quiet) io.stderr.write(`waiting ${w.seconds} s: ${w.message}\n`);
    },
  });
  // The whole file is what is scored (its other role sections, rendered per example); every row is checked against its inputs before any call.
  const task = taskForPrompt(await loadTask(config.data, { metric: config.metric, seed: config.seed, cwd: io.cwd, judgeModel: models.backward }), doc, promptFile);
  let examples = examplesOf(task, split);
  if (limit !== undefined) examples = examples.slice(0, limit);
  if (examples.length === 0) throw new UsageError(`The ${split} split of ${task.id} is empty; choose another --split or larger split sizes.`);
  const tooLongRequest = contextProblem({ promptText: doc.body, model: config.forward, role: 'forward', task, examples, includeFormatInstruction: values['no-format-instruction'] !== true });
  if (tooLongRequest) throw new UsageError(tooLongRequest);

  const exportFile = stringOption(values['export-promptfoo']);
  // A promptfoo suite's llm-rubric assertions call the judge: a missing key for it stops here, before any forward call.
  if (exportFile === undefined && apiKeys.backward === undefined && examples.some((e) => e.promptfoo && usesJudge([e.promptfoo]))) resolveApiKey(config.backward, io.env);
  if (exportFile !== undefined) {
    const target = path.resolve(io.cwd, exportFile);
    const built = buildPromptfooConfig({
      prompt: doc.body,
      tests: exportTests(task, doc.body, examples, { includeFormatInstruction: values['no-format-instruction'] !== true }),
      model: config.forward,
      judge: config.backward,
      metric: config.metric ?? task.metric.name,
      description: `${path.basename(promptFile)} on ${path.basename(task.id)} (${split} split, exported by dlpo eval)`,
    });
    fs.writeFileSync(target, built.yaml, 'utf8');
    for (const w of built.warnings) io.stderr.write(`dlpo eval: ${w}\n`);
    io.stdout.write(`Wrote ${path.relative(io.cwd, target) || target}: ${examples.length} promptfoo tests (run: npx promptfoo eval -c ${exportFile}).\n`);
    return EXIT.ok;
  }
  const dataName = path.isAbsolute(task.id) ? path.relative(io.cwd, task.id) || task.id : task.id;
  const simulator = isSimulatorModel(models.forward.base);
  if (simulator) (models.forward.base as SimulatorModel).setAnswerKey(answerKeyFromExamples([...task.train, ...task.val, ...task.test]));
  const forwardLabel = simulator ? `${SIMULATOR_LABEL} (not a real model)` : models.forward.label;
  if (!model.quiet) io.stderr.write(`Scoring ${examples.length} ${split} examples of ${dataName} with ${forwardLabel}, metric ${task.metric.name}…\n`);

  const evaluation = await evaluatePrompt({
    promptText: doc.body,
    task,
    examples,
    model: models.forward,
    concurrency: config.maxConcurrency,
    includeFormatInstruction: values['no-format-instruction'] !== true,
    temperature: config.forward.temperature,
    maxTokens: config.forward.maxTokens,
    signal: io.signal,
    // A cap stops eval like it stops a run: what was scored is reported (eval has no --resume).
    partialOnBudget: true,
  });
  const stopped = evaluation.stoppedBy;
  const totals = models.meter.totals();
  const failures = evaluation.results.filter((r) => r.score < 1);
  const usage = {
    calls: totals.calls,
    cachedCalls: totals.cachedCalls,
    promptTokens: totals.promptTokens,
    completionTokens: totals.completionTokens,
    costUsd: Number(totals.costUsd.toFixed(6)),
    model: forwardLabel,
    simulator,
  };
  if (model.json) {
    const failureJson = (r: ExampleResult) => ({ id: r.id, input: r.input, gold: r.gold, output: r.output, score: r.score, reason: r.reason, ...(r.extracted !== undefined ? { extracted: r.extracted } : {}) });
    const partial = stopped ? { stoppedBy: `budget-${stopped.details.cap}`, message: stopped.message, examples: examples.length } : {};
    io.stdout.write(`${JSON.stringify({ accuracy: evaluation.accuracy, n: evaluation.n, correct: evaluation.correct, failures: failures.map(failureJson), usage, ...partial })}\n`);
  } else {
    const out: string[] = [];
    const scope = stopped ? `on ${evaluation.n} of the ${examples.length} examples of the ${split} split` : `on the ${split} split`;
    out.push(`${simulator ? '[offline simulator] ' : ''}accuracy ${formatScore(evaluation.accuracy)} (${evaluation.correct}/${evaluation.n}) ${scope} of ${dataName}, metric ${task.metric.name}`);
    const shown = failures.slice(0, 20);
    if (shown.length) out.push(`failures (${failures.length}${failures.length > shown.length ? `, first ${shown.length} shown` : ''}):`);
    for (const f of shown) out.push(`  ${f.id}: ${f.reason}  —  ${oneLine(f.input, 60)}`);
    out.push(
      `usage: ${totals.calls} calls (${totals.cachedCalls} cached), ${totals.promptTokens + totals.completionTokens} tokens (${totals.promptTokens} in, ${totals.completionTokens} out${estimatedNote(simulator, estimatedCalls, totals.calls - totals.cachedCalls)}), $${totals.costUsd.toFixed(4)}${simulator ? ' — offline simulator, no real model' : ''}`,
    );
    io.stdout.write(`${out.join('\n')}\n`);
  }
  if (stopped) {
    const flag = stopped.details.cap === 'calls' ? '--max-calls' : stopped.details.cap === 'tokens' ? '--max-tokens' : stopped.details.cap === 'cost' ? '--max-cost' : '--max-time';
    io.stderr.write(
      `dlpo eval: ${stopped.message} ${evaluation.n} of ${examples.length} examples were scored; to score them all, raise ${flag} and run dlpo eval again.\n`,
    );
    // No score to judge, or one over part of the split: a gate cannot pass on it.
    if (evaluation.n === 0 || minAccuracy !== undefined) {
      if (minAccuracy !== undefined) io.stderr.write(`dlpo eval: --min-accuracy is not checked on a partial evaluation.\n`);
      return EXIT.failed;
    }
    return EXIT.ok;
  }
  if (minAccuracy !== undefined && evaluation.accuracy < minAccuracy) {
    io.stderr.write(`dlpo eval: accuracy ${formatScore(evaluation.accuracy)} is below --min-accuracy ${formatScore(minAccuracy)}.\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Score a prompt on a dataset split: accuracy, failures with reasons, calls, tokens, cost',
  usage: USAGE,
  async run(argv, io) {
    const found = { keyless: [] as KeylessModel[] };
    try {
      return await runEval(argv, io, found);
    } catch (e) {
      if (e instanceof UsageError || e instanceof ConfigError || isBadInputError(e)) {
        io.stderr.write(`dlpo eval: ${e.message}\n`);
        return EXIT.usage;
      }
      if (io.signal.aborted || isLlmError(e, 'aborted')) {
        io.stderr.write('dlpo eval: interrupted.\n');
        return EXIT.interrupted;
      }
      if (isLlmError(e)) {
        const message = e.kind === 'auth' ? explainMissingKey(e.message, found.keyless) : e.message;
        const action = message === e.message ? e.details.action : undefined;
        io.stderr.write(`dlpo eval: ${message}\n${action ? `  ${action}\n` : ''}`);
        return EXIT.failed;
      }
      throw e;
    }
  },
};
