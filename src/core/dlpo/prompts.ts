import type { MethodOptions } from '../config/runConfig';
import type { ChatMessage } from '../llm/chatModel';
import type { MetricResult } from '../metrics/metric';
import { REQUEST_KIND, TAG, wrapTag } from './markers';

/**
 * The backward model's requests: the instructions TextGrad's and the DLPO reference's
 * requests carry, in our own words (the `reference` preset copies their structure, not
 * their text). Every system message starts with its `REQUEST_KIND` line (the offline
 * simulator and the journal tell requests apart by it), and the parts of a request are
 * wrapped in the `TAG`s of markers.ts. Instructions refer to blocks by name ("the
 * CURRENT_PROMPT block") and never write a tag literally, so the first `<TAG>` in a
 * request is always the block itself.
 */

export interface ExampleContext {
  input: string;
  output: string;
  gold: string;
  verdict: MetricResult;
}

function verdictLine(v: MetricResult): string {
  const label = v.score >= 1 ? 'correct' : v.score <= 0 ? 'incorrect' : 'partially correct';
  return `Verdict: ${label} (score: ${Number(v.score.toFixed(4))})${v.reason ? `. ${v.reason}` : ''}`;
}

function exampleBlock(prompt: string, ex: ExampleContext): string {
  return [
    wrapTag(TAG.currentPrompt, prompt),
    wrapTag('LM_INPUT', ex.input),
    wrapTag('LM_OUTPUT', ex.output),
    wrapTag('EXPECTED_ANSWER', ex.gold),
    wrapTag('METRIC_VERDICT', verdictLine(ex.verdict)),
  ].join('\n\n');
}

/** Step 4a: a critique of one answer given the metric's verdict. */
export function critiqueRequest(prompt: string, ex: ExampleContext): ChatMessage[] {
  return [
    {
      role: 'system',
      content: `${REQUEST_KIND.critique}
A language model answered a task input while following the system prompt in the CURRENT_PROMPT block. An automatic metric compared its output with the expected answer; its verdict is given. Evaluate the output: say concisely what in the answer or its reasoning led to this verdict (errors in reasoning, calculation, understanding of the question, or answer format). Be specific and brief. Do not rewrite the prompt.`,
    },
    { role: 'user', content: exampleBlock(prompt, ex) },
  ];
}

/** Step 4b: from the critique, what should change in the prompt. */
export function promptFeedbackRequest(prompt: string, ex: ExampleContext, critique: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content: `${REQUEST_KIND.promptGradient}
The system prompt in the CURRENT_PROMPT block was given to a language model together with the input; the model produced the output, and an evaluator wrote the critique shown. Explain how the system prompt should change so that the model does better on inputs like this one. Give feedback on the system prompt only, as concrete suggestions; do not write a new prompt.`,
    },
    { role: 'user', content: `${exampleBlock(prompt, ex)}\n\n${wrapTag('CRITIQUE', critique)}` },
  ];
}

export interface FeedbackItem {
  feedback: string;
  /** Absent in the reference's single-sample mode, where the survivor loses its context. */
  example?: ExampleContext;
}

/** Step 4c (B > 1): one gradient from several pieces of feedback. */
export function summaryRequest(prompt: string, items: readonly FeedbackItem[]): ChatMessage[] {
  const parts = items.map((item, i) => {
    const ctx = item.example
      ? `${wrapTag('LM_INPUT', item.example.input)}\n${wrapTag('LM_OUTPUT', item.example.output)}\n${wrapTag('METRIC_VERDICT', verdictLine(item.example.verdict))}\n`
      : '';
    return `### Feedback ${i + 1} of ${items.length}\n${ctx}${wrapTag(TAG.feedback, item.feedback)}`;
  });
  return [
    {
      role: 'system',
      content: `${REQUEST_KIND.summary}
Each piece of feedback below was written about the same system prompt (the CURRENT_PROMPT block) from one example of a batch. Combine them into one piece of feedback: keep every distinct point, say which points recur (they matter most), drop repetition, and keep it concise. Do not write a new prompt.`,
    },
    { role: 'user', content: `${wrapTag(TAG.currentPrompt, prompt)}\n\n${parts.join('\n\n')}` },
  ];
}

export interface TechniqueBlocks {
  /** TLR/TLRD instruction (already in the right regime). */
  learningRate?: string | null;
  /** TDO: the instruction and the protected sentences, one per line. */
  dropout?: { instruction: string; sentences: string } | null;
  /** TMnt: the instruction and the past gradients, oldest first. */
  pastFeedback?: { instruction: string; list: string } | null;
  /** TCL: the instruction and the better/poorer prompts. */
  contrastive?: { instruction: string; list: string } | null;
  /** TRegu instruction. */
  regularize?: string | null;
}

const UPDATE_SYSTEM = `${REQUEST_KIND.update}
Your job in this optimization loop is to rewrite a prompt so that it works better, guided by feedback on how it performed. Feedback can be partly wrong or beside the point: act on what is well-founded and matters. Keep any template variables in double braces exactly as they are.
Reply with the complete new prompt between ${TAG.improved} tags, like this:
<${TAG.improved}>the improved prompt</${TAG.improved}>
Whatever is between the tags replaces the prompt as it stands, so put nothing else there.`;

export interface UpdateLayout {
  /** `prompt-first` (ours) or `prompt-last` (the reference's order of parts). */
  layout?: MethodOptions['updateLayout'];
  /** `momentum-first` (ours) or `contrastive-first` (the reference's block order). */
  order?: MethodOptions['blockOrder'];
}

/** Words shown from each end of the prompt in the `prompt-last` excerpt. */
export const EXCERPT_WORDS = 10;

/**
 * The excerpt of `prompt-last`: the whole prompt up to 2 × 10 space-separated words,
 * else its first and last 10 words around a marker (the reference shows its variable
 * this way before the feedback: textgrad/variable.py `get_short_value`).
 */
export function promptExcerpt(prompt: string): string {
  const words = prompt.split(' ');
  if (words.length <= 2 * EXCERPT_WORDS) return prompt;
  return `${words.slice(0, EXCERPT_WORDS).join(' ')} [… middle of the prompt left out …] ${words.slice(-EXCERPT_WORDS).join(' ')}`;
}

/** The technique blocks in the order the options ask for, each as its parts of the request. */
function techniqueParts(blocks: TechniqueBlocks, order: UpdateLayout['order']): string[] {
  const past = blocks.pastFeedback ? [blocks.pastFeedback.instruction, wrapTag(TAG.pastFeedback, blocks.pastFeedback.list)] : [];
  const contrast = blocks.contrastive ? [blocks.contrastive.instruction, wrapTag(TAG.contrastive, blocks.contrastive.list)] : [];
  const parts = order === 'contrastive-first' ? [...contrast, ...past] : [...past, ...contrast];
  if (blocks.dropout) parts.push(blocks.dropout.instruction, wrapTag(TAG.dropout, blocks.dropout.sentences));
  if (blocks.regularize) parts.push(wrapTag(TAG.regularize, blocks.regularize));
  if (blocks.learningRate) parts.push(wrapTag(TAG.learningRate, blocks.learningRate));
  return parts;
}

const FINAL_INSTRUCTION = `Improve the prompt based on all the above requirements and feedback, then send the final version between ${TAG.improved} tags, and nothing else between them.`;

/**
 * Step 6: the update request with the technique blocks. `prompt-first` gives the full
 * prompt once, at the top. `prompt-last` follows the reference's order of parts
 * (optimizer_v2/optimizer_prompts.py `construct_tgd_promptV2`): role, excerpt, feedback,
 * the blocks, and the full prompt at the end, just before the final instruction.
 */
export function updateRequest(prompt: string, gradient: string, blocks: TechniqueBlocks, layout: UpdateLayout = {}): ChatMessage[] {
  const feedbackParts = [
    'Here is the feedback we got for the prompt on a batch of examples:',
    wrapTag(TAG.feedback, gradient),
    'Improve the prompt using the feedback in the FEEDBACK block.',
  ];
  const parts: string[] =
    layout.layout === 'prompt-last'
      ? [
          'The prompt to improve is the system prompt of a language model that answers task inputs: it sets the model’s behaviour and strategy for the task.',
          'The PROMPT_EXCERPT block shows its beginning and end; the full prompt comes at the end of this message.',
          wrapTag(TAG.promptExcerpt, promptExcerpt(prompt)),
          ...feedbackParts,
          ...techniqueParts(blocks, layout.order),
          'The full current prompt, which your improved version replaces, is in the CURRENT_PROMPT block:',
          wrapTag(TAG.currentPrompt, prompt),
          FINAL_INSTRUCTION,
        ]
      : [
          'The prompt to improve is the system prompt of a language model that answers task inputs; it is in the CURRENT_PROMPT block.',
          wrapTag(TAG.currentPrompt, prompt),
          ...feedbackParts,
          ...techniqueParts(blocks, layout.order),
          FINAL_INSTRUCTION,
        ];
  return [
    { role: 'system', content: UPDATE_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

/** The follow-up message when a reply had no usable tags (`repairUpdateReply`). */
export function repairRequest(problem: string): string {
  return `Your reply could not be used: ${problem}. Send the complete improved prompt again, between <${TAG.improved}> and </${TAG.improved}> tags, and nothing else.`;
}
