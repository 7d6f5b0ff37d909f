import * as fs from 'node:fs';
import * as path from 'node:path';
import { configFileLayers } from '../../core/config/loadConfigFile';
import { ConfigError, mergeConfig, type ConfigLayer } from '../../core/config/mergeConfig';
import { isBadInputError } from '../../core/data/badInput';
import { TECHNIQUE_NAMES, type TechniqueName } from '../../core/config/presets';
import type { RunConfig } from '../../core/config/runConfig';
import { RunConfigSchema } from '../../core/config/runConfig';
import type { RunEvent } from '../../core/run/events';
import { buildReport } from '../../core/run/report';
import { readJournal } from '../../core/run/journal';
import { RunSetupError, startRun } from '../../core/run/runner';
import { runPaths } from '../../core/run/runDir';
import { applyResumeModels, type EndpointChange, type ResumeModels } from '../../core/run/resumeModels';
import { jsonSummary, summaryLines } from '../../core/run/summary';
import { numberOption, parseCommandArgs, stringOption, type OptionSpecs } from '../args';
import { EXIT, UsageError, type CliCommand, type CliIO } from '../command';
import { applyFileModelParameters, fileModelParameters } from '../../core/config/fileModelParameters';
import { loadPromptFile } from '../../core/run/promptFile';
import { usePromptfooConfigArgument } from '../promptfooPrompt';
import { MODEL_OPTIONS_USAGE, MODEL_OPTION_SPECS, checkModelSpec, parseModelOptions, resolveApiKey } from '../modelOptions';
import { ProgressPrinter } from '../runProgress';
import { checkFolderOption } from '../folderOption';
import { explainMissingKey, keylessModels, withMissingKeyExplained } from '../missingKey';

const RUN_OPTION_SPECS = {
  data: { type: 'string' },
  metric: { type: 'string' },
  'input-field': { type: 'string' },
  'gold-field': { type: 'string' },
  preset: { type: 'string' },
  techniques: { type: 'string' },
  lr: { type: 'string' },
  'lr-decay': { type: 'string' },
  dropout: { type: 'string' },
  momentum: { type: 'string' },
  'tsa-temperature': { type: 'string' },
  'tsa-decay': { type: 'string' },
  'batch-size': { type: 'string' },
  epochs: { type: 'string' },
  steps: { type: 'string' },
  seed: { type: 'string' },
  'train-size': { type: 'string' },
  'val-size': { type: 'string' },
  'test-size': { type: 'string' },
  section: { type: 'string' },
  prompt: { type: 'string' },
  resume: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

const USAGE = `Usage: dlpo run <prompt-file> --data <dataset> [options]
       dlpo run --resume <run-dir> [budget options]

Optimizes the prompt file with DLPO and writes a run folder (config.json, events.jsonl,
checkpoint.json, report.json, report.md, best.prompt.*, final.prompt.*). The prompt file
itself is never modified.

Data and metric:
  --data SOURCE            dataset file (.jsonl, .json, .csv) or benchmark (gsm8k, bbh/object_counting, ...)
  --metric NAME            numeric | lenient | boxed | choice | exact | contains | regex:<re> | judge ...
                           (default: inferred from the data)
  --input-field F --gold-field F   which dataset fields are input and gold answer (default: inferred)
  --train-size N --val-size N --test-size N   split sizes
  --seed N                 one seed for splits, batches, dropout and TSA (default 1001)

Prompt file:
  --section NAME           optimize this .prompty role section (default system) or markdown heading
                           section; the whole file is still what the model is sent
  --prompt N               the prompt to optimize in a promptfoo multi-prompt .txt file ("---" lines),
                           or of a promptfooconfig.yaml given as the prompt file (its tests are
                           then the data unless --data is given)

Method:
  --preset NAME            best (default) | robust | textgrad | reference | all
  --techniques LIST        exactly these, comma-separated: ${TECHNIQUE_NAMES.join(', ')}
  --lr R                   TLR: at most R sentence edits per step (default with tlr: 2);
                           with TLRD on, R holds until the first accepted step
  --lr-decay D             TLRD: R = max(D - accepted steps, 1) (default with tlrd: 5)
  --dropout P              TDO: fraction of sentences frozen each step (default with tdo: 0.5)
  --momentum K             TMnt: past gradients shown to the update (default with tmnt: 3)
  --tsa-temperature T      TSA start temperature (default 64)
  --tsa-decay D            TSA temperature divisor per accepted step (default 2)
  --batch-size B           examples per step (default 5)
  --epochs E               passes over the training split (default 1)
  --steps N                stop after N steps (default ceil(train / batch) x epochs)

Runs:
  --config FILE            a dlpo.config.json|yaml (default: the one in the current folder, if any)
  --resume RUN_DIR         continue a stopped run from its last complete step; budget flags may be
                           raised, and --base-url, --model, --backward-model, --provider,
                           --api-key-env, --simulator may point it at a moved endpoint

${MODEL_OPTIONS_USAGE}

Exit codes: 0 done (also when a budget cap stopped the run), 1 the run failed,
2 bad usage or input, 130 interrupted (Ctrl-C; a checkpoint is written first).`;

/** The default value a technique gets when `--techniques` turns it on without its own flag. */
const TECHNIQUE_DEFAULTS = { lr: 2, lrDecay: 5, dropout: 0.5, momentum: 3 };

/** Config paths of the flags, so a validation problem can name the flag that fixes it. */
const FLAG_OF_PATH: Record<string, string> = {
  'techniques.lr': '--lr',
  'techniques.lrDecay': '--lr-decay',
  'techniques.dropout': '--dropout',
  'techniques.momentum': '--momentum',
  'techniques.tsaTemperature': '--tsa-temperature',
  'techniques.tsaDecay': '--tsa-decay',
  batchSize: '--batch-size',
  epochs: '--epochs',
  steps: '--steps',
  seed: '--seed',
  preset: '--preset',
  'data.trainSize': '--train-size',
  'data.valSize': '--val-size',
  'data.testSize': '--test-size',
  promptFile: '<prompt-file>',
  data: '--data',
  'data.inputField': '--input-field',
  'data.goldField': '--gold-field',
};

function withFlagHint(problem: string): string {
  const at = problem.slice(0, problem.indexOf(':'));
  const flag = FLAG_OF_PATH[at];
  return flag ? `${problem} — set ${flag}` : problem;
}

function parseTechniqueList(text: string): TechniqueName[] {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((n) => !(TECHNIQUE_NAMES as readonly string[]).includes(n));
  if (unknown.length) {
    throw new UsageError(
      `Unknown technique${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}. Valid techniques: ${TECHNIQUE_NAMES.join(', ')}.`,
    );
  }
  return names as TechniqueName[];
}

type Values = Record<string, unknown>;

/** The flags' layer of the config (only what was given). */
function flagLayer(values: Values, positionals: string[], cwd: string, modelConfig: Record<string, unknown>): ConfigLayer {
  const v: Record<string, unknown> = { ...modelConfig };
  const num = (flag: string, integer = false) => numberOption(values[flag], flag, { integer });
  if (positionals[0]) v.promptFile = path.resolve(cwd, positionals[0]);
  const data: Record<string, unknown> = {};
  const source = stringOption(values.data);
  if (source !== undefined) {
    const asFile = path.resolve(cwd, source);
    data.source = fs.existsSync(asFile) ? asFile : source;
  }
  if (stringOption(values['input-field'])) data.inputField = stringOption(values['input-field']);
  if (stringOption(values['gold-field'])) data.goldField = stringOption(values['gold-field']);
  if (values['train-size'] !== undefined) data.trainSize = num('train-size', true);
  if (values['val-size'] !== undefined) data.valSize = num('val-size', true);
  if (values['test-size'] !== undefined) data.testSize = num('test-size', true);
  if (Object.keys(data).length) v.data = data;
  if (stringOption(values.metric)) v.metric = stringOption(values.metric);
  if (stringOption(values.section) && values.prompt !== undefined) throw new UsageError('--section and --prompt both choose what to optimize; use one.');
  if (stringOption(values.section)) v.region = { section: stringOption(values.section) };
  if (values.prompt !== undefined) v.region = { prompt: numberOption(values.prompt, 'prompt', { integer: true, min: 1 }) };
  if (stringOption(values.preset)) v.preset = stringOption(values.preset);
  const techniques: Record<string, unknown> = {};
  if (values.lr !== undefined) {
    techniques.lr = num('lr');
    // With TLRD on, a fixed R would otherwise never apply (TLRD sets R from step 1). An
    // explicit --lr is the budget until the first accepted step, as in the reference
    // (lrDecayFirstStep 'lr'); with TLRD off the option changes nothing.
    if ((techniques.lr as number) > 0) v.method = { lrDecayFirstStep: 'lr' };
  }
  if (values['lr-decay'] !== undefined) techniques.lrDecay = num('lr-decay');
  if (values.dropout !== undefined) techniques.dropout = num('dropout');
  if (values.momentum !== undefined) techniques.momentum = num('momentum');
  if (values['tsa-temperature'] !== undefined) techniques.tsaTemperature = num('tsa-temperature');
  if (values['tsa-decay'] !== undefined) techniques.tsaDecay = num('tsa-decay');
  const list = stringOption(values.techniques);
  if (list !== undefined) {
    if (stringOption(values.preset)) throw new UsageError('--preset and --techniques both choose the techniques; use one of them.');
    const on = new Set(parseTechniqueList(list));
    v.preset = 'custom';
    techniques.lr = on.has('tlr') ? (techniques.lr ?? TECHNIQUE_DEFAULTS.lr) : 0;
    techniques.lrDecay = on.has('tlrd') ? (techniques.lrDecay ?? TECHNIQUE_DEFAULTS.lrDecay) : 0;
    techniques.dropout = on.has('tdo') ? (techniques.dropout ?? TECHNIQUE_DEFAULTS.dropout) : 0;
    techniques.momentum = on.has('tmnt') ? (techniques.momentum ?? TECHNIQUE_DEFAULTS.momentum) : 0;
    techniques.contrastive = on.has('tcl');
    techniques.regularize = on.has('tregu');
    techniques.tsa = on.has('tsa');
  }
  if (Object.keys(techniques).length) v.techniques = techniques;
  if (values['batch-size'] !== undefined) v.batchSize = num('batch-size');
  if (values.epochs !== undefined) v.epochs = num('epochs');
  if (values.steps !== undefined) v.steps = num('steps');
  if (values.seed !== undefined) v.seed = num('seed');
  return { source: 'flags', values: v };
}

function mergeOrThrow(layers: ConfigLayer[]): RunConfig {
  const r = mergeConfig(layers);
  if (!r.ok) throw new UsageError(`Invalid configuration:\n${r.problems.map((p) => `  ${withFlagHint(p)}`).join('\n')}`);
  return r.config;
}

/** Flags that change the trajectory cannot be combined with --resume: the run continues as configured. */
const TRAJECTORY_FLAGS = Object.keys(RUN_OPTION_SPECS).filter((k) => !['resume', 'config', 'help'].includes(k));

function resumeConfig(dir: string, values: Values, modelConfig: Record<string, unknown>): { config: RunConfig; models: ResumeModels } {
  const given = TRAJECTORY_FLAGS.filter((f) => values[f] !== undefined);
  if (given.length) throw new UsageError(`--resume continues the run as it was configured; drop ${given.map((f) => `--${f}`).join(', ')}. Only budget, cache and concurrency options may change, and where the models are reached (--base-url, --model, --backward-model, --provider, --api-key-env, --simulator).`);
  const paths = runPaths(path.resolve(dir), 'x.txt');
  let saved: unknown;
  try {
    saved = JSON.parse(fs.readFileSync(paths.config, 'utf8'));
  } catch {
    throw new UsageError(`${dir} is not a run folder (no readable config.json). Pass the folder dlpo run printed, e.g. .dlpo/runs/20261123-181500-ab12.`);
  }
  const parsed = RunConfigSchema.safeParse(saved);
  if (!parsed.success) throw new UsageError(`${paths.config} is not a valid run configuration.`);
  // Budget and plumbing may change on resume, and so may where the models are reached
  // (--base-url, --model, --provider, --api-key-env, --simulator): the runner applies the
  // same change (resumeModels.ts), journals it and warns about a different model.
  const { forward, backward, ...plumbing } = modelConfig as { forward?: EndpointChange; backward?: EndpointChange };
  const merged = mergeOrThrow([
    { source: 'config.json', values: parsed.data as unknown as Record<string, unknown> },
    { source: 'flags', values: plumbing },
  ]);
  // `--model` alone means OpenAI for a new run; on resume it keeps the run's provider.
  const providerGiven = ['provider', 'simulator', 'base-url', 'azure-endpoint'].some((f) => values[f] !== undefined);
  const keepProvider = (c: EndpointChange | undefined) => {
    if (!c || providerGiven) return c;
    const { provider: _p, ...rest } = c;
    return rest;
  };
  const models = { forward: keepProvider(forward), backward: keepProvider(backward) };
  const applied = applyResumeModels(merged, models);
  checkModelSpec(applied.forward, 'forward');
  checkModelSpec(applied.backward, 'backward');
  return { config: { ...merged, forward: applied.forward, backward: applied.backward }, models };
}

/**
 * Whether `--resume` can get past what stopped a failed run: an outage, a rate limit or a
 * key can be fixed outside the run, but a wrong model name or a request the provider
 * refuses is part of the run's configuration, which a resume keeps.
 */
function resumeCanHelp(events: readonly RunEvent[]): boolean {
  const fatal = events.filter((e) => e.type === 'error' && e.fatal).at(-1);
  return !fatal || !['not-found', 'bad-request', 'content-filter', 'length'].includes(fatal.type === 'error' ? fatal.kind : '');
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Errors that mean the user's input is wrong (exit 2), by class name to keep the CLI decoupled from every module. */
// Errors whose class lives in a module this file does not import, recognised by name.
const INPUT_ERRORS = new Set(['PromptDocumentError', 'PromptFileError']);

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'Optimize a prompt file on a dataset with DLPO (writes a run folder; never edits the prompt).',
  usage: USAGE,
  async run(argv: string[], io: CliIO): Promise<number> {
    const err = (line: string) => io.stderr.write(`${line}\n`);
    let json = false;
    try {
      const { values, positionals } = parseCommandArgs(argv, { ...MODEL_OPTION_SPECS, ...RUN_OPTION_SPECS }, { command: 'run', allowPositionals: true });
      if (values.help) {
        io.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
      }
      const model = parseModelOptions(values);
      json = model.json;
      const resumeDir = stringOption(values.resume);
      let config: RunConfig;
      let resumeModels: ResumeModels | undefined;
      if (resumeDir) {
        if (positionals.length) throw new UsageError('--resume takes the run folder; drop the prompt file argument.');
        const resumed = resumeConfig(resumeDir, values, model.config as Record<string, unknown>);
        config = resumed.config;
        resumeModels = resumed.models;
      } else {
        if (positionals.length === 0) throw new UsageError('Missing the prompt file: dlpo run <prompt-file> --data <dataset>. Run `dlpo run --help` for the options.');
        if (positionals.length > 1) throw new UsageError(`One prompt file per run; got ${positionals.length} (${positionals.join(', ')}).`);
        usePromptfooConfigArgument(values as Record<string, unknown>, positionals, io.cwd);
        if (values.data === undefined) throw new UsageError('Missing --data: a dataset file (.jsonl, .json, .csv) or a benchmark name such as gsm8k.');
        const layers: ConfigLayer[] = configFileLayers(io.cwd, stringOption(values.config));
        layers.push(flagLayer(values, positionals, io.cwd, model.config as Record<string, unknown>));
        config = mergeOrThrow(layers);
        if (!fs.existsSync(config.promptFile)) throw new UsageError(`Prompt file not found: ${config.promptFile}. Check the path (relative to the current folder).`);
        // Before any run folder exists: a provider without what it needs is bad input, not a failed run.
        checkModelSpec(config.forward, 'forward');
        checkModelSpec(config.backward, 'backward');
        // The prompt file's own model parameters apply unless a config layer set them (the saved config.json records the result).
        const fileParams = applyFileModelParameters(config, fileModelParameters(loadPromptFile(config.promptFile, config.region).document.frontMatter), layers);
        config = fileParams.config;
        if (!model.quiet && fileParams.notes.length) err(`Forward calls: ${fileParams.notes.join('; ')}.`);
        if (!model.quiet && !layers.some((l) => l.values.forward !== undefined)) {
          err('No model configured: using the offline simulator (no network). Pass --simulator to say so, or --model NAME for a real model.');
        }
      }
      const apiKeys = { forward: resolveApiKey(config.forward, io.env), backward: resolveApiKey(config.backward, io.env) };
      const runsDir = path.resolve(io.cwd, model.outDir ?? path.join('.dlpo', 'runs'));
      if (!resumeDir && model.outDir !== undefined) checkFolderOption(model.outDir, io.cwd, '--out', '--out is the folder that holds the run folders (default .dlpo/runs)');
      if (config.cache.enabled && config.cache.dir !== undefined) {
        checkFolderOption(config.cache.dir, io.cwd, model.config.cache?.dir !== undefined ? '--cache-dir' : 'cache.dir', 'The response cache is kept in a folder (default .dlpo/cache; --no-cache turns it off)');
      }
      if (!model.quiet && !resumeDir && values.lr !== undefined && config.techniques.lrDecay > 0 && config.techniques.lr > 0) {
        err(`--lr ${config.techniques.lr} with TLRD: at most ${config.techniques.lr} sentence edit(s) per step until the first accepted step, then R = max(${config.techniques.lrDecay} − accepted steps, 1) (--lr-decay).`);
      }
      const progress = new ProgressPrinter(io.stderr, { quiet: model.quiet });
      const result = await startRun({
        config,
        runsDir,
        resumeDir: resumeDir ? path.resolve(io.cwd, resumeDir) : undefined,
        writer: resumeDir ? 'dlpo run --resume' : 'dlpo run',
        resumeModels,
        apiKeys,
        cwd: io.cwd,
        signal: io.signal,
        onEvent: (e: RunEvent) => progress.onEvent(e.type === 'error' && e.kind === 'auth' ? withMissingKeyExplained(e, keylessModels(config, apiKeys)) : e),
      });
      const events = readJournal(runPaths(result.runDir, config.promptFile).events).events;
      const report = buildReport(events);
      if (json) io.stdout.write(`${JSON.stringify(jsonSummary(report, result.runDir))}\n`);
      else io.stdout.write(`${summaryLines(report, result.runDir).join('\n')}\n`);
      switch (result.done.stoppedBy) {
        case 'cancelled':
          err(`Interrupted. A checkpoint was written; continue with: dlpo run --resume ${result.runDir}`);
          return EXIT.interrupted;
        case 'error':
          err(`The run failed: ${explainMissingKey(result.done.message, keylessModels(config, apiKeys))}`);
          // A failed run is paused, not lost: its checkpoint is left resumable (runner.ts).
          if (resumeCanHelp(events)) {
            err(
              `Nothing is lost: the run is paused after step ${result.done.steps}. Once the cause is fixed (the server is back, the key is valid, …), continue with: dlpo run --resume ${result.runDir}`,
            );
          }
          return EXIT.failed;
        default:
          if (result.done.stoppedBy.startsWith('budget-')) {
            const flag = { 'budget-calls': '--max-calls N', 'budget-tokens': '--max-tokens N', 'budget-cost': '--max-cost USD', 'budget-time': '--max-time SEC' }[result.done.stoppedBy as string];
            err(`${report.stopMessage} To continue, raise the cap and resume: dlpo run --resume ${result.runDir} ${flag ?? ''}`.trimEnd());
          }
          return EXIT.ok;
      }
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      if (e instanceof UsageError || e instanceof ConfigError || e instanceof RunSetupError || isBadInputError(e) || INPUT_ERRORS.has(name)) {
        err(`dlpo run: ${describeError(e)}`);
        return EXIT.usage;
      }
      if (io.signal.aborted) {
        err('Interrupted before the run started; nothing was written.');
        return EXIT.interrupted;
      }
      err(`dlpo run failed: ${describeError(e)}`);
      return EXIT.failed;
    }
  },
};
