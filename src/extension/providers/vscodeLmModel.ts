import * as vscode from 'vscode';
import type { CallOptions, ChatMessage, ChatModel, ChatRequest, ChatResponse, ChatStreamPart } from '../../core/llm/chatModel';
import { LlmError, isLlmError } from '../../core/llm/errors';
import { lmErrorToLlmError, parseLmSelector, systemAsUserText } from './lmErrorMapping';

/**
 * A ChatModel over the VS Code Language Model API (`vscode.lm`, e.g. Copilot models).
 * The model is selected on first use; the first request triggers VS Code's consent
 * dialog, and a refusal comes back as an LlmError of kind `consent`. The API has no
 * system role (1.100), no temperature guarantee and no usage figures: the system prompt
 * is sent as the first user message with a note, and usage is counted with the model's
 * own `countTokens`.
 */
export class VscodeLmModel implements ChatModel {
  readonly id: string;
  readonly label: string;
  private selected: vscode.LanguageModelChat | undefined;

  constructor(private readonly spec: string) {
    this.id = `vscode-lm:${spec || 'auto'}`;
    this.label = `${spec || 'first available'} (VS Code language model)`;
  }

  async complete(request: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
    let last: ChatResponse | undefined;
    for await (const part of this.stream(request, options)) if (part.type === 'done') last = part.response;
    if (!last) throw new LlmError('bad-response', `${this.label}: the response ended without text.`);
    return last;
  }

  async *stream(request: ChatRequest, options?: CallOptions): AsyncIterable<ChatStreamPart> {
    const signal = options?.signal;
    if (signal?.aborted) throw new LlmError('aborted', `${this.label}: the call was cancelled.`);
    const cts = new vscode.CancellationTokenSource();
    const onAbort = () => cts.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const model = await this.model();
      const messages = toLmMessages(request.messages);
      let response: vscode.LanguageModelChatResponse;
      try {
        response = await model.sendRequest(
          messages,
          { justification: 'DLPO sends your prompt and dataset examples to this model to optimize the prompt.' },
          cts.token,
        );
      } catch (e) {
        throw this.mapError(e, signal);
      }
      let text = '';
      try {
        for await (const chunk of response.text) {
          if (signal?.aborted) break;
          text += chunk;
          yield { type: 'delta', text: chunk };
        }
      } catch (e) {
        throw this.mapError(e, signal);
      }
      if (signal?.aborted) throw new LlmError('aborted', `${this.label}: the call was cancelled.`);
      const usage = await this.usage(model, messages, text, cts.token);
      yield { type: 'done', response: { text, finishReason: 'stop', usage, model: `${model.vendor}/${model.family}` } };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      cts.dispose();
    }
  }

  private async model(): Promise<vscode.LanguageModelChat> {
    if (this.selected) return this.selected;
    const selector = parseLmSelector(this.spec);
    let models: vscode.LanguageModelChat[];
    try {
      models = await vscode.lm.selectChatModels(selector);
    } catch (e) {
      throw this.mapError(e, undefined);
    }
    if (models.length === 0) {
      const all = await vscode.lm.selectChatModels().then(
        (m) => m.map((x) => `${x.vendor}/${x.family}`),
        () => [] as string[],
      );
      throw new LlmError('not-found', `No VS Code language model matches "${this.spec}".${all.length ? ` Available: ${all.join(', ')}.` : ' None is available: install and sign in to GitHub Copilot Chat (or another model provider).'}`, {
        availableModels: all,
        action: 'Run DLPO: Select Models.',
      });
    }
    this.selected = models[0];
    return models[0];
  }

  private async usage(model: vscode.LanguageModelChat, messages: vscode.LanguageModelChatMessage[], text: string, token: vscode.CancellationToken) {
    try {
      let promptTokens = 0;
      for (const m of messages) promptTokens += await model.countTokens(m, token);
      const completionTokens = await model.countTokens(text, token);
      return { promptTokens, completionTokens };
    } catch {
      // Counting is best effort; the character estimate keeps budgets meaningful.
      const chars = messages.reduce((n, m) => n + partsText(m).length, 0);
      return { promptTokens: Math.ceil(chars / 4), completionTokens: Math.ceil(text.length / 4), estimated: true };
    }
  }

  private mapError(e: unknown, signal: AbortSignal | undefined): LlmError {
    if (isLlmError(e)) return e;
    if (signal?.aborted || e instanceof vscode.CancellationError) return new LlmError('aborted', `${this.label}: the call was cancelled.`, { cause: e });
    if (e instanceof vscode.LanguageModelError) return lmErrorToLlmError(e.code, e.message, this.label, e);
    return lmErrorToLlmError(undefined, e instanceof Error ? e.message : String(e), this.label, e);
  }
}

function toLmMessages(messages: readonly ChatMessage[]): vscode.LanguageModelChatMessage[] {
  return messages.map((m) => {
    if (m.role === 'assistant') return vscode.LanguageModelChatMessage.Assistant(m.content);
    if (m.role === 'system') return vscode.LanguageModelChatMessage.User(systemAsUserText(m.content));
    return vscode.LanguageModelChatMessage.User(m.content);
  });
}

function partsText(m: vscode.LanguageModelChatMessage): string {
  return m.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
}

/** The models the LM API offers now, for the model picker (`vendor/family` plus a label). */
export async function listLmModels(): Promise<{ spec: string; label: string; detail: string }[]> {
  const models = await vscode.lm.selectChatModels();
  return models.map((m) => ({ spec: `${m.vendor}/${m.family}`, label: m.name, detail: `${m.vendor}/${m.family} · up to ${m.maxInputTokens.toLocaleString('en-US')} input tokens` }));
}
