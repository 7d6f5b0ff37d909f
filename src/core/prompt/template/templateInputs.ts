import Mustache from 'mustache';
import nunjucks from 'nunjucks';
import { findVariables, TemplateError } from '../templateVariables';
import type { TemplateEngine } from './templateEngine';

/**
 * The inputs a template reads: the root names the data must bind (`customer` for
 * `{{customer.firstName}}`, `orders` for `{% for o in orders %}`), with the dotted paths
 * read under each (`customer.orders[].id` for a loop item's field). Found from the
 * engine's own parse tree, so a name bound by the template itself (a loop variable, a
 * `{% set %}`, a macro argument, `loop`) is not an input.
 */
export interface TemplateInput {
  /** The root name a dataset field binds to. */
  name: string;
  /** Dotted paths read under the root, `[]` marking list items; the root itself when read whole. */
  paths: string[];
  /** The root itself is iterated by a loop (or a Mustache section); a loop deeper down shows in `paths` as `a.b[]`. */
  loop: boolean;
  /** False when the template only tests it (`{% if x %}`, `x | default(…)`, `x is defined`, a Mustache section): a row may lack it. */
  required: boolean;
}

interface Acc {
  order: string[];
  byName: Map<string, TemplateInput>;
}

function note(acc: Acc, name: string, path: string, o: { loop?: boolean; required: boolean }): void {
  let input = acc.byName.get(name);
  if (!input) {
    input = { name, paths: [], loop: false, required: false };
    acc.byName.set(name, input);
    acc.order.push(name);
  }
  if (!input.paths.includes(path)) input.paths.push(path);
  if (o.loop && path === name) input.loop = true;
  if (o.required) input.required = true;
}

// --- Jinja (nunjucks parse tree)

interface JNode {
  typename: string;
  fields: string[];
  [field: string]: unknown;
}

const isNode = (x: unknown): x is JNode => !!x && typeof x === 'object' && typeof (x as JNode).typename === 'string';
const GLOBALS = new Set(['loop', 'range', 'cycler', 'joiner', 'super', 'caller', 'true', 'false', 'none', 'True', 'False', 'None']);

/** A scope maps a template-bound name to the path it stands for (a loop item: `orders[]`), or null for other bindings. */
type Scope = Map<string, string | null>;

function lookup(scopes: Scope[], name: string): string | null | undefined {
  for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i].has(name)) return scopes[i].get(name);
  return undefined;
}

/** `a.b["c"]` as the symbol `a` and the suffix `.b.c`; undefined for anything else (a call, a subscript by variable). */
function dottedPath(node: JNode): { symbol: string; suffix: string } | undefined {
  if (node.typename === 'Symbol') return { symbol: String(node.value), suffix: '' };
  if (node.typename === 'LookupVal' && isNode(node.target) && isNode(node.val)) {
    const inner = dottedPath(node.target);
    if (!inner) return undefined;
    const key = node.val.typename === 'Literal' ? String(node.val.value) : undefined;
    return key === undefined ? inner : { symbol: inner.symbol, suffix: `${inner.suffix}.${key}` };
  }
  return undefined;
}

function symbolsIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(symbolsIn);
  if (!isNode(node)) return [];
  if (node.typename === 'Symbol') return [String(node.value)];
  return node.fields.flatMap((f) => symbolsIn(node[f]));
}

function walkJinja(node: unknown, scopes: Scope[], acc: Acc, required: boolean): void {
  if (Array.isArray(node)) {
    for (const n of node) walkJinja(n, scopes, acc, required);
    return;
  }
  if (!isNode(node)) return;
  const t = node.typename;
  const path = dottedPath(node);
  if (path && (t === 'Symbol' || t === 'LookupVal')) {
    readPath(path.symbol, path.suffix, scopes, acc, { required });
    // A subscript by a variable (`a[i]`) still reads `i`.
    if (t === 'LookupVal' && isNode(node.val) && node.val.typename !== 'Literal') walkJinja(node.val, scopes, acc, required);
    return;
  }
  switch (t) {
    case 'For':
    case 'AsyncEach':
    case 'AsyncAll': {
      const arr = node.arr as JNode;
      const p = isNode(arr) ? dottedPath(arr) : undefined;
      let itemPath: string | null = null;
      if (p) itemPath = readPath(p.symbol, p.suffix, scopes, acc, { required, loop: true });
      else walkJinja(arr, scopes, acc, required);
      const inner: Scope = new Map([['loop', null]]);
      const names = symbolsIn(node.name);
      names.forEach((n) => inner.set(n, names.length === 1 && itemPath !== null ? `${itemPath}[]` : null));
      walkJinja(node.body, [...scopes, inner], acc, required);
      walkJinja(node.else_, scopes, acc, required);
      return;
    }
    case 'If':
    case 'InlineIf':
      walkJinja(node.cond, scopes, acc, false);
      walkJinja(node.body, scopes, acc, required);
      walkJinja(node.else_, scopes, acc, required);
      return;
    case 'Is':
      walkJinja(node.left, scopes, acc, false);
      walkJinja(node.right, scopes, acc, false);
      return;
    case 'Filter': {
      const name = isNode(node.name) ? String(node.name.value) : '';
      const args = isNode(node.args) ? (node.args.children as unknown[]) : [];
      args.forEach((a, i) => walkJinja(a, scopes, acc, i === 0 && (name === 'default' || name === 'd') ? false : required));
      return;
    }
    case 'FunCall':
      // The callee is a global (`range`) or a macro, not data; its arguments are.
      walkJinja(node.args, scopes, acc, required);
      return;
    case 'Set': {
      walkJinja(node.value, scopes, acc, required);
      walkJinja(node.body, scopes, acc, required);
      for (const n of symbolsIn(node.targets)) scopes[scopes.length - 1].set(n, null);
      return;
    }
    case 'Macro': {
      const inner: Scope = new Map([['caller', null]]);
      for (const n of symbolsIn(node.args)) inner.set(n, null);
      if (isNode(node.name)) scopes[scopes.length - 1].set(String(node.name.value), null);
      walkJinja(node.body, [...scopes, inner], acc, required);
      return;
    }
    default:
      for (const f of node.fields) walkJinja(node[f], scopes, acc, required);
  }
}

/** Notes a read of `symbol` + `suffix`; returns the path it stands for, or null when the template bound it itself. */
function readPath(symbol: string, suffix: string, scopes: Scope[], acc: Acc, o: { required: boolean; loop?: boolean }): string | null {
  const bound = lookup(scopes, symbol);
  if (bound === null) return null;
  if (bound !== undefined) {
    const root = bound.split(/[.[]/)[0];
    note(acc, root, `${bound}${suffix}`, { required: false, loop: o.loop });
    return `${bound}${suffix}`;
  }
  if (GLOBALS.has(symbol)) return null;
  // Prompty's `{{inputs.question}}` reads the input `question`.
  if (symbol === 'inputs' && suffix) {
    const rest = suffix.slice(1);
    const root = rest.split('.')[0];
    note(acc, root, rest, o);
    return rest;
  }
  note(acc, symbol, `${symbol}${suffix}`, o);
  return `${symbol}${suffix}`;
}

function jinjaInputs(text: string, acc: Acc): void {
  let root: unknown;
  try {
    root = (nunjucks as unknown as { parser: { parse(src: string): unknown } }).parser.parse(text);
  } catch (e) {
    throw new TemplateError(`the Jinja template cannot be parsed: ${(e as Error).message.replace(/^\(unknown path\)\s*/, '').replace(/\s+/g, ' ').trim()}`);
  }
  walkJinja(root, [new Map()], acc, true);
}

// --- Mustache (its token list)

type MToken = [string, string, number, number, MToken[]?, number?];

function walkMustache(tokens: MToken[], context: string | undefined, acc: Acc): void {
  for (const tok of tokens) {
    const [kind, name] = tok;
    if (kind !== 'name' && kind !== '&' && kind !== '#' && kind !== '^') continue;
    if (name === '.') continue;
    // Inside a section a name may be the item's or an outer one; it is read as the item's.
    const path = context ? `${context}[].${name}` : name;
    const root = (context ?? name).split(/[.[]/)[0];
    const section = kind === '#' || kind === '^';
    note(acc, root, path, { required: !context && !section, loop: section });
    if (section && tok[4]) walkMustache(tok[4], path, acc);
  }
}

function mustacheInputs(text: string, acc: Acc): void {
  let tokens: MToken[];
  try {
    tokens = Mustache.parse(text) as unknown as MToken[];
  } catch (e) {
    throw new TemplateError(`the Mustache template cannot be parsed: ${(e as Error).message}`);
  }
  walkMustache(tokens, undefined, acc);
}

/** The inputs of `text` read with `engine`, in first-use order. Throws `TemplateError` for a template that does not parse. */
export function templateInputs(text: string, engine: TemplateEngine): TemplateInput[] {
  const acc: Acc = { order: [], byName: new Map() };
  if (engine === 'jinja2') jinjaInputs(text, acc);
  else if (engine === 'mustache') mustacheInputs(text, acc);
  else if (engine === 'copilot') for (const v of findVariables(text)) note(acc, v.name, v.name, { required: true });
  return acc.order.map((n) => acc.byName.get(n)!);
}
