import type { Example } from '../data/example';
import type { FormatSeparator, Task } from '../data/task';
import type { ChatModel, ChatResponse } from '../llm/chatModel';
import { isLlmError } from '../llm/errors';
import type { MetricResult } from '../metrics/metric';
import type { ScoreMemoEntry, TrainerState } from './trainerState';

/**
 * Runs the forward model on examples and scores the answers with the task's metric.
 * Whole-split scores are memoised by (split, prompt text) in the trainer state, so an
 * unchanged prompt is never scored twice on the same split, even across a resume.
 */

export type Split = 'train' | 'val' | 'test';

export interface ForwardResult {
  example: Example;
  output: string;
  result: MetricResult;
}

/** Forward-model failures that mean "no usable answer" for this example, not "stop the run". */
const ANSWER_LEVEL_ERRORS = ['content-filter', 'length', 'bad-response'] as const;

export interface ScorerContext {
  task: Task;
  forward: ChatModel;
  temperature: number;
  maxTokens?: number;
  signal: AbortSignal;
  /** How the format instruction joins the question (MethodOptions.formatSeparator). */
  formatSeparator?: FormatSeparator;
  /** Records each response's usage in the state. */
  onResponse: (response: ChatResponse) => void;
}

export async function forwardOne(
  ctx: ScorerContext,
  prompt: string,
  example: Example,
  includeFormatInstruction: boolean,
  purpose: string,
): Promise<ForwardResult> {
  const messages = ctx.task.forwardMessages(prompt, example, { includeFormatInstruction, ...(ctx.formatSeparator ? { formatSeparator: ctx.formatSeparator } : {}) });
  let output: string;
  try {
    const response = await ctx.forward.complete(
      { messages, temperature: ctx.temperature, ...(ctx.maxTokens ? { maxTokens: ctx.maxTokens } : {}) },
      { signal: ctx.signal, purpose },
    );
    ctx.onResponse(response);
    if (response.finishReason === 'content_filter') {
      return { example, output: response.text, result: { score: 0, reason: 'no answer: the provider’s content filter stopped the output' } };
    }
    output = response.text;
  } catch (e) {
    if (isLlmError(e) && (ANSWER_LEVEL_ERRORS as readonly string[]).includes(e.kind)) {
      return { example, output: '', result: { score: 0, reason: `no answer: ${e.kind} (${e.message})` } };
    }
    throw e;
  }
  const result = await ctx.task.metric.score(output, example, { signal: ctx.signal });
  return { example, output, result };
}

export function memoLookup(state: TrainerState, split: Split, prompt: string): ScoreMemoEntry | undefined {
  return state.scores.find((e) => e.split === split && e.prompt === prompt);
}

/** The mean score of `prompt` on a whole split (always with the format instruction, as evaluation does); null for an empty split. */
export async function scoreSplit(ctx: ScorerContext, state: TrainerState, split: Split, prompt: string): Promise<ScoreMemoEntry | null> {
  const examples = ctx.task[split];
  if (examples.length === 0) return null;
  const hit = memoLookup(state, split, prompt);
  if (hit) return hit;
  const results = await Promise.all(examples.map((ex) => forwardOne(ctx, prompt, ex, true, `evaluate-${split}`)));
  const score = results.reduce((s, r) => s + r.result.score, 0) / results.length;
  const entry: ScoreMemoEntry = { split, prompt, score, n: results.length };
  if (split === 'test') entry.examples = results.map((r) => ({ id: r.example.id, score: r.result.score }));
  state.scores.push(entry);
  return entry;
}
