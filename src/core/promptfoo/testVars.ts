import * as path from 'node:path';
import { DatasetError } from '../data/datasetError';
import { readTextFileSync } from '../data/inputFile';
import { globFiles } from './globFiles';
import { parseYamlOrJson } from './readTestFile';

/**
 * Test variables as promptfoo hands them to the prompt:
 *
 * - `vars: file://vars.yaml` (or a list of such files) is the files' mappings merged;
 * - a var `file://notes.txt` is the file's text, trimmed; `file://data.yaml` its YAML as
 *   JSON text; a glob (`file://docs/*.md`) is one test per file;
 * - a list of strings is one test per string (promptfoo's var expansion; lists of other
 *   values stay one value), unless `options.disableVarExpansion`;
 * - a string's one trailing newline is dropped, and `{{other}}` inside a value is filled
 *   from the other vars (up to five passes), as promptfoo does before rendering.
 *
 * Script-backed vars (`.js`, `.py`) and media files (images, audio, video, PDF) would need
 * promptfoo's runtime and are refused with the var named.
 */

const SCRIPT = /\.(m?js|cjs|ts|mts|cts|py|rb)(:[\w.]+)?$/i;
const MEDIA = /\.(png|jpe?g|gif|webp|bmp|svg|tiff?|ico|avif|heic|heif|mp3|wav|ogg|flac|m4a|aac|mp4|mov|webm|avi|mkv|pdf)$/i;

interface Where {
  file: string;
  record?: number;
  line?: number;
}

/** `vars:` given as file references: their mappings merged in order. */
export function varsFromFiles(refs: string | readonly string[], baseDir: string, where: Where): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const ref of typeof refs === 'string' ? [refs] : refs) {
    for (const file of globFiles(ref.replace(/^file:\/\//, ''), baseDir)) {
      const value = parseYamlOrJson(readTextFileSync(file, { what: 'promptfoo vars file' }), file);
      if (value === null || value === undefined) continue;
      if (typeof value !== 'object' || Array.isArray(value)) throw new DatasetError('a vars file must hold a mapping of names to values', { ...where, file, field: 'vars' });
      Object.assign(out, value);
    }
  }
  return out;
}

function fileVarValue(name: string, file: string, where: Where): string {
  if (SCRIPT.test(file)) throw new DatasetError(`the var "${name}" is computed by a script (${path.basename(file)}), which DLPO does not run`, { ...where, field: `vars.${name}` });
  if (MEDIA.test(file)) throw new DatasetError(`the var "${name}" is a media file (${path.basename(file)}); DLPO sends text only`, { ...where, field: `vars.${name}` });
  const text = readTextFileSync(file, { what: `promptfoo var "${name}"` });
  if (/\.ya?ml$/i.test(file)) return JSON.stringify(parseYamlOrJson(text, file));
  return text.trim();
}

/** Every combination of the vars' values (one test each), in promptfoo's order. */
export function varCombinations(vars: Readonly<Record<string, unknown>>, baseDir: string, where: Where, options: { expand: boolean }): Record<string, unknown>[] {
  let combinations: Record<string, unknown>[] = [{}];
  for (const [name, value] of Object.entries(vars)) {
    let values: unknown[];
    if (typeof value === 'string' && value.startsWith('file://')) {
      const files = globFiles(value.slice(7), baseDir);
      if (files.length === 0) throw new DatasetError(`the var "${name}" names ${value}, which matches no file (relative to ${baseDir})`, { ...where, field: `vars.${name}` });
      values = files.map((f) => fileVarValue(name, f, where));
    } else if (options.expand && Array.isArray(value) && typeof value[0] === 'string') values = value;
    else values = [value];
    if (!options.expand) values = values.slice(0, 1);
    combinations = combinations.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return combinations.map(settleVars);
}

/** The trailing-newline and `{{other}}` steps promptfoo applies to vars before rendering. */
export function settleVars(vars: Record<string, unknown>): Record<string, unknown> {
  const out = { ...vars };
  for (const k of Object.keys(out)) {
    const v = out[k];
    if (typeof v === 'string') out[k] = v.replace(/\n$/, '');
  }
  const placeholder = /\{\{\s*(\w+)\s*\}\}/;
  for (let pass = 0; pass < 5; pass++) {
    let changed = false;
    for (const k of Object.keys(out)) {
      const v = out[k];
      if (typeof v !== 'string') continue;
      const m = placeholder.exec(v);
      if (m && Object.prototype.hasOwnProperty.call(out, m[1]) && out[m[1]] !== undefined) {
        out[k] = v.replace(m[0], String(out[m[1]]));
        changed = true;
      }
    }
    if (!changed) break;
  }
  return out;
}
