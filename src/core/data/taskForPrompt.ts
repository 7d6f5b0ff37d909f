import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PromptDocument } from '../prompt/promptDocument';
import { promptInputs, promptTemplateOf, type PromptTemplate } from '../prompt/template/promptTemplate';
import { promptyValues, type PromptyValues } from '../prompt/template/promptyInputs';
import type { TemplateInput } from '../prompt/template/templateInputs';
import { TemplateError } from '../prompt/templateVariables';
import { DatasetError } from './datasetError';
import { readTextFileSync } from './inputFile';
import type { Example } from './example';
import { buildTemplateMessages } from './forwardMessages';
import type { Task } from './task';

export interface PromptBinding {
  template: PromptTemplate;
  /** What the file reads (with its current body). */
  inputs: TemplateInput[];
  /** The file's own values (Prompty `inputs` defaults and `sample`); empty for other formats. */
  own: PromptyValues;
}

/** The values an example binds: the file's sample, then its defaults, then the row's own fields. */
export function exampleValues(example: Example, own: PromptyValues): Record<string, unknown> {
  return { ...own.sample, ...own.defaults, ...(example.values ?? example.vars) };
}

/** A field of `values` matching `name` exactly, else case-insensitively (as variables always bound). */
function fieldFor(values: Readonly<Record<string, unknown>>, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(values, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(values).find((k) => k.toLowerCase() === lower);
}

/**
 * Checks, before any call, that every example can fill every input the prompt needs;
 * the error names the first missing field and the row. Inputs only tested (`{% if x %}`)
 * may be missing. Case-insensitive matches are bound under the template's spelling.
 */
export function checkExampleBinding(binding: PromptBinding, examples: readonly Example[], source: string): void {
  const needed = binding.inputs.filter((i) => i.required);
  for (const example of examples) {
    const values = exampleValues(example, binding.own);
    for (const input of needed) {
      if (fieldFor(values, input.name) === undefined) {
        const fields = Object.keys(example.values ?? example.vars);
        throw new DatasetError(
          `the prompt reads "${input.paths[0]}" but row ${example.id} has no field "${input.name}"${fields.length ? ` (fields: ${fields.join(', ')})` : ''}; rename the variable or the dataset field, or give the input a default in the front matter`,
          { file: source },
        );
      }
    }
  }
}

function bindCase(values: Record<string, unknown>, inputs: readonly TemplateInput[]): Record<string, unknown> {
  for (const input of inputs) {
    if (Object.prototype.hasOwnProperty.call(values, input.name)) continue;
    const key = fieldFor(values, input.name);
    if (key !== undefined) values[input.name] = values[key];
  }
  return values;
}

/**
 * A run folder's `best.prompt.*` is a copy of the user's file, written next to the run's
 * `config.json`; its relative references (`${file:sample.json}`) mean the folder of the
 * file it was copied from, which that config names. Anything else has no such folder.
 */
export function originFolders(file: string): string[] {
  const config = path.join(path.dirname(file), 'config.json');
  if (!fs.existsSync(config)) return [];
  try {
    const saved = JSON.parse(readTextFileSync(config, { what: 'run configuration', maxBytes: 1024 * 1024 })) as { promptFile?: unknown };
    if (typeof saved.promptFile !== 'string' || saved.promptFile === '') return [];
    const origin = path.dirname(path.resolve(path.dirname(file), saved.promptFile));
    return origin === path.dirname(file) ? [] : [origin];
  } catch {
    return [];
  }
}

/** How the prompt file reads: its template, inputs and own values. `file` is the prompt file's path; relative references also resolve from `fallbackDirs` (default: `originFolders(file)`). */
export function promptBinding(doc: PromptDocument, file: string, fallbackDirs: readonly string[] = originFolders(file)): PromptBinding {
  const template = promptTemplateOf(doc);
  const own = doc.format === 'prompty' ? promptyValues(doc.frontMatter, path.dirname(file), fallbackDirs) : { declared: [], defaults: {}, sample: {} };
  return { template, inputs: promptInputs(template, doc.body), own };
}

/**
 * The task as this prompt file runs it: forward calls send the whole file rendered per
 * example (Prompty role sections as messages, Jinja/Mustache rendered, nested fields
 * bound), with the candidate body in the optimizable slot. Every example is checked
 * against the file's inputs first, so a missing field fails here, before any call.
 */
export function taskForPrompt(task: Task, doc: PromptDocument, file: string, options: { fallbackDirs?: readonly string[] } = {}): Task {
  const binding = promptBinding(doc, file, options.fallbackDirs);
  checkExampleBinding(binding, [...task.train, ...task.val, ...task.test], task.id);
  // Inputs are found per body, as a candidate's body is another template; one cache entry is enough, as bodies repeat in runs.
  let cached: { body: string; inputs: TemplateInput[] } = { body: doc.body, inputs: binding.inputs };
  const inputsFor = (body: string) => {
    if (cached.body !== body) {
      try {
        cached = { body, inputs: promptInputs(binding.template, body) };
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        throw new TemplateError(`the prompt does not parse as a template: ${e.message}`);
      }
    }
    return cached.inputs;
  };
  return {
    ...task,
    forwardMessages: (promptText, example, o) => {
      const inputs = inputsFor(promptText);
      return buildTemplateMessages(binding.template, promptText, example, {
        includeFormatInstruction: o.includeFormatInstruction,
        ...(o.formatSeparator ? { formatSeparator: o.formatSeparator } : {}),
        format: task.forwardFormat ?? 'raw',
        formatInstruction: task.metric.formatInstruction,
        values: bindCase(exampleValues(example, binding.own), inputs),
        hasInputs: inputs.length > 0,
      });
    },
  };
}
