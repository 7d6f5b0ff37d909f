import { createOpenAiModel, type OpenAiProviderOptions } from '../../../src/core/llm/openaiProvider';
import type { ChatModel, ChatRequest } from '../../../src/core/llm/chatModel';
import type { LoopbackServer } from '../../support/loopbackServer';

/** A key-shaped secret that must never show up in any output. */
export const SECRET_KEY = 'sk-loopback-SECRET-0123456789abcdef';

export function providerFor(server: LoopbackServer, more: Partial<OpenAiProviderOptions> = {}): ChatModel {
  return createOpenAiModel({
    provider: 'openai-compatible',
    model: 'test-model',
    apiKey: SECRET_KEY,
    keySource: 'the environment variable LOOPBACK_KEY',
    baseUrl: server.baseUrl,
    ...more,
  });
}

export function ask(text: string, more: Partial<ChatRequest> = {}): ChatRequest {
  return { messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: text }], temperature: 0, ...more };
}

/** Resolves to the error a promise rejects with; fails if it resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<Error & { kind?: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
