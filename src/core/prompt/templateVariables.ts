/**
 * Template variables in a prompt: where the dataset's fields go. Four spellings are
 * recognised because that is what prompt files in the wild use:
 *
 * - `{{question}}` and `{{ question }}` (Mustache / Jinja / Handlebars style),
 * - `{{inputs.question}}` (Prompty's inputs),
 * - `${input:question}` and `${input:question:placeholder text}` (GitHub Copilot prompt files;
 *   `${input:question|placeholder}` too).
 *
 * A variable's *name* is what binds to a dataset field: `question` in all four cases.
 * Other `{{...}}` forms (`{{#each}}`, `{{> partial}}`, `{% … %}`) and Copilot's built-in
 * `${selection}`/`${file}` are not dataset variables and are left alone.
 */

export type VariableSyntax = 'mustache' | 'prompty-inputs' | 'copilot-input';

export interface TemplateVariable {
  /** The name that binds to a dataset field. */
  name: string;
  /** The variable exactly as written, e.g. `{{ question }}`. */
  raw: string;
  syntax: VariableSyntax;
  /** UTF-16 offsets of `raw` in the scanned text (the file text for a parsed document). */
  start: number;
  end: number;
  /** Copilot's `${input:name:placeholder}` placeholder. */
  placeholder?: string;
}

// Copilot's placeholder follows `:`; some prompt files write `|` for it (`${input:Category|Technical}`), read the same way.
const VARIABLE_RE = /\{\{\s*(?:(inputs)\.)?([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}|\$\{input:([A-Za-z_][A-Za-z0-9_-]*)(?:[:|]([^}\n]{0,500}))?\}/g;

/** Every template variable in `text`, in order; `offset` is added to the positions. */
export function findVariables(text: string, offset = 0): TemplateVariable[] {
  const found: TemplateVariable[] = [];
  for (const m of text.matchAll(VARIABLE_RE)) {
    const start = (m.index ?? 0) + offset;
    const raw = m[0];
    if (m[2] !== undefined) {
      found.push({ name: m[2], raw, syntax: m[1] ? 'prompty-inputs' : 'mustache', start, end: start + raw.length });
    } else {
      const v: TemplateVariable = { name: m[3], raw, syntax: 'copilot-input', start, end: start + raw.length };
      if (m[4] !== undefined) v.placeholder = m[4];
      found.push(v);
    }
  }
  return found;
}

/** The distinct variable names of `text`, in first-use order. */
export function variableNames(text: string): string[] {
  return [...new Set(findVariables(text).map((v) => v.name))];
}

/** A variable the data cannot fill, or a rendering that cannot be done. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * Fills every variable of `text` from `vars` (by name; a case-insensitive match is
 * accepted when there is no exact one). Throws `TemplateError` naming the first
 * variable with no value. Values are inserted verbatim: no escaping, no recursion.
 */
export function renderTemplate(text: string, vars: Readonly<Record<string, string>>): string {
  const lower = new Map(Object.keys(vars).map((k) => [k.toLowerCase(), k]));
  let out = '';
  let last = 0;
  for (const v of findVariables(text)) {
    const key = Object.prototype.hasOwnProperty.call(vars, v.name) ? v.name : lower.get(v.name.toLowerCase());
    if (key === undefined) {
      const known = Object.keys(vars);
      throw new TemplateError(
        `the prompt uses ${v.raw} but the example has no field "${v.name}"${known.length ? ` (fields: ${known.join(', ')})` : ''}`,
      );
    }
    out += text.slice(last, v.start) + vars[key];
    last = v.end;
  }
  return out + text.slice(last);
}

/**
 * Binds the prompt's variables to dataset fields by name (exact, then case-insensitive).
 * `unknown` lists variables no field can fill.
 */
export function bindVariables(names: readonly string[], fields: readonly string[]): { binding: Record<string, string>; unknown: string[] } {
  const binding: Record<string, string> = {};
  const unknown: string[] = [];
  for (const name of names) {
    const field = fields.includes(name) ? name : fields.find((f) => f.toLowerCase() === name.toLowerCase());
    if (field === undefined) unknown.push(name);
    else binding[name] = field;
  }
  return { binding, unknown };
}

/**
 * Whether an update kept the prompt's variables: returns a reason when `after` drops a
 * variable `before` used or uses one `before` did not, undefined when the sets agree.
 * The trainer rejects such a candidate: a dropped `{{question}}` means the model never
 * sees the input, an invented one cannot be filled.
 */
export function checkVariables(before: string, after: string): string | undefined {
  const had = new Set(variableNames(before));
  const has = new Set(variableNames(after));
  const dropped = [...had].filter((n) => !has.has(n));
  const invented = [...has].filter((n) => !had.has(n));
  const parts: string[] = [];
  if (dropped.length) parts.push(`drops ${dropped.map((n) => `{{${n}}}`).join(', ')}`);
  if (invented.length) parts.push(`invents ${invented.map((n) => `{{${n}}}`).join(', ')}`);
  return parts.length ? `the update ${parts.join(' and ')}; template variables must stay the same` : undefined;
}
