#!/usr/bin/env node
// Generates the JSON schemas VS Code uses for completion and validation of the workspace
// files, from the zod schemas the CLI and the extension parse them with (zod 4's
// z.toJSONSchema), so the editor always agrees with what a run accepts:
//   schemas/dlpo.config.schema.json      <- RunConfigSchema (src/core/config/runConfig.ts)
//   schemas/dlpo.experiment.schema.json  <- ExperimentSpecSchema (src/core/experiment/experimentSpec.ts)
// Both are contributed through jsonValidation, and through the Red Hat YAML extension's
// yamlValidation / `# yaml-language-server: $schema=` comment for the YAML variants.
//
// The workspace config file is a *partial* config: the command supplies the prompt file
// and may supply the data, so nothing is required; unknown keys are errors (as in the merge).
//
// Usage: node scripts/gen-schemas.mjs [--check]   (--check: exit 1 if a file is stale)
import { build } from 'esbuild';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requireFromRoot = createRequire(path.join(root, 'package.json'));

/** Loads a TypeScript module by bundling it to CommonJS in memory. */
async function loadTsModule(...segments) {
  const result = await build({
    entryPoints: [path.join(root, ...segments)],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', result.outputFiles[0].text)(mod, mod.exports, requireFromRoot);
  return mod.exports;
}

/** The JSON schema of a zod schema, with `$schema` allowed and unknown keys refused at the top. */
function toJsonSchema(zodSchema, { id, title, description }) {
  const { z } = requireFromRoot('zod');
  const schema = z.toJSONSchema(zodSchema, { io: 'input', unrepresentable: 'any' });
  schema.$id = `https://dlpo.dev/schemas/${id}`;
  schema.title = title;
  schema.description = description;
  schema.properties = { $schema: { type: 'string', description: 'The JSON schema of this file.' }, ...schema.properties };
  schema.additionalProperties = false;
  return schema;
}

/** Puts hover texts on keys given as `key` or `key.sub`. */
function describe(schema, descriptions) {
  for (const [key, text] of Object.entries(descriptions)) {
    const [head, sub] = key.split('.');
    const target = sub ? schema.properties[head]?.properties?.[sub] : schema.properties[head];
    if (target) target.description = text;
  }
}

/** Hover text for the keys (the zod schema carries its documentation in comments). */
const CONFIG_DESCRIPTIONS = {
  promptFile: 'The prompt file to optimize (relative to this file). Usually supplied by the command.',
  region: 'Optimize only part of the body: a role section ({ "section": "system" }) or UTF-16 offsets.',
  data: 'The dataset: a built-in benchmark name (gsm8k, biggsm, mgsm, bbh/object_counting, math500, ...) or a JSONL/CSV/TSV/JSON file.',
  'data.source': 'A built-in benchmark name or a dataset file path (relative to this file).',
  'data.inputField': 'Field holding the input; inferred when absent (question, input, ...).',
  'data.goldField': 'Field holding the gold answer; inferred when absent (answer, target, ...).',
  metric: 'How answers are scored: numeric, lenient, boxed, choice, exact, exact-ci, contains, icontains, regex[:PATTERN], json-schema:FILE, judge[:RUBRIC]. Defaulted from the dataset.',
  forward: 'The forward model, which answers the dataset questions with the prompt.',
  backward: 'The backward model, which writes the critiques (textual gradients) and rewrites the prompt.',
  preset: 'Which DLPO techniques are on: best (TLRD+TSA+TCL+TRegu), robust (TLR+TDO), textgrad, reference, all, custom.',
  techniques: 'Technique parameters over the preset.',
  'techniques.lr': 'TLR: at most R sentence edits per step; 0 = no constraint.',
  'techniques.lrDecay': 'TLRD: after each accepted step R = max(D - accepted steps, 1); 0 = off.',
  'techniques.dropout': 'TDO: fraction of sentences protected from change each step; 0 = off.',
  'techniques.momentum': 'TMnt: how many past accepted gradients the update sees; 0 = off.',
  'techniques.contrastive': 'TCL: show the update the best and worst prompts so far.',
  'techniques.regularize': 'TRegu: ask the update to simplify and prune.',
  'techniques.tsa': 'TSA: simulated-annealing acceptance on the full training set.',
  method: 'Where the default differs from the reference implementation (the reference preset flips these).',
  batchSize: 'Examples per step (paper: 5; 3-6 generalise better than 15).',
  epochs: 'Passes over the training split.',
  steps: 'Stop after this many steps; default ceil(train / batch size) x epochs.',
  seed: 'Seed of every random choice (batches, dropout, TSA draws, splits).',
  maxConcurrency: 'Most model requests in flight at once.',
  requestTimeoutSec: 'Seconds before a single model request is abandoned (and retried).',
  budget: 'Caps checked before each call; the run stops cleanly before exceeding one.',
  'budget.maxCalls': 'Most model calls.',
  'budget.maxTokens': 'Most tokens (prompt + completion).',
  'budget.maxCostUsd': 'Most US dollars, at the configured prices.',
  'budget.maxTimeSec': 'Most seconds of wall time.',
  cache: 'Content-addressed response cache: re-scoring an unchanged prompt and resuming cost nothing.',
  patience: 'Stop when validation has not improved for this many steps.',
  prices: 'USD per million tokens by model name, over the built-in table.',
};

async function configSchema() {
  const { RunConfigSchema } = await loadTsModule('src', 'core', 'config', 'runConfig.ts');
  const schema = toJsonSchema(RunConfigSchema, {
    id: 'dlpo.config.schema.json',
    title: 'DLPO Prompt Optimizer configuration (dlpo.config.json / dlpo.config.yaml)',
    description:
      'Run settings for the workspace. Lower priority than the choices made in the command, higher than VS Code settings. API keys never go here: name an environment variable with apiKeyEnv.',
  });
  delete schema.required;
  const close = (obj) => {
    if (obj && typeof obj === 'object') {
      if (obj.type === 'object' && obj.properties && obj.additionalProperties === undefined) obj.additionalProperties = false;
      for (const v of Object.values(obj)) close(v);
    }
  };
  close(schema.properties);
  describe(schema, CONFIG_DESCRIPTIONS);
  return schema;
}

/** Hover text for the experiment file's keys. */
const EXPERIMENT_DESCRIPTIONS = {
  name: 'Name of the experiment (folder name and table title).',
  prompt: 'The prompt file every run optimizes (relative to this file). It is never modified.',
  data: 'The dataset: a built-in benchmark name (gsm8k, bbh/object_counting, ...) or a JSONL/CSV/JSON file (relative to this file), with optional split sizes.',
  metric: 'How answers are scored (numeric, exact, contains, regex:..., judge, ...); default from the dataset.',
  forward: 'The forward model for every run (default: the settings or the CLI flags; the offline simulator when none).',
  backward: 'The backward model for every run.',
  seeds: 'Seeds per configuration: a count N (seeds 1001..1000+N) or an explicit list. A bigger count later extends the experiment.',
  base: 'Settings shared by every configuration (steps, batchSize, epochs, patience, techniques, method); a configuration overrides them.',
  configs: 'The configurations to compare: each a name, a preset (best, robust, textgrad, reference, all, custom) and technique or method overrides.',
  grid: 'Optional sweep applied to every configuration: a config field path (techniques.lr, batchSize, techniques.tsaTemperature, ...) to a list of values; the cartesian product is run.',
  baseline: 'The configuration the others are compared with (difference with a bootstrap CI and a paired per-example test); default the first.',
  budget: 'ONE budget for the whole grid: every call of every run reserves against it; the grid stops cleanly before a cap is passed.',
  maxConcurrency: 'Most model requests in flight at once, across all runs of the grid.',
  parallelRuns: 'How many runs execute at once (all share maxConcurrency).',
};

async function experimentSchema() {
  const { ExperimentSpecSchema } = await loadTsModule('src', 'core', 'experiment', 'experimentSpec.ts');
  const schema = toJsonSchema(ExperimentSpecSchema, {
    id: 'dlpo.experiment.schema.json',
    title: 'DLPO experiment (dlpo.experiment.json / dlpo.experiment.yaml)',
    description:
      'A grid of configurations x seeds on one prompt, dataset and metric, with one budget. Run it with DLPO: Run Experiment or `dlpo experiment <file>`. See docs/experiments.md.',
  });
  describe(schema, EXPERIMENT_DESCRIPTIONS);
  return schema;
}

const outputs = [
  ['dlpo.config.schema.json', configSchema],
  ['dlpo.experiment.schema.json', experimentSchema],
];
let stale = false;
for (const [name, generate] of outputs) {
  const out = path.join(root, 'schemas', name);
  const text = `${JSON.stringify(await generate(), null, 2)}\n`;
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
    if (current === text) console.log(`${path.relative(root, out)} is up to date`);
    else {
      console.error(`${path.relative(root, out)} is stale: run node scripts/gen-schemas.mjs`);
      stale = true;
    }
  } else {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text);
    console.log(`wrote ${path.relative(root, out)}`);
  }
}
if (stale) process.exit(1);
