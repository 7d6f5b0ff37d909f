import type { PromptFormat } from '../promptDocument';

/**
 * Which template language a prompt is written in, so it is rendered the way it runs in
 * production:
 *
 * - `jinja2`: Prompty's default (its TypeScript runtime renders it with nunjucks, and so
 *   does promptfoo), and what `{{ x }}` / `{% … %}` in any other file is taken to be;
 * - `mustache`: a Prompty file whose front matter says so, or a file whose only template
 *   syntax is Mustache's own (`{{#list}}`, `{{^x}}`, `{{/list}}`, `{{{raw}}}`, `{{> p}}`);
 * - `copilot`: GitHub Copilot prompt files' `${input:name}` (substituted as before);
 * - `none`: no template syntax at all.
 */
export type TemplateEngine = 'jinja2' | 'mustache' | 'copilot' | 'none';

const JINJA_SYNTAX = /\{%|(?<!\{)\{#/;
const MUSTACHE_ONLY = /\{\{\s*[#^/>!]|\{\{\{/;
const EXPRESSION = /\{\{/;
const COPILOT_INPUT = /\$\{input:[A-Za-z_]/;
const ACTIONS_EXPRESSION = /\$\{\{[^}\n]*\}\}/g;

/** The engine named by Prompty front matter: `template: mustache`, `template: {format: mustache}` or `template: {format: {kind: mustache}}`. */
export function declaredEngine(frontMatter: unknown): TemplateEngine | undefined {
  if (!frontMatter || typeof frontMatter !== 'object') return undefined;
  const t = (frontMatter as Record<string, unknown>).template;
  let name: unknown = t;
  if (t && typeof t === 'object') {
    const o = t as Record<string, unknown>;
    name = o.format ?? o.type;
    if (name && typeof name === 'object') name = (name as Record<string, unknown>).kind;
  }
  if (typeof name !== 'string') return undefined;
  const n = name.trim().toLowerCase();
  if (n === 'mustache' || n === 'handlebars') return 'mustache';
  if (n === 'jinja2' || n === 'jinja' || n === 'nunjucks') return 'jinja2';
  return undefined;
}

/** The engine for a prompt: the front matter's choice, else what its syntax shows. */
export function templateEngineOf(o: { format: PromptFormat; frontMatter: unknown; text: string }): TemplateEngine {
  const declared = declaredEngine(o.frontMatter);
  if (declared) return declared;
  if (o.format !== 'prompty' && COPILOT_INPUT.test(o.text)) return 'copilot';
  // GitHub Actions expressions (`${{ github.sha }}`) in a quoted workflow are not template syntax.
  const text = o.text.replace(ACTIONS_EXPRESSION, '');
  if (JINJA_SYNTAX.test(text)) return 'jinja2';
  if (MUSTACHE_ONLY.test(text)) return 'mustache';
  if (EXPRESSION.test(text)) return 'jinja2';
  return 'none';
}
