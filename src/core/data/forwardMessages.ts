import type { ChatMessage } from '../llm/chatModel';
import { findVariables, renderTemplate } from '../prompt/templateVariables';
import type { ForwardFormat } from './benchmarks';
import type { Example } from './example';

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
 * the user message after a blank line.
 */
export function buildForwardMessages(
  promptText: string,
  example: Example,
  options: { includeFormatInstruction: boolean; format: ForwardFormat; formatInstruction: string },
): ChatMessage[] {
  const instruction = options.includeFormatInstruction && options.formatInstruction ? `\n\n${options.formatInstruction}` : '';
  if (findVariables(promptText).length > 0) {
    return [{ role: 'user', content: renderTemplate(promptText, example.vars) + instruction }];
  }
  const input = options.format === 'question-prefix' ? `Question: ${example.input}` : example.input;
  return [
    { role: 'system', content: promptText },
    { role: 'user', content: input + instruction },
  ];
}
