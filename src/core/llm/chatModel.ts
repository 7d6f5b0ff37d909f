/**
 * The only thing the trainer knows about an LLM. Providers (OpenAI-compatible over
 * HTTP, the VS Code Language Model API, the offline simulator) implement it, and the
 * reliability layers (retry, timeout, limiter, meter, cache, budget) wrap it and
 * implement it again, so they compose in any order.
 */

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Sampling temperature; the method uses 0 everywhere. */
  temperature?: number;
  maxTokens?: number;
  seed?: number;
  stop?: string[];
}

/**
 * Why generation ended. `length` and `content_filter` are surfaced as such and must
 * never be mistaken for an answer by callers; `other` covers provider-specific values.
 */
export type FinishReason = 'stop' | 'length' | 'content_filter' | 'other';

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  /** True when the server sent no usage and the numbers were estimated locally. */
  estimated?: boolean;
}

export interface ChatResponse {
  text: string;
  finishReason: FinishReason;
  usage: ChatUsage;
  /** The model id that answered (as reported by the server when it says). */
  model: string;
  /** `reasoning_content` of reasoning models, kept apart from the answer. */
  reasoning?: string;
  /** True when the response came from the on-disk cache (no HTTP request). */
  cached?: boolean;
}

/** What a streaming call yields: text deltas, then exactly one `done` with the whole response. */
export type ChatStreamPart =
  | { type: 'delta'; text: string }
  | { type: 'done'; response: ChatResponse };

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * A short label for meters, budgets and logs (`forward`, `backward`, `update`, `judge`...).
   * Never sent to the server.
   */
  purpose?: string;
}

export interface ChatModel {
  /** Stable identifier used in cache keys and reports, e.g. `openai:gpt-4o-mini`. */
  readonly id: string;
  /** Human label for the UI, e.g. `gpt-4o-mini (OpenAI)` or `Offline simulator`. */
  readonly label: string;
  complete(request: ChatRequest, options?: CallOptions): Promise<ChatResponse>;
  stream(request: ChatRequest, options?: CallOptions): AsyncIterable<ChatStreamPart>;
}

/** Streams a request, calling `onDelta` per text delta, and returns the final response. */
export async function completeStreaming(
  model: ChatModel,
  request: ChatRequest,
  onDelta: (text: string) => void,
  options?: CallOptions,
): Promise<ChatResponse> {
  for await (const part of model.stream(request, options)) {
    if (part.type === 'delta') onDelta(part.text);
    else return part.response;
  }
  throw new Error(`${model.id}: stream ended without a final response`);
}
