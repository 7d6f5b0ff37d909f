#!/usr/bin/env node
// Generates schemas/dlpo.experiment.schema.json from the zod ExperimentSpecSchema
// (src/core/experiment/experimentSpec.ts) with zod 4's z.toJSONSchema, so the completion
// and validation VS Code offers for dlpo.experiment.json (contributes.jsonValidation) and,
// with the Red Hat YAML extension, dlpo.experiment.yaml (contributes.yamlValidation)
// always match what `dlpo experiment` accepts. Same approach as scripts/gen-schemas.mjs.
//
// Usage: node scripts/gen-experiment-schema.mjs [--check]   (--check: exit 1 if stale)
import { build } from 'esbuild';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'schemas', 'dlpo.experiment.schema.json');

async function loadSpecModule() {
  const result = await build({
    entryPoints: [path.join(root, 'src', 'core', 'experiment', 'experimentSpec.ts')],
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

const DESCRIPTIONS = {
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

export async function generateExperimentSchema() {
  const { ExperimentSpecSchema } = await loadSpecModule();
  const { z } = createRequire(path.join(root, 'package.json'))('zod');
  const schema = z.toJSONSchema(ExperimentSpecSchema, { io: 'input', unrepresentable: 'any' });
  schema.$id = 'https://dlpo.dev/schemas/dlpo.experiment.schema.json';
  schema.title = 'DLPO experiment (dlpo.experiment.json / dlpo.experiment.yaml)';
  schema.description = 'A grid of configurations x seeds on one prompt, dataset and metric, with one budget. Run it with DLPO: Run Experiment or `dlpo experiment <file>`. See docs/experiments.md.';
  schema.properties = { $schema: { type: 'string', description: 'The JSON schema of this file.' }, ...schema.properties };
  schema.additionalProperties = false;
  for (const [key, text] of Object.entries(DESCRIPTIONS)) if (schema.properties[key]) schema.properties[key].description = text;
  return `${JSON.stringify(schema, null, 2)}\n`;
}

const text = await generateExperimentSchema();
if (process.argv.includes('--check')) {
  const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (current !== text) {
    console.error(`${path.relative(root, out)} is stale: run node scripts/gen-experiment-schema.mjs`);
    process.exit(1);
  }
  console.log(`${path.relative(root, out)} is up to date`);
} else {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
  console.log(`wrote ${path.relative(root, out)}`);
}
