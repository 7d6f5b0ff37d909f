import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTextFileSync, stripBom } from '../../data/inputFile';
import { parseYamlSafely } from '../../data/safeYaml';
import { TemplateError } from '../templateVariables';

/**
 * The values a Prompty file supplies itself: `inputs` defaults (the list form of
 * Prompty 2, `- name: x, default: …`, and the mapping form of Prompty 1,
 * `x: {type: string, default: …}`) and `sample` (inline, or `${file:sample.json}`
 * relative to the prompt file's own folder). A dataset row's field wins over both; a
 * default wins over the sample, as Prompty fills declared defaults first.
 */
export interface PromptyValues {
  /** Names the front matter declares under `inputs`. */
  declared: string[];
  defaults: Record<string, unknown>;
  sample: Record<string, unknown>;
  /** Where the sample came from, for messages: `inline` or the file read. */
  sampleSource?: string;
}

const FILE_REF = /^\$\{file:([^}]+)\}$/;

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Reads `${file:…}`: from the prompt's folder first, then each of `fallbackDirs` (a run
 * folder's copy of a prompt names the folder of the file it came from), so a copy
 * written elsewhere still finds its sample.
 */
function readReferencedFile(ref: string, promptDir: string, fallbackDirs: readonly string[]): { file: string; data: unknown } {
  const tried: string[] = [];
  for (const dir of [promptDir, ...fallbackDirs]) {
    const file = path.resolve(dir, ref.trim());
    tried.push(file);
    if (!fs.existsSync(file)) continue;
    const text = stripBom(readTextFileSync(file, { what: 'sample file', maxBytes: 5 * 1024 * 1024 }));
    if (/\.json$/i.test(file)) {
      try {
        return { file, data: JSON.parse(text) };
      } catch (e) {
        throw new TemplateError(`the sample file ${file} is not valid JSON: ${(e as Error).message}`);
      }
    }
    const parsed = parseYamlSafely(text);
    if (!parsed.ok) throw new TemplateError(`the sample file ${file} is not valid YAML or JSON: ${parsed.message}`);
    return { file, data: parsed.value };
  }
  throw new TemplateError(`the front matter's sample refers to \${file:${ref}}, which is not there (looked at ${tried.join(', ')})`);
}

/** The inputs the front matter declares and their defaults (no files read). */
export function promptyDeclaredInputs(frontMatter: unknown): { declared: string[]; defaults: Record<string, unknown> } {
  const fm = record(frontMatter) ?? {};
  const declared: string[] = [];
  const defaults: Record<string, unknown> = {};
  const inputs = fm.inputs;
  if (Array.isArray(inputs)) {
    for (const item of inputs) {
      const o = record(item);
      if (!o || typeof o.name !== 'string') continue;
      declared.push(o.name);
      if (o.default !== undefined) defaults[o.name] = o.default;
    }
  } else if (record(inputs)) {
    for (const [name, spec] of Object.entries(record(inputs)!)) {
      declared.push(name);
      const o = record(spec);
      if (o && o.default !== undefined) defaults[name] = o.default;
    }
  }
  return { declared, defaults };
}

export function promptyValues(frontMatter: unknown, promptDir: string, fallbackDirs: readonly string[] = []): PromptyValues {
  const fm = record(frontMatter) ?? {};
  const { declared, defaults } = promptyDeclaredInputs(frontMatter);
  let sample: Record<string, unknown> = {};
  let sampleSource: string | undefined;
  const raw = fm.sample;
  const ref = typeof raw === 'string' ? FILE_REF.exec(raw.trim()) : null;
  if (ref) {
    const { file, data } = readReferencedFile(ref[1], promptDir, fallbackDirs);
    if (!record(data)) throw new TemplateError(`the sample file ${file} must hold an object of input values`);
    sample = record(data)!;
    sampleSource = file;
  } else if (record(raw)) {
    sample = record(raw)!;
    sampleSource = 'inline';
  }
  return { declared, defaults, sample, ...(sampleSource ? { sampleSource } : {}) };
}
