import type { CallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart, FinishReason } from '../../src/core/llm/chatModel';
import { LlmError } from '../../src/core/llm/errors';
import type { RequestKind } from '../../src/core/dlpo/markers';
import { requestKindOf } from '../../src/core/dlpo/markers';

/**
 * A ChatModel for unit tests: replies come from a script (a list consumed in order, or a
 * function of the request) and every request is recorded. Replies stream in fixed-size
 * chunks; `delayTicks` can hold a call back for some macrotask ticks so that parallel
 * calls complete out of order, the way real ones do.
 */

export type ScriptReply = string | { text: string; finishReason?: FinishReason } | Error;

export interface RecordedCall {
  index: number;
  request: ChatRequest;
  purpose?: string;
  /** The backward request kind from the system message, or null for a forward call. */
  kind: RequestKind | null;
  system: string;
  user: string;
  streamed: boolean;
  /** Set by test harnesses (e.g. the trainer step during which the call was made). */
  step?: number;
}

export type Script = (call: RecordedCall) => ScriptReply | Promise<ScriptReply>;

export interface ScriptedModelOptions {
  id?: string;
  chunkSize?: number;
  delayTicks?: (call: RecordedCall) => number;
  /** Called as each request is recorded, before the reply. */
  onCall?: (call: RecordedCall) => void;
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ScriptedModel implements ChatModel {
  readonly id: string;
  readonly label: string;
  readonly calls: RecordedCall[] = [];
  private readonly script: Script;
  private readonly chunkSize: number;
  private readonly delayTicks?: (call: RecordedCall) => number;
  private readonly onCall?: (call: RecordedCall) => void;

  constructor(script: Script | ScriptReply[], options: ScriptedModelOptions = {}) {
    this.id = options.id ?? 'scripted';
    this.label = `Scripted model (${this.id})`;
    this.chunkSize = options.chunkSize ?? 16;
    this.delayTicks = options.delayTicks;
    this.onCall = options.onCall;
    if (Array.isArray(script)) {
      const replies = script.slice();
      this.script = () => {
        const next = replies.shift();
        if (next === undefined) throw new Error(`${this.id}: script exhausted`);
        return next;
      };
    } else {
      this.script = script;
    }
  }

  /** Calls of one request kind (null = forward calls). */
  callsOf(kind: RequestKind | null): RecordedCall[] {
    return this.calls.filter((c) => c.kind === kind);
  }

  private async answer(request: ChatRequest, options: CallOptions | undefined, streamed: boolean): Promise<ChatResponse> {
    if (options?.signal?.aborted) throw new LlmError('aborted', `${this.id}: aborted`);
    const system = request.messages.find((m) => m.role === 'system')?.content ?? '';
    const user = request.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n\n');
    const call: RecordedCall = {
      index: this.calls.length,
      request: JSON.parse(JSON.stringify(request)) as ChatRequest,
      ...(options?.purpose !== undefined ? { purpose: options.purpose } : {}),
      kind: requestKindOf(system),
      system,
      user,
      streamed,
    };
    this.calls.push(call);
    this.onCall?.(call);
    const ticks = this.delayTicks?.(call) ?? 0;
    for (let i = 0; i < ticks; i++) await tick();
    if (options?.signal?.aborted) throw new LlmError('aborted', `${this.id}: aborted`);
    const reply = await this.script(call);
    if (reply instanceof Error) throw reply;
    const { text, finishReason = 'stop' } = typeof reply === 'string' ? { text: reply } : reply;
    return {
      text,
      finishReason,
      usage: { promptTokens: Math.ceil(request.messages.reduce((n, m) => n + m.content.length, 0) / 4), completionTokens: Math.ceil(text.length / 4) },
      model: this.id,
    };
  }

  complete(request: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
    return this.answer(request, options, false);
  }

  async *stream(request: ChatRequest, options?: CallOptions): AsyncIterable<ChatStreamPart> {
    const response = await this.answer(request, options, true);
    for (let i = 0; i < response.text.length; i += this.chunkSize) {
      yield { type: 'delta', text: response.text.slice(i, i + this.chunkSize) };
    }
    yield { type: 'done', response };
  }
}
