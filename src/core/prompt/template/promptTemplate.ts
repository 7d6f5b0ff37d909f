import type { ChatMessage } from '../../llm/chatModel';
import { BEGIN_MARKER, END_MARKER } from '../documentSections';
import type { PromptDocument, PromptFormat } from '../promptDocument';
import { promptyMessages } from './promptyMessages';
import { renderText } from './renderText';
import { templateEngineOf, type TemplateEngine } from './templateEngine';
import { templateInputs, type TemplateInput } from './templateInputs';

/**
 * A prompt file as a template for forward calls: everything after the front matter,
 * with a slot where the optimizable body goes. What is sent is the whole file (other
 * role sections, text outside a marked region or selection), rendered, never only the
 * part being optimized; `<!-- dlpo:… -->` markers are ours and are not sent. Of a
 * promptfoo multi-prompt file, only the chosen prompt is sent.
 */
export interface PromptTemplate {
  fileName: string;
  format: PromptFormat;
  frontMatter: unknown;
  engine: TemplateEngine;
  /** The text the file sends with `body` in the optimizable slot. */
  compose(body: string): string;
}

export function promptTemplateOf(doc: PromptDocument): PromptTemplate {
  const contentStart = doc.sendRange?.start ?? doc.frontMatterRange?.end ?? (doc.hasBom ? 1 : 0);
  const contentEnd = doc.sendRange?.end ?? doc.text.length;
  const before = doc.text.slice(contentStart, doc.bodyRange.start);
  const after = doc.text.slice(doc.bodyRange.end, contentEnd);
  const strip = (s: string) => s.replace(BEGIN_MARKER, '').replace(END_MARKER, '');
  return {
    fileName: doc.fileName,
    format: doc.format,
    frontMatter: doc.frontMatter,
    engine: templateEngineOf({ format: doc.format, frontMatter: doc.frontMatter, text: doc.text.slice(contentStart, contentEnd) }),
    compose: (body) => strip(before) + body + strip(after),
  };
}

/** The inputs the template reads with `body` in place (see `templateInputs`). */
export function promptInputs(template: PromptTemplate, body: string): TemplateInput[] {
  return templateInputs(template.compose(body), template.engine);
}

/**
 * The messages the file produces with `body` in place and `values` bound: a Prompty file's
 * role sections in order; any other file as one message, `user` when it reads inputs
 * (it carries the example itself) and `system` when it does not.
 */
export function renderPromptMessages(template: PromptTemplate, body: string, values: Readonly<Record<string, unknown>>, hasInputs: boolean): ChatMessage[] {
  const text = template.compose(body);
  if (template.format === 'prompty') return promptyMessages(text, template.frontMatter, (t) => renderText(t, template.engine, values));
  return [{ role: hasInputs ? 'user' : 'system', content: renderText(text, template.engine, values).trim() }];
}
