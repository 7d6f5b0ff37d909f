import * as fs from 'node:fs';
import * as path from 'node:path';
import { findConfigFile, loadConfigFile } from '../../core/config/loadConfigFile';
import { ConfigError } from '../../core/config/mergeConfig';
import type { ModelSpec } from '../../core/config/runConfig';
import { ModelSpecSchema } from '../../core/config/runConfig';
import { ExperimentFolderError, readExperimentSpec } from '../../core/experiment/experimentFolder';
import type { ExperimentResults } from '../../core/experiment/experimentResults';
import { resultsMarkdown } from '../../core/experiment/experimentResults';
import type { ExperimentSpec } from '../../core/experiment/experimentSpec';
import { ExperimentSpecSchema } from '../../core/experiment/experimentSpec';
import { EXPERIMENT_FILE_NAMES, loadExperimentFile } from '../../core/experiment/loadExperimentFile';
import { PAPER_EXPERIMENTS, PAPER_EXPERIMENT_NAMES, isPaperExperiment, paperExperimentSpec } from '../../core/experiment/paperExperiments';
import { ExperimentSetupError, resolveSpecPaths, runExperiment } from '../../core/experiment/runExperiment';
import { newRunId } from '../../core/run/runDir';
import { RunSetupError } from '../../core/run/runner';
import { numberOption, parseCommandArgs, stringOption, type OptionSpecs } from '../args';
import { checkFolderOption } from '../folderOption';
import { EXIT, UsageError, type CliCommand, type CliIO } from '../command';
import { MODEL_OPTIONS_USAGE, MODEL_OPTION_SPECS, checkModelSpec, parseModelOptions, resolveApiKey } from '../modelOptions';
import { createProgress } from '../progress';

const EXPERIMENT_OPTION_SPECS = {
  paper: { type: 'string' },
  prompt: { type: 'string' },
  data: { type: 'string' },
  metric: { type: 'string' },
  seeds: { type: 'string' },
  'train-size': { type: 'string' },
  'val-size': { type: 'string' },
  'test-size': { type: 'string' },
  steps: { type: 'string' },
  'batch-size': { type: 'string' },
  epochs: { type: 'string' },
  patience: { type: 'string' },
  'parallel-runs': { type: 'string' },
  resume: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

const USAGE = `Usage: dlpo experiment [<experiment-file>] [options]
       dlpo experiment --paper ${PAPER_EXPERIMENT_NAMES.join('|')} --prompt FILE --data DATA [options]
       dlpo experiment --resume <experiment-dir> [--seeds N] [budget options]

Runs a grid of configurations × seeds on one prompt, dataset and metric, in parallel
under one concurrency limit and one budget, and prints a table of mean ± std over
seeds with the difference to the baseline configuration (bootstrap CI, paired test).
Writes an experiment folder: experiment.json, runs/<config>__seed-<n>/ (normal run
folders), results.json, results.md, results.csv. Prompt files are never modified.

What to run:
  <experiment-file>        a dlpo.experiment.yaml|json (default: the one in the current folder)
  --paper NAME             a paper table: table-robustness (TextGrad vs TLR vs TDO vs TLR+TDO),
                           table-batch (batch sizes 3, 5, 10, 15), ablation (each technique added
                           to TextGrad, and best practice); needs --prompt and --data
  --prompt FILE            the prompt file (with --paper)
  --data SOURCE            dataset file or benchmark name (with --paper)
  --metric NAME            metric (default: inferred from the data)

Grid:
  --seeds N                seeds per configuration (1001 … 1000+N); with --resume, a bigger N
                           extends the experiment (finished runs are kept)
  --train-size N --val-size N --test-size N   split sizes for every run
  --steps N                steps per run   --epochs E   passes over the training split
  --batch-size B           examples per step for every configuration that does not set its own
  --patience N             early stopping: stop a run after N steps without validation gain
  --parallel-runs N        runs at once (default 4); all share --max-concurrency
  --resume DIR             continue an experiment folder: finished runs are skipped,
                           interrupted ones continue from their checkpoint

${MODEL_OPTIONS_USAGE.replace('--out DIR                where run folders go (default .dlpo/runs)', '--out DIR                where experiment folders go (default .dlpo/experiments)').replace(
  'Budget (checked before each call; the run stops cleanly before a cap is passed):',
  'Budget for the WHOLE grid (every run reserves against it; the grid stops cleanly before a cap is passed):',
)}

Exit codes: 0 done (also when the grid budget stopped it), 1 a run failed,
2 bad usage or input, 130 interrupted (resume with --resume).`;

type Values = Record<string, unknown>;

/** Errors that mean the user's input is wrong (exit 2). */
const INPUT_ERRORS = new Set([
  'UsageError',
  'ConfigError',
  'RunSetupError',
  'ExperimentSetupError',
  'ExperimentFileError',
  'ExperimentFolderError',
  'DatasetError',
  'InputFileError',
  'MetricConfigError',
  'TemplateError',
  'PromptDocumentError',
  'PromptFileError',
]);

/** Applies the grid flags over a spec (sizes and steps go to every configuration's base). */
function withGridFlags(spec: ExperimentSpec, values: Values): ExperimentSpec {
  const num = (flag: string) => numberOption(values[flag], flag, { integer: true, min: flag.endsWith('size') && flag !== 'train-size' ? 0 : 1 });
  const next: ExperimentSpec = { ...spec, data: { ...spec.data }, base: { ...spec.base } };
  const seeds = num('seeds');
  if (seeds !== undefined) {
    if (seeds > 100) throw new UsageError(`--seeds must be at most 100, got ${seeds}.`);
    next.seeds = seeds;
  }
  if (values['train-size'] !== undefined) next.data.trainSize = num('train-size');
  if (values['val-size'] !== undefined) next.data.valSize = num('val-size');
  if (values['test-size'] !== undefined) next.data.testSize = num('test-size');
  if (values.steps !== undefined) next.base.steps = num('steps');
  if (values.epochs !== undefined) next.base.epochs = num('epochs');
  if (values['batch-size'] !== undefined) next.base.batchSize = num('batch-size');
  if (values.patience !== undefined) next.base.patience = num('patience');
  const parallel = num('parallel-runs');
  if (parallel !== undefined) {
    if (parallel > 64) throw new UsageError(`--parallel-runs must be at most 64, got ${parallel}.`);
    next.parallelRuns = parallel;
  }
  return next;
}

function modelOf(v: unknown): ModelSpec | undefined {
  if (v === undefined) return undefined;
  const parsed = ModelSpecSchema.safeParse(v);
  if (!parsed.success) throw new UsageError(`Invalid model settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

interface Plan {
  spec: ExperimentSpec;
  experimentDir: string;
  title: string;
  runDefaults: Record<string, unknown>;
  notice?: string;
}

function planFromArgs(values: Values, positionals: string[], io: CliIO): Plan {
  const model = parseModelOptions(values);
  const resumeDir = stringOption(values.resume);
  const paper = stringOption(values.paper);
  const configFile = findConfigFile(io.cwd);
  const fileLayer = configFile ? loadConfigFile(configFile).values : {};
  // Plumbing under every run: from the workspace config, then the flags.
  const runDefaults: Record<string, unknown> = {};
  for (const k of ['requestTimeoutSec', 'cache', 'prices'] as const) if (fileLayer[k] !== undefined) runDefaults[k] = fileLayer[k];
  if (model.config.requestTimeoutSec !== undefined) runDefaults.requestTimeoutSec = model.config.requestTimeoutSec;
  if (model.config.cache !== undefined) runDefaults.cache = model.config.cache;
  const cache = runDefaults.cache as { dir?: string; enabled?: boolean } | undefined;
  if (cache?.dir) {
    if (cache.enabled !== false) checkFolderOption(cache.dir, io.cwd, model.config.cache?.dir !== undefined ? '--cache-dir' : 'cache.dir', 'The response cache is kept in a folder (default .dlpo/cache; --no-cache turns it off)');
    runDefaults.cache = { ...cache, dir: path.resolve(io.cwd, cache.dir) };
  }
  if (model.outDir !== undefined && !resumeDir) checkFolderOption(model.outDir, io.cwd, '--out', '--out is the folder that holds the experiment folders (default .dlpo/experiments)');

  const budgetOver = (spec: ExperimentSpec): ExperimentSpec => {
    const next = { ...spec };
    if (model.config.budget) next.budget = { ...spec.budget, ...model.config.budget };
    if (model.config.maxConcurrency !== undefined) next.maxConcurrency = model.config.maxConcurrency;
    return next;
  };

  if (resumeDir) {
    if (positionals.length || paper) throw new UsageError('--resume continues the experiment as it was defined; drop the experiment file and --paper.');
    const given = ['prompt', 'data', 'metric', 'train-size', 'val-size', 'test-size', 'steps', 'batch-size', 'epochs', 'patience'].filter((f) => values[f] !== undefined);
    const modelFlags = ['provider', 'base-url', 'api-key-env', 'azure-endpoint', 'azure-api-version', 'model', 'backward-model', 'simulator'].filter((f) => values[f] !== undefined);
    if (given.length || modelFlags.length) {
      throw new UsageError(`--resume continues the experiment with its own prompt, data, models and configurations; drop ${[...given, ...modelFlags].map((f) => `--${f}`).join(', ')}. Only --seeds, budget and concurrency options may change.`);
    }
    const dir = path.resolve(io.cwd, resumeDir);
    const saved = readExperimentSpec(dir);
    const spec = budgetOver(withGridFlags(saved, values));
    return { spec, experimentDir: dir, title: titleOf(spec), runDefaults };
  }

  let spec: ExperimentSpec;
  let notice: string | undefined;
  if (paper !== undefined) {
    if (!isPaperExperiment(paper)) throw new UsageError(`Unknown paper experiment "${paper}". Choose one of: ${PAPER_EXPERIMENT_NAMES.join(', ')}.`);
    if (positionals.length) throw new UsageError('--paper defines the configurations; drop the experiment file (or drop --paper).');
    const prompt = stringOption(values.prompt);
    const data = stringOption(values.data);
    if (!prompt || !data) throw new UsageError(`--paper ${paper} needs the prompt and the data: add --prompt FILE --data DATASET (a .jsonl/.csv/.json file or a benchmark such as gsm8k).`);
    spec = resolveSpecPaths(paperExperimentSpec(paper, { prompt, data: { source: data }, ...(stringOption(values.metric) ? { metric: stringOption(values.metric) } : {}) }), io.cwd);
  } else {
    if (positionals.length > 1) throw new UsageError(`One experiment file at a time; got ${positionals.length}.`);
    const file = positionals[0] ? path.resolve(io.cwd, positionals[0]) : EXPERIMENT_FILE_NAMES.map((n) => path.join(io.cwd, n)).find((p) => fs.existsSync(p));
    if (!file) {
      throw new UsageError(
        `Nothing to run: pass a dlpo.experiment.yaml|json, or --paper ${PAPER_EXPERIMENT_NAMES.join('|')} with --prompt and --data, or --resume DIR. Run \`dlpo experiment --help\` for the options.`,
      );
    }
    if (values.prompt !== undefined || values.data !== undefined || values.metric !== undefined) {
      throw new UsageError('The experiment file names the prompt, data and metric; drop --prompt/--data/--metric (or edit the file).');
    }
    spec = loadExperimentFile(file);
  }
  spec = budgetOver(withGridFlags(spec, values));

  // Models: the flags, else the spec's, else the workspace config's, else the simulator (said out loud).
  const forward = model.config.forward ? modelOf(model.config.forward) : (spec.forward ?? modelOf(fileLayer.forward));
  const backward = model.config.backward ? modelOf(model.config.backward) : (spec.backward ?? modelOf(fileLayer.backward) ?? forward);
  if (!forward) notice = 'No model configured: using the offline simulator (no network). Pass --simulator to say so, or --model NAME for a real model.';
  spec = ExperimentSpecSchema.parse({ ...spec, forward: forward ?? { provider: 'simulator', model: 'simulator' }, backward: backward ?? { provider: 'simulator', model: 'simulator' } });
  checkModelSpec(spec.forward!, 'forward');
  checkModelSpec(spec.backward!, 'backward');

  const outRoot = path.resolve(io.cwd, model.outDir ?? path.join('.dlpo', 'experiments'));
  const experimentDir = path.join(outRoot, `${spec.name.replace(/[^\w.+-]+/g, '_')}-${newRunId()}`);
  return { spec, experimentDir, title: titleOf(spec), runDefaults, notice };
}

function titleOf(spec: ExperimentSpec): string {
  return isPaperExperiment(spec.name) ? PAPER_EXPERIMENTS[spec.name].title : spec.name;
}

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`;
}

/** The `--json` object: `{experimentDir, table: [{config, runs, val, test, calls, tokens, costUsd}]}` and more. */
export function experimentJson(results: ExperimentResults, outcome: { stoppedBy: string; message: string; skipped?: string[]; resumed?: string[]; started?: string[] }): unknown {
  return {
    experimentDir: results.experimentDir,
    name: results.name,
    title: results.title,
    simulator: results.simulator,
    offlineSimulator: results.simulator ? 'These figures come from the offline simulator, not from a real LLM.' : undefined,
    stoppedBy: outcome.stoppedBy,
    message: outcome.message,
    baseline: results.baseline,
    seeds: results.seeds,
    table: results.rows.map((r) => ({
      config: r.config,
      runs: r.runs,
      val: { mean: r.val.mean, std: r.val.std, min: r.val.min, max: r.val.max },
      test: { mean: r.test.mean, std: r.test.std, min: r.test.min, max: r.test.max },
      start: r.scores.start,
      final: r.scores.final,
      stepsToBest: r.stepsToBest.mean,
      calls: r.calls,
      tokens: r.tokens,
      costUsd: r.costUsd,
      finalPromptSentences: r.finalPromptSentences.mean,
      stoppedBy: r.stoppedBy,
      comparison: r.comparison ?? null,
    })),
    runs: results.runs,
    session: { skipped: outcome.skipped ?? [], resumed: outcome.resumed ?? [], started: outcome.started ?? [] },
  };
}

export const experimentCommand: CliCommand = {
  name: 'experiment',
  summary: 'Run a grid of configurations × seeds (or a paper table) and tabulate mean ± std with a baseline comparison.',
  usage: USAGE,
  async run(argv: string[], io: CliIO): Promise<number> {
    const err = (line: string) => io.stderr.write(`${line}\n`);
    try {
      const { values, positionals } = parseCommandArgs(argv, { ...MODEL_OPTION_SPECS, ...EXPERIMENT_OPTION_SPECS }, { command: 'experiment', allowPositionals: true });
      if (values.help) {
        io.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
      }
      const json = values.json === true;
      const quiet = values.quiet === true;
      const plan = planFromArgs(values, positionals, io);
      if (plan.notice && !quiet) err(plan.notice);
      const apiKeys = { forward: resolveApiKey(plan.spec.forward!, io.env), backward: resolveApiKey(plan.spec.backward!, io.env) };

      const progress = createProgress(io.stderr as never, { quiet });
      const total = { runs: 0, finished: 0 };
      const steps = new Map<string, { step: number; of: number }>();
      const status = () => {
        const live = [...steps.entries()].map(([k, s]) => `${k} ${s.step}/${s.of}`).join(' · ');
        progress.update(total.finished, total.runs, live);
      };
      progress.log(`Experiment ${plan.title}: ${plan.experimentDir}`);
      const outcome = await runExperiment({
        spec: plan.spec,
        experimentDir: plan.experimentDir,
        cwd: io.cwd,
        runDefaults: plan.runDefaults,
        apiKeys,
        signal: io.signal,
        title: plan.title,
        onRunUpdate: (u) => {
          if (u.action === 'skipped') {
            total.runs++;
            total.finished++;
            return;
          }
          if (u.status === 'pending') total.runs++;
          else if (u.status === 'running') {
            steps.set(u.run.key, { step: 0, of: 0 });
            progress.log(`${u.action === 'resumed' ? 'resumed' : 'started'} ${u.run.key}`);
          } else {
            steps.delete(u.run.key);
            if (u.status === 'finished') total.finished++;
            const d = u.done;
            progress.log(
              d
                ? `${u.status === 'finished' ? 'finished' : u.status} ${u.run.key}: best val ${pct(d.scores.best.val)}, test ${pct(d.scores.best.test)} (${d.steps} steps${u.status === 'finished' ? '' : `; ${d.message}`})`
                : `failed ${u.run.key}: ${u.error ?? 'unknown error'}`,
            );
          }
          status();
        },
        onEvent: (run, e) => {
          const s = steps.get(run.key);
          if (!s) return;
          if (e.type === 'run-start') s.of = e.totalSteps;
          else if (e.type === 'step-start') s.step = e.step;
          else return;
          status();
        },
      });
      progress.end();
      const results = outcome.results;
      if (json) io.stdout.write(`${JSON.stringify(experimentJson(results, outcome))}\n`);
      else {
        io.stdout.write(resultsMarkdown(results));
        io.stdout.write(`\nExperiment folder: ${results.experimentDir}\n`);
      }
      if (!quiet || outcome.stoppedBy !== 'completed') err(outcome.message);
      switch (outcome.stoppedBy) {
        case 'cancelled':
          err(`Interrupted. Continue with: dlpo experiment --resume ${outcome.experimentDir}`);
          return EXIT.interrupted;
        case 'error':
          return EXIT.failed;
        case 'budget':
          err(`The grid budget is spent. Raise it and continue with: dlpo experiment --resume ${outcome.experimentDir} --max-…`);
          return EXIT.ok;
        default:
          return EXIT.ok;
      }
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      const message = e instanceof Error ? e.message : String(e);
      if (e instanceof UsageError || e instanceof ConfigError || e instanceof RunSetupError || e instanceof ExperimentSetupError || e instanceof ExperimentFolderError || INPUT_ERRORS.has(name)) {
        err(`dlpo experiment: ${message}`);
        return EXIT.usage;
      }
      if (io.signal.aborted) {
        err('Interrupted.');
        return EXIT.interrupted;
      }
      err(`dlpo experiment failed: ${message}`);
      return EXIT.failed;
    }
  },
};
