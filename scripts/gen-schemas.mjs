#!/usr/bin/env node
// Generates schemas/dlpo.config.schema.json from the zod RunConfigSchema
// (src/core/config/runConfig.ts) with zod 4's z.toJSONSchema, so the completion and
// validation VS Code offers for dlpo.config.json (contributes.jsonValidation) and, via the
// Red Hat YAML extension's `# yaml-language-server: $schema=` comment, for
// dlpo.config.yaml, always match what the run accepts.
//
// The workspace file is a *partial* config: the command supplies the prompt file and may
// supply the data, so nothing is required; unknown keys are errors (as in the merge).
//
// Usage: node scripts/gen-schemas.mjs [--check]   (--check: exit 1 if the file is stale)
import { build } from 'esbuild';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'schemas', 'dlpo.config.schema.json');

/** Loads the TypeScript schema module by bundling it to CommonJS in memory. */
async function loadRunConfig() {
  const result = await build({
    entryPoints: [path.join(root, 'src', 'core', 'config', 'runConfig.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  });
  const mod = { exports: {} };
  const req = createRequire(path.join(root, 'package.json'));
  new Function('module', 'exports', 'require', result.outputFiles[0].text)(mod, mod.exports, req);
  return mod.exports;
}

/** Hover text for the keys (the zod schema carries its documentation in comments). */
const DESCRIPTIONS = {
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

export async function generateConfigSchema() {
  const { RunConfigSchema } = await loadRunConfig();
  const { z } = createRequire(path.join(root, 'package.json'))('zod');
  const schema = z.toJSONSchema(RunConfigSchema, { io: 'input', unrepresentable: 'any' });
  delete schema.required;
  schema.$id = 'https://dlpo.dev/schemas/dlpo.config.schema.json';
  schema.title = 'DLPO Prompt Optimizer configuration (dlpo.config.json / dlpo.config.yaml)';
  schema.description =
    'Run settings for the workspace. Lower priority than the choices made in the command, higher than VS Code settings. API keys never go here: name an environment variable with apiKeyEnv.';
  schema.properties = { $schema: { type: 'string', description: 'The JSON schema of this file.' }, ...schema.properties };
  schema.additionalProperties = false;
  const close = (obj) => {
    if (obj && typeof obj === 'object') {
      if (obj.type === 'object' && obj.properties && obj.additionalProperties === undefined) obj.additionalProperties = false;
      for (const v of Object.values(obj)) close(v);
    }
  };
  close(schema.properties);
  for (const [key, text] of Object.entries(DESCRIPTIONS)) {
    const [head, sub] = key.split('.');
    const target = sub ? schema.properties[head]?.properties?.[sub] : schema.properties[head];
    if (target) target.description = text;
  }
  return `${JSON.stringify(schema, null, 2)}\n`;
}

const text = await generateConfigSchema();
if (process.argv.includes('--check')) {
  const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (current !== text) {
    console.error(`${path.relative(root, out)} is stale: run node scripts/gen-schemas.mjs`);
    process.exit(1);
  }
  console.log(`${path.relative(root, out)} is up to date`);
} else {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
  console.log(`wrote ${path.relative(root, out)}`);
}
