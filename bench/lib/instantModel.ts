import { performance } from 'node:perf_hooks';
import { requestKindOf, TAG } from '../../src/core/dlpo/markers';
import type { CallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart } from '../../src/core/llm/chatModel';
import { estimatePromptTokens, estimateTokens } from '../../src/core/llm/tokens';
import { extractTag } from '../../src/core/simulator/requestParts';
import type { DatasetRow } from './workspace';

/**
 * An in-process ChatModel that answers at once, so a run's wall time is the engine's own
 * time. It is deliberately cheap: forward answers come from a gold map (wrong for a
 * fixed share keyed on a hash of prompt and question, so TSA accepts and rejects), and
 * every update proposes a new prompt of constant length (the last sentence becomes
 * "Remember rule #k."), so each step scores a new prompt like a real run and nothing
 * grows with the run but the engine's own state. Time spent inside the model is
 * measured (`modelMs`) and subtracted from the engine's.
 */
export interface InstantModel extends ChatModel {
  readonly modelMs: number;
  readonly calls: number;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 0x1_0000_0000;
}

export function createInstantModels(rows: DatasetRow[]): { forward: InstantModel; backward: InstantModel } {
  const gold = new Map(rows.map((r) => [r.question, r.answer]));
  let rule = 0;
  const stats = { modelMs: 0, calls: 0 };

  function answer(request: ChatRequest): string {
    const system = request.messages.find((m) => m.role === 'system')?.content;
    const user = request.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
    switch (requestKindOf(system)) {
      case 'critique':
        return 'The answer is off: the reasoning skipped the subtraction at the end. State every step and check the final number.';
      case 'promptGradient':
        return 'The system prompt should ask the model to list each quantity, apply every operation in order and end with "Answer: <number>".';
      case 'summary':
        // Names the batch's first example, so the update request (and its reply) differs from step to step as a real summary would.
        return `Across the feedback (first on "${(extractTag(user, 'LM_INPUT') ?? '').slice(0, 60)}"): ask for explicit steps, a final check, and the answer format.`;
      case 'update': {
        const current = extractTag(user, TAG.currentPrompt) ?? '';
        const base = current.replace(/\s*Remember rule #\d+\.$/, '');
        rule++;
        return `<${TAG.improved}>\n${base} Remember rule #${rule}.\n</${TAG.improved}>`;
      }
      case 'judge':
        return 'Score: 1';
      default: {
        const question = user.split('\n')[0];
        const g = gold.get(question) ?? '0';
        const wrong = hash(`${system ?? ''}\n${question}`) < 0.3;
        return `Let me work it out step by step.\nAnswer: ${wrong ? Number(g) + 1 : g}`;
      }
    }
  }

  function reply(request: ChatRequest, id: string): ChatResponse {
    const t0 = performance.now();
    const text = answer(request);
    const response: ChatResponse = {
      text,
      finishReason: 'stop',
      usage: { promptTokens: estimatePromptTokens(request.messages), completionTokens: estimateTokens(text) },
      model: id,
    };
    stats.modelMs += performance.now() - t0;
    stats.calls++;
    return response;
  }

  const make = (id: string): InstantModel => ({
    id,
    label: `instant ${id}`,
    get modelMs() {
      return stats.modelMs;
    },
    get calls() {
      return stats.calls;
    },
    async complete(request: ChatRequest, _options?: CallOptions) {
      return reply(request, id);
    },
    async *stream(request: ChatRequest, _options?: CallOptions): AsyncIterable<ChatStreamPart> {
      const response = reply(request, id);
      // A few deltas, as a streamed reply would arrive, so the delta path is exercised.
      const size = Math.max(1, Math.ceil(response.text.length / 4));
      for (let i = 0; i < response.text.length; i += size) yield { type: 'delta', text: response.text.slice(i, i + size) };
      yield { type: 'done', response };
    },
  });
  return { forward: make('instant-forward'), backward: make('instant-backward') };
}
