import { requestKindOf } from '../dlpo/markers';
import type { CallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart } from '../llm/chatModel';
import { LlmError } from '../llm/errors';
import { estimatePromptTokens, estimateTokens } from '../llm/tokens';
import type { AnswerKey } from './answerKey';
import { answerBackward } from './backwardSimulator';
import { answerForward } from './forwardSimulator';

/**
 * The offline simulator: a deterministic stand-in ChatModel for demos and tests, with no
 * network and no key. It imitates a model's *behaviour* — forward accuracy that depends
 * on real features of the system prompt, backward replies in the formats the trainer
 * expects — and is not a solver: it takes right answers from an answer key the runner
 * builds from the task's examples. Every figure produced with it must be labelled
 * "offline simulator" (run-start's `simulator: true`, reports, CLI summaries).
 */

export const SIMULATOR_LABEL = 'Offline simulator';

export interface SimulatorOptions {
  seed: number;
  role: 'forward' | 'backward';
  /** Gold answers by question text; without it every forward answer is wrong (see answerKey.ts). */
  answerKey?: AnswerKey;
  /** Pace of streamed replies (characters per second); unset: four chunks at once. */
  streamCharsPerSecond?: number;
}

export interface SimulatorModel extends ChatModel {
  /** Replaces the answer key (the runner sets it once the task is loaded). */
  setAnswerKey(key: AnswerKey | undefined): void;
}

const STREAM_CHUNKS = 4;
/** A paced stream sends a few words at a time, as a model does. */
const PACED_CHUNK_CHARS = 12;

/** Waits `ms`, or rejects as soon as the call is cancelled. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => {
      clearTimeout(timer);
      reject(new LlmError('aborted', `${SIMULATOR_LABEL}: the call was cancelled.`));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', cancelled);
      resolve();
    }, ms);
    signal?.addEventListener('abort', cancelled, { once: true });
  });
}

export function isSimulatorModel(model: ChatModel): boolean {
  return model.id.startsWith('simulator:');
}

export function createSimulatorModel(opts: SimulatorOptions): SimulatorModel {
  let answerKey = opts.answerKey;
  const id = `simulator:${opts.role}`;

  function reply(request: ChatRequest, options?: CallOptions): ChatResponse {
    if (options?.signal?.aborted) throw new LlmError('aborted', `${SIMULATOR_LABEL}: the call was cancelled.`);
    const system = request.messages.find((m) => m.role === 'system')?.content;
    const kind = requestKindOf(system);
    // The role decides nothing about the reply: a backward request is answered in kind
    // even by the forward simulator, so any wiring of the two works.
    const text = kind ? answerBackward(kind, request.messages, opts.seed) : answerForward(request.messages, opts.seed, answerKey).text;
    return {
      text,
      finishReason: 'stop',
      usage: { promptTokens: estimatePromptTokens(request.messages), completionTokens: estimateTokens(text), estimated: true },
      model: id,
    };
  }

  return {
    id,
    label: `${SIMULATOR_LABEL} (${opts.role}; no network, for trying DLPO out)`,
    setAnswerKey(key) {
      answerKey = key;
    },
    async complete(request, options) {
      return reply(request, options);
    },
    async *stream(request, options): AsyncIterable<ChatStreamPart> {
      const response = reply(request, options);
      const cps = opts.streamCharsPerSecond;
      const size = cps ? PACED_CHUNK_CHARS : Math.max(1, Math.ceil(response.text.length / STREAM_CHUNKS));
      for (let i = 0; i < response.text.length; i += size) {
        if (options?.signal?.aborted) throw new LlmError('aborted', `${SIMULATOR_LABEL}: the call was cancelled.`);
        const chunk = response.text.slice(i, i + size);
        if (cps) await pause((chunk.length / cps) * 1000, options?.signal);
        yield { type: 'delta', text: chunk };
      }
      yield { type: 'done', response };
    },
  };
}
