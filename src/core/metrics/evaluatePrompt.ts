import type { Example } from '../data/example';
import type { Task } from '../data/task';
import type { ChatModel } from '../llm/chatModel';
import { LlmError } from '../llm/errors';

export interface ExampleResult {
  id: string;
  input: string;
  gold: string;
  output: string;
  score: number;
  reason: string;
  extracted?: string;
}

export interface PromptEvaluation {
  /** Mean score over `n` examples (0..1). */
  accuracy: number;
  n: number;
  /** Examples with score 1. */
  correct: number;
  results: ExampleResult[];
  /**
   * Set (with `partialOnBudget`) when a budget cap stopped the evaluation: `n` and the
   * scores then cover the examples scored before it, in order of the examples given.
   */
  stoppedBy?: LlmError;
}

/**
 * Scores a prompt on examples: one forward call per example (temperature 0 unless given), at most
 * `concurrency` in flight, each reply scored by the task's metric. A reply the server
 * cut off (`length`) or filtered (`content_filter`) scores 0 with that reason rather than
 * being read as an answer. Other model errors stop the evaluation (they are the same for
 * every example: a bad key, a missing model, a spent budget). A spent budget stops only
 * the examples not yet started: calls already sent are paid for, so they are let finish
 * and scored, and with `partialOnBudget` the evaluation of what was scored is returned.
 */
export async function evaluatePrompt(o: {
  promptText: string;
  task: Task;
  examples: readonly Example[];
  model: ChatModel;
  concurrency: number;
  includeFormatInstruction?: boolean;
  /** Forward temperature; 0 (the method's) unless the run or the prompt file says otherwise. */
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  onResult?: (result: ExampleResult, done: number) => void;
  /** Return what was scored when a budget cap stops the evaluation, instead of throwing. */
  partialOnBudget?: boolean;
}): Promise<PromptEvaluation> {
  const results: ExampleResult[] = new Array(o.examples.length);
  // One failure stops the other workers too, instead of letting them spend calls.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (o.signal?.aborted) stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = stop.signal;
  let next = 0;
  let done = 0;
  let budgetStop: LlmError | undefined;
  const worker = async () => {
    while (next < o.examples.length && !budgetStop) {
      if (signal.aborted) throw new LlmError('aborted', 'The evaluation was cancelled.');
      const i = next++;
      const example = o.examples[i];
      const messages = o.task.forwardMessages(o.promptText, example, { includeFormatInstruction: o.includeFormatInstruction ?? true });
      let output = '';
      let verdict: { score: number; reason: string; extracted?: string };
      try {
        const response = await o.model.complete({ messages, temperature: o.temperature ?? 0, maxTokens: o.maxTokens }, { signal, purpose: 'forward' });
        output = response.text;
        verdict =
          response.finishReason === 'stop' || response.finishReason === 'other'
            ? await o.task.metric.score(output, example, { signal })
            : { score: 0, reason: response.finishReason === 'length' ? 'the reply was cut off (finish_reason length)' : 'the reply was withheld by a content filter' };
      } catch (e) {
        if (e instanceof LlmError && (e.kind === 'content-filter' || e.kind === 'length')) {
          verdict = { score: 0, reason: e.message };
        } else if (e instanceof LlmError && e.kind === 'budget') {
          budgetStop ??= e;
          return;
        } else {
          throw e;
        }
      }
      const result: ExampleResult = { id: example.id, input: example.input, gold: example.gold, output, score: verdict.score, reason: verdict.reason };
      if (verdict.extracted !== undefined) result.extracted = verdict.extracted;
      results[i] = result;
      done++;
      o.onResult?.(result, done);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(o.concurrency, o.examples.length)) }, () =>
    worker().catch((e: unknown) => {
      stop.abort();
      throw e;
    }),
  );
  const settled = await Promise.allSettled(workers);
  o.signal?.removeEventListener('abort', onAbort);
  // Report the first real failure, not the cancellations it caused in the other workers.
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
  if (failures.length) throw failures.find((e) => !(e instanceof LlmError && e.kind === 'aborted')) ?? failures[0];
  if (budgetStop && !o.partialOnBudget) throw budgetStop;
  const scored = budgetStop ? results.filter((r) => r !== undefined) : results;
  const sum = scored.reduce((s, r) => s + r.score, 0);
  return {
    accuracy: scored.length ? sum / scored.length : 0,
    n: scored.length,
    correct: scored.filter((r) => r.score >= 1).length,
    results: scored,
    ...(budgetStop ? { stoppedBy: budgetStop } : {}),
  };
}
