import { contextWindowOf } from '../config/contextWindows';
import type { ModelSpec } from '../config/runConfig';
import type { Example } from '../data/example';
import type { Task } from '../data/task';
import { estimatePromptTokens, estimateTokens } from '../llm/tokens';

/**
 * The token estimate of the requests a prompt will cause, checked against the model's
 * context window before any call (contextWindows.ts). Without it, a 50 MiB prompt went
 * out as a 13-million-token request that no model accepts. The estimate (tokens.ts)
 * errs on the high side, so only what cannot fit is refused.
 *
 * The prompt alone is checked first: it is cheap, and a prompt over the window is
 * refused before being rendered per example. Then the requests of the examples with the
 * longest fields (the longest requests, as far as rendering goes) are built and checked
 * with the completion they may ask for.
 */

const LONGEST_EXAMPLES = 5;

export interface ContextCheck {
  promptText: string;
  model: Pick<ModelSpec, 'provider' | 'model' | 'maxTokens'>;
  /** `forward` or `backward`, for the message. */
  role: string;
  task?: Pick<Task, 'forwardMessages'>;
  examples?: readonly Example[];
  includeFormatInstruction?: boolean;
}

const n = (x: number) => x.toLocaleString('en-US');

function exampleSize(e: Example): number {
  let size = e.input.length;
  for (const v of Object.values(e.vars)) size += v.length;
  return size;
}

/** Why the requests cannot fit the model's context window, or null when they can. */
export function contextProblem(c: ContextCheck): string | null {
  const window = contextWindowOf(c.model);
  const completion = c.model.maxTokens ?? 0;
  const limit = window.tokens - completion;
  const whose = window.known ? `${c.model.model}'s context window of ${n(window.tokens)} tokens` : `${n(window.tokens)} tokens, more than any model we know of accepts`;
  const reserve = completion > 0 ? ` with ${n(completion)} for the reply` : '';
  const fix = 'Shorten the prompt or choose a model with a larger context.';
  const promptTokens = estimateTokens(c.promptText);
  if (promptTokens > limit) {
    return `The prompt is too long for the ${c.role} model: about ${n(promptTokens)} tokens (${n(c.promptText.length)} characters), over ${whose}${reserve}. ${fix}`;
  }
  if (!c.task || !c.examples?.length) return null;
  const longest = [...c.examples].sort((a, b) => exampleSize(b) - exampleSize(a)).slice(0, LONGEST_EXAMPLES);
  for (const example of longest) {
    const tokens = estimatePromptTokens(c.task.forwardMessages(c.promptText, example, { includeFormatInstruction: c.includeFormatInstruction ?? true }));
    if (tokens > limit) {
      return `The request for example ${example.id} is too long for the ${c.role} model: about ${n(tokens)} tokens, over ${whose}${reserve}. ${fix}`;
    }
  }
  return null;
}
