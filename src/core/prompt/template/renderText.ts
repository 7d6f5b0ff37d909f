import Mustache from 'mustache';
import nunjucks from 'nunjucks';
import { renderTemplate, TemplateError } from '../templateVariables';
import type { TemplateEngine } from './templateEngine';

/**
 * Renders template text with one example's values, with the engine the prompt is
 * written for. Settings follow Prompty's TypeScript runtime, so a file renders here as
 * it does there: nunjucks without autoescaping and with undefined names as empty text
 * (a missing *field* is caught earlier, by `checkExampleBinding`, with the row named);
 * Mustache with its standard HTML escaping of `{{x}}` (`{{{x}}}` is raw), as Prompty does.
 *
 * Candidate prompts are model text, so template evaluation is fenced: attribute lookups
 * see only a value's own data properties (no `constructor`, `__proto__`, getters) and
 * function calls are refused. That is the same fence Prompty puts around nunjucks; data
 * values are plain JSON, so nothing a real prompt needs is lost.
 */

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });

const BLOCKED = new Set(['__proto__', 'constructor', 'prototype']);

interface NunjucksRuntimeHooks {
  memberLookup: (object: unknown, property: unknown) => unknown;
  callWrap: (callable: unknown, name: string, context: unknown, args: unknown[]) => unknown;
}

function ownValue(object: unknown, property: unknown): unknown {
  if (typeof property === 'string' && BLOCKED.has(property)) throw new TemplateError(`the template reads "${property}", which is not allowed`);
  if (object === null || typeof object !== 'object') return undefined;
  if (typeof property !== 'string' && typeof property !== 'number') return undefined;
  const d = Object.getOwnPropertyDescriptor(object, property);
  return d && 'value' in d ? d.value : undefined;
}

function refuseCall(_callable: unknown, name: string): never {
  throw new TemplateError(`the template calls ${name}(), and templates may not call functions here`);
}

/** Plain data only: null-prototype copies of objects, no functions, no accessors. */
export function plainData(value: unknown, seen = new WeakMap<object, unknown>()): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const v of value) out.push(plainData(v, seen));
    return out;
  }
  const out = Object.create(null) as Record<string, unknown>;
  seen.set(value, out);
  for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
    if (!BLOCKED.has(k) && 'value' in d) out[k] = plainData(d.value, seen);
  }
  return out;
}

function renderJinja(text: string, context: Record<string, unknown>): string {
  const runtime = nunjucks.runtime as unknown as NunjucksRuntimeHooks;
  const { memberLookup, callWrap } = runtime;
  // nunjucks has no per-environment hook for these; rendering is synchronous, so
  // swapping them for the duration of one render cannot leak into another.
  runtime.memberLookup = ownValue;
  runtime.callWrap = refuseCall;
  try {
    return env.renderString(text, context);
  } catch (e) {
    if (e instanceof TemplateError) throw e;
    const message = (e as Error).message.replace(/^\(unknown path\)\s*/, '').replace(/\s+/g, ' ').trim();
    throw new TemplateError(`the Jinja template cannot be rendered: ${message}`);
  } finally {
    runtime.memberLookup = memberLookup;
    runtime.callWrap = callWrap;
  }
}

function renderMustache(text: string, context: Record<string, unknown>): string {
  try {
    // No partials: a prompt's `{{> name}}` has nothing to load here, so it renders empty, as with no partials given.
    return Mustache.render(text, context, {});
  } catch (e) {
    throw new TemplateError(`the Mustache template cannot be rendered: ${(e as Error).message}`);
  }
}

/** Text form of a value for the Copilot `${input:x}` substitution, which inserts text verbatim. */
function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * `text` rendered with `values` (an example's fields, nested JSON included). Prompty's
 * `{{inputs.x}}` spelling reads the same values unless the data has its own `inputs`.
 */
export function renderText(text: string, engine: TemplateEngine, values: Readonly<Record<string, unknown>>): string {
  if (engine === 'none') return text;
  if (engine === 'copilot') return renderTemplate(text, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, asText(v)])));
  const data = plainData(values) as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(data, 'inputs')) data.inputs = plainData(values);
  return engine === 'jinja2' ? renderJinja(text, data) : renderMustache(text, data);
}
