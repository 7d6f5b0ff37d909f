/**
 * The fixed strings that structure the backward model's requests and replies. They are
 * a contract between the trainer (which writes requests and parses replies) and the
 * offline simulator (which recognises requests and answers them in kind), so both
 * import them from here instead of repeating literals.
 */

/** Tags around parts of the update request and reply (TextGrad's names where it has them). */
export const TAG = {
  /** The prompt being optimized, inside the update request. */
  currentPrompt: 'CURRENT_PROMPT',
  /** The aggregated textual gradient, inside the update request. */
  feedback: 'FEEDBACK',
  /** The reply's new prompt: text after the first opening tag up to the next closing tag. */
  improved: 'IMPROVED_VARIABLE',
  /** TDO: sentences the update must leave unchanged. */
  dropout: 'DROPOUT',
  /** TMnt: earlier accepted gradients, oldest first. */
  pastFeedback: 'PAST_FEEDBACK',
  /** TCL: the best and worst remembered prompts with their training accuracy. */
  contrastive: 'CONTRASTIVE',
  /** TRegu: the regularisation instruction block. */
  regularize: 'REGULARIZATION',
  /** TLR: the learning-rate instruction block. */
  learningRate: 'LEARNING_RATE',
  /** `updateLayout: 'prompt-last'`: the first and last words of the prompt, before the feedback. */
  promptExcerpt: 'PROMPT_EXCERPT',
} as const;

export function wrapTag(tag: string, body: string): string {
  return `<${tag}>\n${body}\n</${tag}>`;
}

/**
 * Every backward-model request starts its system message with one of these role lines,
 * so a reply can be matched to its request kind (and the simulator can tell them apart).
 */
export const REQUEST_KIND = {
  critique: 'You are a critical evaluator of an AI system’s answer.',
  promptGradient: 'You give feedback on the system prompt that produced an answer.',
  summary: 'You summarise several pieces of feedback on a system prompt into one.',
  update: 'You improve a system prompt given feedback on it.',
  judge: 'You grade an answer against a rubric.',
} as const;
export type RequestKind = keyof typeof REQUEST_KIND;

/** Which backward request a message list is, or null for a forward (task) call. */
export function requestKindOf(systemMessage: string | undefined): RequestKind | null {
  if (!systemMessage) return null;
  for (const [kind, line] of Object.entries(REQUEST_KIND) as [RequestKind, string][]) {
    if (systemMessage.startsWith(line)) return kind;
  }
  return null;
}
