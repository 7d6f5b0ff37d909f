/**
 * Which files are prompt files for DLPO's CodeLens, menus and context keys: by name
 * (`*.prompt.md`, `*.prompty`, `*.instructions.md`) or by a `dlpo` key in the YAML front
 * matter. Pure, so it is unit-tested.
 */
const PROMPT_NAME = /\.(prompt\.md|prompty|instructions\.md)$/i;

export function isPromptFileName(fileName: string): boolean {
  return PROMPT_NAME.test(fileName);
}

/** True when the text starts with front matter that has a top-level `dlpo` key (`dlpo:` or `dlpo.…:`). */
export function hasDlpoFrontMatter(text: string): boolean {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '');
  const m = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)\s*(?:\r?\n|$)/.exec(head);
  if (!m) return false;
  return /^dlpo(\.[\w-]+)?\s*:/m.test(m[1]);
}

export function isPromptFile(fileName: string, text: string): boolean {
  return isPromptFileName(fileName) || hasDlpoFrontMatter(text);
}
