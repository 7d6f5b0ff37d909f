import { TemplateError } from '../templateVariables';
import type { TemplateEngine } from './templateEngine';
import { templateInputs } from './templateInputs';

/**
 * Template syntax is not prompt text: a candidate may reword the sentences around
 * `{% for … %}`, `{{ customer.name }}`, `{# … #}`, Mustache tags or Copilot's
 * `${input:x}`, but never change, drop, add or reorder them. A candidate that does is
 * rejected with a reason naming what changed, and the trainer journals that reason.
 * Whitespace inside a tag (`{{x}}` vs `{{ x }}`) is not a change.
 */

const TAG = /\{%-?[\s\S]*?-?%\}|\{#[\s\S]*?#\}|\{\{\{[\s\S]*?\}\}\}|\{\{[\s\S]*?\}\}|\$\{input:[^}\n]*\}/g;

/** The template tags of `text`, in order, as written. */
export function templateTags(text: string): string[] {
  return [...text.matchAll(TAG)].map((m) => m[0]);
}

const canonical = (tag: string) => tag.replace(/\s+/g, ' ').replace(/^(\{[{%#]+-?) ?/, '$1').replace(/ ?(-?[}%#]+\})$/, '$1');

function show(tags: readonly string[]): string {
  const shown = tags.slice(0, 3).join(', ');
  return tags.length > 3 ? `${shown} and ${tags.length - 3} more` : shown;
}

function inputRoots(text: string, engine: TemplateEngine): string[] | undefined {
  try {
    return templateInputs(text, engine).map((i) => i.name);
  } catch (e) {
    if (e instanceof TemplateError) return undefined;
    throw e;
  }
}

/**
 * Why `after` may not replace `before` as template text, or undefined when its template
 * syntax is unchanged. Names dropped or invented inputs (dotted roots and loop iterables
 * included) first, as that is what breaks a run; then any other changed tag.
 */
export function templateSyntaxProblem(before: string, after: string, engine: TemplateEngine): string | undefined {
  const tagsBefore = templateTags(before);
  const tagsAfter = templateTags(after);
  const had = tagsBefore.map(canonical);
  const has = tagsAfter.map(canonical);
  if (engine !== 'none' && engine !== 'copilot') {
    // A body that is only part of a template (a loop closed outside it) cannot be parsed alone; its tags are still compared below.
    const rootsBefore = inputRoots(before, engine);
    const rootsAfter = rootsBefore && inputRoots(after, engine);
    if (rootsBefore && rootsAfter === undefined) return `the update breaks the template syntax (it no longer parses as ${engine === 'jinja2' ? 'Jinja' : 'Mustache'}); template tags must stay as written`;
    const dropped = rootsBefore && rootsAfter ? rootsBefore.filter((n) => !rootsAfter.includes(n)) : [];
    const invented = rootsBefore && rootsAfter ? rootsAfter.filter((n) => !rootsBefore.includes(n)) : [];
    const parts: string[] = [];
    if (dropped.length) parts.push(`drops ${dropped.map((n) => `{{${n}}}`).join(', ')}`);
    if (invented.length) parts.push(`invents ${invented.map((n) => `{{${n}}}`).join(', ')}`);
    if (parts.length) return `the update ${parts.join(' and ')}; template variables must stay the same`;
  }
  if (had.length === has.length && had.every((t, i) => t === has[i])) return undefined;
  // Compared by canonical form, shown as written.
  const removed = tagsBefore.filter((_t, i) => !has.includes(had[i]));
  const added = tagsAfter.filter((_t, i) => !had.includes(has[i]));
  if (removed.length || added.length) {
    const parts: string[] = [];
    if (removed.length) parts.push(`removes or changes ${show(removed)}`);
    if (added.length) parts.push(`adds ${show(added)}`);
    return `the update ${parts.join(' and ')}; template syntax is protected and must stay as written`;
  }
  return 'the update reorders or repeats template tags; template syntax is protected and must stay as written';
}
