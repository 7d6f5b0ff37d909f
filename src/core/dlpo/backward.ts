import type { MethodOptions } from '../config/runConfig';
import type { ChatMessage, ChatModel, ChatResponse } from '../llm/chatModel';
import { completeStreaming } from '../llm/chatModel';
import { OrderedDeltas } from './orderedDeltas';
import type { ForwardResult } from './promptScorer';
import type { FeedbackItem } from './prompts';
import { critiqueRequest, promptFeedbackRequest, summaryRequest } from './prompts';

/**
 * The backward pass of one step: per example a critique of the answer, then feedback on
 * the prompt (2 calls each, in parallel across examples), then, when there is more than
 * one, a summary into one gradient (1 call). The reference's summary keeps a single
 * arbitrary critique without its context (`gradientAggregation: 'single'`, where we keep
 * the last example's, deterministically); by default all of them go in with their
 * examples.
 */

export type DeltaPart = 'critique' | 'summary' | 'update';

export interface BackwardContext {
  backward: ChatModel;
  temperature: number;
  maxTokens?: number;
  signal: AbortSignal;
  onResponse: (response: ChatResponse) => void;
  onDelta: (part: DeltaPart, text: string) => void;
}

export async function streamBackward(
  ctx: BackwardContext,
  messages: ChatMessage[],
  purpose: string,
  onDelta: (text: string) => void,
): Promise<ChatResponse> {
  const response = await completeStreaming(
    ctx.backward,
    { messages, temperature: ctx.temperature, ...(ctx.maxTokens ? { maxTokens: ctx.maxTokens } : {}) },
    onDelta,
    { signal: ctx.signal, purpose },
  );
  ctx.onResponse(response);
  return response;
}

export interface Gradient {
  text: string;
  /** How many critiques the gradient was built from. */
  critiques: number;
}

export async function computeGradient(
  ctx: BackwardContext,
  prompt: string,
  results: readonly ForwardResult[],
  aggregation: MethodOptions['gradientAggregation'],
): Promise<Gradient> {
  const lanes = new OrderedDeltas(results.length, (t) => ctx.onDelta('critique', t));
  const items: FeedbackItem[] = await Promise.all(
    results.map(async (r, i) => {
      const sink = lanes.sink(i);
      const example = { input: r.example.input, output: r.output, gold: r.example.gold, verdict: r.result };
      if (i > 0) sink('\n\n');
      const critique = await streamBackward(ctx, critiqueRequest(prompt, example), 'critique', sink);
      sink('\n\n');
      const feedback = await streamBackward(ctx, promptFeedbackRequest(prompt, example, critique.text), 'feedback', sink);
      lanes.finish(i);
      return { feedback: feedback.text.trim(), example };
    }),
  );
  if (items.length === 1) return { text: items[0].feedback, critiques: 1 };
  const used = aggregation === 'single' ? [{ feedback: items[items.length - 1].feedback }] : items;
  const summary = await streamBackward(ctx, summaryRequest(prompt, used), 'summary', (t) => ctx.onDelta('summary', t));
  return { text: summary.text.trim(), critiques: used.length };
}
