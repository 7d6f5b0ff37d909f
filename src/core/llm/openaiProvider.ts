import OpenAI, { APIError, AzureOpenAI } from 'openai';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import type { CallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart, FinishReason } from './chatModel';
import { LlmError } from './errors';
import { toLlmError, type ErrorContext } from './providerErrors';
import { estimatePromptTokens, estimateTokens } from './tokens';

export type HttpProviderKind = 'openai' | 'azure' | 'openai-compatible';

export interface OpenAiProviderOptions {
  provider: HttpProviderKind;
  /** Model name; for Azure, the deployment name. */
  model: string;
  /** Absent for keyless local servers (Ollama, llama.cpp); required by OpenAI and Azure. */
  apiKey?: string;
  /** Where the key came from, named in auth errors: `the environment variable OPENAI_API_KEY`. */
  keySource: string;
  /** OpenAI-compatible base URL including `/v1`; also overrides the OpenAI default. */
  baseUrl?: string;
  azureEndpoint?: string;
  azureApiVersion?: string;
  /**
   * The SDK's own timeout. Our `timeout.ts` layer is the one that matters; this is a
   * backstop so a call can never outlive the process.
   */
  sdkTimeoutMs?: number;
}

const OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';
const MODEL_LIST_TIMEOUT_MS = 5000;
/** A reply longer than this is a misbehaving server, not an answer (prompts are short). */
export const MAX_REPLY_CHARS = 2_000_000;
/** Characters a token of the completion limit allows before a reply is cut off (see tokens.ts). */
const CHARS_PER_LIMIT_TOKEN = 4;
/** Room in a completion's JSON body for what surrounds the answer (ids, usage, logprobs: null). */
const BODY_OVERHEAD_BYTES = 1024;

/**
 * The one HTTP provider: OpenAI, Azure OpenAI and any OpenAI-compatible server, all via
 * the official `openai` SDK. The SDK's retries are off (`maxRetries: 0`) so `retry.ts`
 * is the only retry policy, and its logger is off so nothing it prints can leak.
 */
export function createOpenAiModel(opts: OpenAiProviderOptions): ChatModel {
  return new OpenAiChatModel(opts);
}

class OpenAiChatModel implements ChatModel {
  readonly id: string;
  readonly label: string;
  private readonly client: OpenAI;
  private readonly endpoint: string;
  private omitTemperature = false;
  private useMaxCompletionTokens: boolean;
  /** The most completion tokens the server said this model accepts, once it said so. */
  private maxOutputTokens: number | undefined;

  constructor(private readonly opts: OpenAiProviderOptions) {
    this.useMaxCompletionTokens = opts.provider === 'openai' && !opts.baseUrl;
    const common = {
      apiKey: opts.apiKey ?? 'no-key',
      maxRetries: 0,
      timeout: opts.sdkTimeoutMs ?? 10 * 60_000,
      logLevel: 'off' as const,
    };
    if (opts.provider === 'azure') {
      if (!opts.azureEndpoint) {
        throw new LlmError('bad-request', 'Azure OpenAI needs an endpoint (https://<resource>.openai.azure.com).', {
          action: 'Set azureEndpoint in the config or pass --azure-endpoint.',
        });
      }
      const endpoint = opts.azureEndpoint.replace(/\/+$/, '');
      this.client = new AzureOpenAI({
        ...common,
        endpoint,
        deployment: opts.model,
        apiVersion: opts.azureApiVersion ?? DEFAULT_AZURE_API_VERSION,
      });
      this.endpoint = `${endpoint}/openai/deployments/${opts.model}`;
      this.id = `azure:${new URL(endpoint).host}/${opts.model}`;
      this.label = `${opts.model} (Azure OpenAI)`;
    } else {
      const baseURL = (opts.baseUrl ?? OPENAI_BASE_URL).replace(/\/+$/, '');
      this.client = new OpenAI({ ...common, baseURL });
      this.endpoint = baseURL;
      if (opts.provider === 'openai' && !opts.baseUrl) {
        this.id = `openai:${opts.model}`;
        this.label = `${opts.model} (OpenAI)`;
      } else {
        // The server is part of the identity: the same name on two servers is two models.
        this.id = `${opts.provider}:${opts.model}@${baseURL}`;
        this.label = `${opts.model} (${new URL(baseURL).host})`;
      }
    }
  }

  async complete(request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
    const ctx = this.errorContext(options.signal);
    let response: Response;
    try {
      response = await this.withAdaptedParams(() =>
        this.client.chat.completions.create({ ...this.params(request), stream: false }, { signal: options.signal }).asResponse(),
      );
    } catch (e) {
      throw await this.enrich(toLlmError(e, ctx));
    }
    let raw: unknown;
    try {
      raw = await this.readBody(response, request.maxTokens);
    } catch (e) {
      throw toLlmError(e, ctx);
    }
    return this.toResponse(raw, request);
  }

  /**
   * The body of a completion, read by us rather than the SDK so that a server ignoring
   * `max_tokens` cannot send (and bill) an answer of any size: past what the completion
   * limit allows, at four characters a token plus room for the JSON around it, the
   * connection is closed and the call ends as cut off at its limit.
   */
  private async readBody(response: Response, limit: number | undefined): Promise<unknown> {
    const maxBytes = limit === undefined ? MAX_REPLY_CHARS : Math.min(MAX_REPLY_CHARS, CHARS_PER_LIMIT_TOKEN * limit + BODY_OVERHEAD_BYTES);
    const reader = response.body?.getReader();
    const parts: Uint8Array[] = [];
    let size = 0;
    if (reader) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw cutOff(this.label, limit);
        }
        parts.push(value);
      }
    }
    const text = Buffer.concat(parts).toString('utf8');
    const type = response.headers.get('content-type') ?? '';
    // Like the SDK: JSON is parsed (a SyntaxError becomes bad-response), anything else stays text.
    return /json/i.test(type) ? JSON.parse(text) : text;
  }

  /**
   * Reasoning models (o-series, gpt-5) refuse `temperature` other than the default and the
   * old `max_tokens` name. When the server names such a parameter in a 400, the call is
   * sent once more without it (or renamed), and the model remembers for later calls.
   */
  private async withAdaptedParams<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (e) {
      if (!(e instanceof APIError) || e.status !== 400) throw e;
      const param = (e as { param?: string | null }).param ?? '';
      const text = `${param} ${e.message}`;
      if (!this.omitTemperature && /temperature/.test(text) && /unsupported|not support|does not support/i.test(e.message)) {
        this.omitTemperature = true;
      } else if (!this.useMaxCompletionTokens && param === 'max_tokens' && !/at most|too large|maximum/i.test(e.message)) {
        this.useMaxCompletionTokens = true;
      } else if (/max_(completion_)?tokens/.test(text) && /at most (\d+)|maximum (?:of |is )?(\d+)/i.test(e.message)) {
        // "max_tokens is too large: 16384. This model supports at most 4096 completion tokens":
        // the default limit was above this model's; lower it (never raise it) and send again.
        const m = /at most (\d+)|maximum (?:of |is )?(\d+)/i.exec(e.message)!;
        const most = Number(m[1] ?? m[2]);
        if (!(most > 0) || (this.maxOutputTokens !== undefined && most >= this.maxOutputTokens)) throw e;
        this.maxOutputTokens = most;
      } else {
        throw e;
      }
      return send();
    }
  }

  async *stream(request: ChatRequest, options: CallOptions = {}): AsyncGenerator<ChatStreamPart> {
    const ctx = this.errorContext(options.signal);
    let text = '';
    let reasoning = '';
    let finish: string | null = null;
    let model = this.opts.model;
    let usage: ChatCompletion['usage'] | undefined;
    let sawChoice = false;
    let parts = 0;
    let cut = false;
    const limit = request.maxTokens;
    let stream: AsyncIterable<ChatCompletionChunk> & { controller: AbortController };
    try {
      stream = await this.withAdaptedParams(() =>
        this.client.chat.completions.create(
          { ...this.params(request), stream: true, stream_options: { include_usage: true } },
          { signal: options.signal },
        ),
      );
    } catch (e) {
      throw await this.enrich(toLlmError(e, ctx));
    }
    try {
      for await (const chunk of stream) {
        if (!chunk || typeof chunk !== 'object') throw new LlmError('bad-response', `${this.label} sent a stream chunk that is not an object`);
        if (chunk.model) model = chunk.model;
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        sawChoice = true;
        const delta = choice.delta as { content?: string | null; reasoning_content?: string | null; reasoning?: string | null } | undefined;
        const r = delta?.reasoning_content ?? delta?.reasoning;
        if (typeof r === 'string') reasoning += r;
        let content = typeof delta?.content === 'string' ? delta.content : '';
        if (typeof r === 'string' || content.length > 0) parts++;
        if (limit !== undefined && content.length > 0) {
          // A server that ignores max_tokens is cut off at the limit: what arrived counts
          // as four characters a token, or one token a part when that is more.
          const room = CHARS_PER_LIMIT_TOKEN * limit - reasoning.length - text.length;
          if (room < content.length || parts > limit) {
            content = content.slice(0, Math.max(0, room));
            cut = true;
          }
        }
        if (content.length > 0) {
          text += content;
          if (text.length + reasoning.length > MAX_REPLY_CHARS) {
            throw new LlmError('bad-response', `${this.label} sent more than ${MAX_REPLY_CHARS} characters; the stream was cut off.`, {
              retryable: false,
            });
          }
          yield { type: 'delta', text: content };
        }
        if (!cut && limit !== undefined && (estimateTokens(reasoning) + estimateTokens(text) >= limit || parts >= limit)) cut = true;
        if (cut) break;
        if (choice.finish_reason) finish = choice.finish_reason;
      }
    } catch (e) {
      throw toLlmError(e, ctx);
    } finally {
      // A consumer that stops early must not leave the HTTP response open.
      if (finish === null) stream.controller.abort();
    }
    // Like a completion without choices: a body that is not an SSE stream (a JSON error
    // with status 200, an HTML page) parses as zero events and must not pass for "".
    if (!sawChoice) throw new LlmError('bad-response', `${this.label} ended the stream without sending an answer`, { retryable: true });
    if (cut) {
      // As if the server had kept to max_tokens: cut off at the limit, which is what it may bill.
      if (text.trim() === '') throw cutOff(this.label, limit);
      yield {
        type: 'done',
        response: { text, finishReason: 'length', model, usage: { promptTokens: estimatePromptTokens(request.messages), completionTokens: limit!, estimated: true } },
      };
      return;
    }
    yield { type: 'done', response: this.finish(text, reasoning, finish, model, usage, request) };
  }

  private params(request: ChatRequest): ChatCompletionCreateParamsBase {
    const p: ChatCompletionCreateParamsBase = {
      model: this.opts.model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    };
    if (request.temperature !== undefined && !this.omitTemperature) p.temperature = request.temperature;
    if (request.seed !== undefined) p.seed = request.seed;
    if (request.stop && request.stop.length > 0) p.stop = request.stop;
    if (request.maxTokens !== undefined) {
      const limit = this.maxOutputTokens !== undefined ? Math.min(this.maxOutputTokens, request.maxTokens) : request.maxTokens;
      // OpenAI's newer models reject `max_tokens`; compatible servers mostly know only it.
      if (this.useMaxCompletionTokens) p.max_completion_tokens = limit;
      else p.max_tokens = limit;
    }
    return p;
  }

  private toResponse(raw: unknown, request: ChatRequest): ChatResponse {
    const body = raw as Partial<ChatCompletion> | string | null | undefined;
    if (!body || typeof body !== 'object' || !Array.isArray(body.choices)) {
      throw new LlmError('bad-response', `${this.label} returned something that is not a chat completion`, { retryable: true });
    }
    const choice = body.choices[0];
    if (!choice || typeof choice !== 'object') {
      throw new LlmError('bad-response', `${this.label} returned no choices`, { retryable: true });
    }
    const message = (choice.message ?? {}) as { content?: unknown; reasoning_content?: unknown; reasoning?: unknown };
    const text = typeof message.content === 'string' ? message.content : '';
    const r = message.reasoning_content ?? message.reasoning;
    return this.finish(text, typeof r === 'string' ? r : '', choice.finish_reason ?? null, body.model || this.opts.model, body.usage, request);
  }

  private finish(
    text: string,
    reasoning: string,
    rawFinish: string | null,
    model: string,
    usage: ChatCompletion['usage'] | null | undefined,
    request: ChatRequest,
  ): ChatResponse {
    const finishReason = mapFinishReason(rawFinish);
    if (finishReason === 'content_filter') {
      throw new LlmError('content-filter', `${this.label} stopped: the provider's content filter blocked the answer (finish_reason content_filter).`, {
        retryable: false,
        action: 'Rephrase the prompt or the example that triggered the filter.',
      });
    }
    if (finishReason === 'length' && text.trim() === '') {
      throw new LlmError('length', `${this.label} hit its token limit before writing an answer (finish_reason length).`, {
        retryable: false,
        action: 'Raise maxTokens for this model (reasoning models spend tokens before answering).',
      });
    }
    const response: ChatResponse = {
      text,
      finishReason,
      model,
      usage:
        usage && typeof usage.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number'
          ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }
          : {
              promptTokens: estimatePromptTokens(request.messages),
              completionTokens: estimateTokens(text) + estimateTokens(reasoning),
              estimated: true,
            },
    };
    if (reasoning) response.reasoning = reasoning;
    return response;
  }

  private errorContext(signal?: AbortSignal): ErrorContext {
    return {
      label: this.label,
      model: this.opts.model,
      keySource: this.opts.keySource,
      endpoint: this.endpoint,
      secrets: [this.opts.apiKey],
      signal,
    };
  }

  /** A 404 names the models the endpoint does offer, when it will say. */
  private async enrich(err: LlmError): Promise<LlmError> {
    if (err.kind !== 'not-found' || this.opts.provider === 'azure') return err;
    let models: string[];
    try {
      const page = await this.client.models.list({ signal: AbortSignal.timeout(MODEL_LIST_TIMEOUT_MS) });
      models = page.data.map((m) => m.id).filter((id) => typeof id === 'string');
    } catch {
      return err;
    }
    if (models.length === 0) return err;
    const shown = models.slice(0, 20).join(', ') + (models.length > 20 ? `, … (${models.length} in all)` : '');
    return new LlmError('not-found', `${err.message} The endpoint offers: ${shown}.`, {
      ...err.details,
      availableModels: models,
      action: `Use one of: ${shown}.`,
    });
  }
}

function cutOff(label: string, limit: number | undefined): LlmError {
  return new LlmError('length', `${label} sent more than its limit of ${limit ?? MAX_REPLY_CHARS} tokens; the reply was cut off there.`, {
    retryable: false,
    action: 'Raise maxTokens for this model if its answers are really that long.',
  });
}

function mapFinishReason(raw: string | null): FinishReason {
  if (raw === 'stop' || raw === 'length' || raw === 'content_filter') return raw;
  return 'other';
}
