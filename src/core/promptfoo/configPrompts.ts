import * as path from 'node:path';
import { DatasetError } from '../data/datasetError';
import { readTextFileSync } from '../data/inputFile';
import { splitPrompts } from '../prompt/multiPrompt';
import { globFiles } from './globFiles';
import { isPromptfooValue } from './loadSuite';
import { parseYamlOrJson } from './readTestFile';

/**
 * The prompts a promptfoo config names (`prompts:`), as prompt files DLPO can read and
 * optimize, in promptfoo's order: `file://` references and globs (relative to the config),
 * as strings or as `{id: file://…}` objects; a `.txt` file with `---` lines is one prompt
 * per part, as promptfoo reads it. Inline prompt text has no file to optimize and script
 * or JSON chat prompts are not text prompts, so they are refused with the entry named.
 */
export interface ConfigPrompt {
  file: string;
  /** 1-based part of a multi-prompt `.txt` file, when it has several. */
  part?: number;
}

/** The parsed config when `file` is a promptfoo config with prompts, else undefined. */
export function promptfooConfigOf(file: string): Record<string, unknown> | undefined {
  if (!/\.(ya?ml|json)$/i.test(file)) return undefined;
  let value: unknown;
  try {
    value = parseYamlOrJson(readTextFileSync(file, { what: 'promptfoo config' }), file);
  } catch {
    return undefined;
  }
  if (!isPromptfooValue(value) || Array.isArray(value) || (value as { prompts?: unknown }).prompts === undefined) return undefined;
  return value as Record<string, unknown>;
}

export function configPrompts(configFile: string, config: Record<string, unknown>): ConfigPrompt[] {
  const dir = path.dirname(configFile);
  const entries = Array.isArray(config.prompts) ? config.prompts : [config.prompts];
  const out: ConfigPrompt[] = [];
  entries.forEach((entry, i) => {
    const where = { file: configFile, field: `prompts[${i}]` };
    const ref = typeof entry === 'string' ? entry : entry && typeof entry === 'object' ? (entry as { id?: unknown }).id : undefined;
    if (typeof ref !== 'string' || !ref.startsWith('file://')) {
      throw new DatasetError('DLPO optimizes prompt files: write this prompt to a file and reference it as file://prompt.txt', where);
    }
    const bare = ref.slice(7);
    if (/\.(m?js|cjs|ts|py)(:[\w.]+)?$/i.test(bare) || /\.(json|jsonl|ya?ml)$/i.test(bare)) {
      throw new DatasetError(`${bare} is a ${/\.(json|jsonl|ya?ml)$/i.test(bare) ? 'chat-message' : 'script'} prompt; DLPO optimizes text prompt files (.txt, .md, .prompty, .prompt.md)`, where);
    }
    const files = globFiles(bare, dir);
    if (files.length === 0) throw new DatasetError(`${ref} matches no file (relative to ${dir})`, where);
    for (const file of files) {
      const parts = /\.txt$/i.test(file) ? splitPrompts(readTextFileSync(file, { what: 'prompt file' })).length : 1;
      if (parts > 1) for (let k = 1; k <= parts; k++) out.push({ file, part: k });
      else out.push({ file });
    }
  });
  return out;
}

/**
 * A promptfoo config given where a prompt file is expected (`dlpo eval promptfooconfig.yaml`):
 * the prompt is the config's `choice`-th prompt (1-based; the only one when there is one),
 * and the config is the data unless other data is given.
 */
export function promptFromConfig(configFile: string, config: Record<string, unknown>, choice: number | undefined): ConfigPrompt {
  const prompts = configPrompts(configFile, config);
  if (prompts.length === 0) throw new DatasetError('the config has no prompts', { file: configFile, field: 'prompts' });
  const list = prompts.map((p, i) => `${i + 1}: ${path.relative(path.dirname(configFile), p.file)}${p.part ? ` (part ${p.part})` : ''}`).join(', ');
  if (choice === undefined && prompts.length > 1) throw new DatasetError(`the config has ${prompts.length} prompts (${list}); choose one with --prompt N`, { file: configFile, field: 'prompts' });
  const picked = prompts[(choice ?? 1) - 1];
  if (!picked) throw new DatasetError(`--prompt ${choice}: the config has ${prompts.length} prompt${prompts.length === 1 ? '' : 's'} (${list})`, { file: configFile, field: 'prompts' });
  return picked;
}
