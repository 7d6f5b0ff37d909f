import type { PromptFormat } from './promptDocument';

/** The format a file name implies. Unknown extensions are plain text. */
export function detectPromptFormat(fileName: string): PromptFormat {
  const base = fileName.replace(/\\/g, '/').split('/').pop()!.toLowerCase();
  if (base.endsWith('.prompt.md')) return 'prompt.md';
  if (base.endsWith('.prompty')) return 'prompty';
  if (base.endsWith('.instructions.md') || base === 'copilot-instructions.md') return 'instructions.md';
  if (base.endsWith('.chatmode.md') || base.endsWith('.agent.md')) return 'chatmode.md';
  if (base.endsWith('.md') || base.endsWith('.markdown') || base.endsWith('.mdx')) return 'markdown';
  return 'text';
}

/** Formats whose front matter is part of the format: a broken one is an error, not text. */
export function requiresValidFrontMatter(format: PromptFormat): boolean {
  return format === 'prompt.md' || format === 'prompty' || format === 'instructions.md' || format === 'chatmode.md';
}
