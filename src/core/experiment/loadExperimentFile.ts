import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ExperimentSpec } from './experimentSpec';
import { ExperimentSpecSchema } from './experimentSpec';
import { resolveSpecPaths } from './runExperiment';

/** `dlpo.experiment.yaml|yml|json`: found in a folder by these names. */
export const EXPERIMENT_FILE_NAMES = ['dlpo.experiment.yaml', 'dlpo.experiment.yml', 'dlpo.experiment.json'] as const;

export class ExperimentFileError extends Error {
  override readonly name = 'ExperimentFileError';
}

/**
 * Reads and validates an experiment file. Relative `prompt` and `data.source` are
 * relative to the file (a benchmark name stays a name), so it works from any folder.
 */
export function loadExperimentFile(file: string): ExperimentSpec {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ExperimentFileError(`Cannot read the experiment file ${file} (does it exist?).`);
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ExperimentFileError(`${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (raw && typeof raw === 'object' && '$schema' in raw) delete (raw as Record<string, unknown>).$schema;
  const parsed = ExperimentSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
    throw new ExperimentFileError(`${file} is not a valid experiment:\n${lines.join('\n')}\nSee docs/experiments.md for the format.`);
  }
  return resolveSpecPaths(parsed.data, path.dirname(path.resolve(file)));
}
