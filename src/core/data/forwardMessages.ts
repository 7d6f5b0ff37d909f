import type { ChatMessage } from '../llm/chatModel';
import type { PromptTemplate } from '../prompt/template/promptTemplate';
import { renderPromptMessages } from '../prompt/template/promptTemplate';
import { findVariables, renderTemplate } from '../prompt/templateVariables';
import type { ForwardFormat } from './benchmarks';
import type { Example } from './example';
import type { FormatSeparator } from './task';

function separatorText(separator: FormatSeparator | undefined): string {
  return separator === 'none' ? '' : '\n\n';
}

/**
 * How (prompt, example) becomes the forward model's messages (the `Task` contract):
 *
 * - A prompt without template variables is the system message; the user message is the
 *   example's input, prefixed `Question: ` for the math sets as the reference does,
 *   raw for BBH and user files.
 * - A prompt with variables is rendered with the example's fields and sent as the user
 *   message (it already contains the input), with no system message.
 *
 * With `includeFormatInstruction`, the metric's answer-format instruction is appended to
 * the user message after a blank line (or directly, with `formatSeparator: 'none'`, as the
 * reference does at evaluation).
 */
export function buildForwardMessages(
  promptText: string,
  example: Example,
  options: { includeFormatInstruction: boolean; formatSeparator?: FormatSeparator; format: ForwardFormat; formatInstruction: string },
): ChatMessage[] {
  const instruction = options.includeFormatInstruction && options.formatInstruction ? `${separatorText(options.formatSeparator)}${options.formatInstruction}` : '';
  if (findVariables(promptText).length > 0) {
    return [{ role: 'user', content: renderTemplate(promptText, example.vars) + instruction }];
  }
  const input = options.format === 'question-prefix' ? `Question: ${example.input}` : example.input;
  return [
    { role: 'system', content: promptText },
    { role: 'user', content: input + instruction },
  ];
}

/**
 * The same contract for a prompt *file*: the whole file is rendered with the example
 * (its other role sections included, see `renderPromptMessages`), with `promptText` in
 * the optimizable slot and `values` (the file's defaults under the row's own fields)
 * bound. A file that reads no inputs gets the example's input as a final user message,
 * as a plain prompt does. The format instruction goes at the end of the last user
 * message, or in a user message of its own when the file has none.
 */
export function buildTemplateMessages(
  template: PromptTemplate,
  promptText: string,
  example: Example,
  options: { includeFormatInstruction: boolean; formatSeparator?: FormatSeparator; format: ForwardFormat; formatInstruction: string; values: Readonly<Record<string, unknown>>; hasInputs: boolean },
): ChatMessage[] {
  const messages = renderPromptMessages(template, promptText, options.values, options.hasInputs);
  if (!options.hasInputs) messages.push({ role: 'user', content: options.format === 'question-prefix' ? `Question: ${example.input}` : example.input });
  if (options.includeFormatInstruction && options.formatInstruction) {
    let last = messages.length - 1;
    while (last >= 0 && messages[last].role !== 'user') last--;
    if (last >= 0) messages[last] = { role: 'user', content: `${messages[last].content}${separatorText(options.formatSeparator)}${options.formatInstruction}` };
    else messages.push({ role: 'user', content: options.formatInstruction });
  }
  return messages;
}
