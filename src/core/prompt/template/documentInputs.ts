import type { PromptDocument } from '../promptDocument';
import { TemplateError } from '../templateVariables';
import { promptInputs, promptTemplateOf } from './promptTemplate';
import { promptyDeclaredInputs } from './promptyInputs';
import type { TemplateEngine } from './templateEngine';

/** One input of a prompt file, as `dlpo inspect` lists it. */
export interface DocumentInput {
  name: string;
  /** Dotted paths the template reads under it (`customer.orders[].id`). */
  paths: string[];
  loop: boolean;
  /** A dataset row must have it (it is read, not only tested, and has no default). */
  required: boolean;
  /** Declared in a Prompty file's `inputs`. */
  declared: boolean;
  /** Read by the template; a declared input may be unused. */
  used: boolean;
  default?: unknown;
}

export interface DocumentInputs {
  engine: TemplateEngine;
  inputs: DocumentInput[];
  /** Why the template could not be read (it does not parse), when so. */
  problem?: string;
}

/**
 * Every input of a prompt file: what its template reads anywhere in what is sent (all
 * role sections, not only the optimized one; loop iterables and dotted roots included),
 * plus a Prompty file's declared inputs. No files are read (a `${file:…}` sample is not
 * opened), so this is safe to show for any file.
 */
export function documentInputs(doc: PromptDocument): DocumentInputs {
  const template = promptTemplateOf(doc);
  const own = doc.format === 'prompty' ? promptyDeclaredInputs(doc.frontMatter) : { declared: [], defaults: {} };
  const out: DocumentInput[] = [];
  let problem: string | undefined;
  try {
    for (const i of promptInputs(template, doc.body)) {
      const hasDefault = Object.prototype.hasOwnProperty.call(own.defaults, i.name);
      out.push({ ...i, required: i.required && !hasDefault, declared: own.declared.includes(i.name), used: true, ...(hasDefault ? { default: own.defaults[i.name] } : {}) });
    }
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    problem = e.message;
  }
  for (const name of own.declared) {
    if (out.some((i) => i.name === name)) continue;
    const hasDefault = Object.prototype.hasOwnProperty.call(own.defaults, name);
    out.push({ name, paths: [], loop: false, required: false, declared: true, used: false, ...(hasDefault ? { default: own.defaults[name] } : {}) });
  }
  return { engine: template.engine, inputs: out, ...(problem ? { problem } : {}) };
}
