import { LlmError } from '../../core/llm/errors';

/**
 * How a VS Code Language Model API failure becomes an LlmError the run can act on.
 * Takes the error's `code` and message only (no `vscode` import), so it is unit-tested.
 */
export function lmErrorToLlmError(code: string | undefined, message: string, modelLabel: string, cause?: unknown): LlmError {
  switch (code) {
    case 'NoPermissions':
      return new LlmError(
        'consent',
        `DLPO may not use ${modelLabel} yet: VS Code asks you to allow this extension to use the language model. Start the run again and choose "Allow" when asked, or pick another model.`,
        { action: 'Allow DLPO to use the model when VS Code asks, or run DLPO: Select Models.', retryable: false, cause },
      );
    case 'Blocked':
      if (/filter|content|policy|responsible|harm/i.test(message)) {
        return new LlmError('content-filter', `${modelLabel} refused the request (content filter): ${message}`, { retryable: false, cause });
      }
      // Copilot blocks an extension that sends too many requests for a while.
      return new LlmError('rate-limit', `${modelLabel} is temporarily blocking requests from DLPO (too many requests): ${message}`, {
        retryable: true,
        retryAfterMs: 30_000,
        action: 'Lower dlpo.maxConcurrency, or wait and resume the run.',
        cause,
      });
    case 'NotFound':
      return new LlmError('not-found', `The language model ${modelLabel} is not available in this VS Code (is its extension, e.g. GitHub Copilot Chat, installed and signed in?).`, {
        retryable: false,
        action: 'Run DLPO: Select Models to pick an available model.',
        cause,
      });
    default:
      return new LlmError('server', `${modelLabel} failed: ${message || code || 'unknown error'}`, { retryable: true, cause });
  }
}

/** The LM API has no system role in VS Code 1.100: the system prompt becomes the first user message, marked as such. */
export const SYSTEM_NOTE = '[Instructions (system prompt) for this conversation. Follow them when answering the next message.]';

export function systemAsUserText(system: string): string {
  return `${SYSTEM_NOTE}\n\n${system}`;
}

/** `copilot/gpt-4o` → vendor `copilot`, family `gpt-4o`; `gpt-4o` → family only. */
export function parseLmSelector(model: string): { vendor?: string; family?: string; id?: string } {
  const m = model.trim();
  if (!m || m === 'auto' || m === 'default') return {};
  if (m.startsWith('id:')) return { id: m.slice(3) };
  const slash = m.indexOf('/');
  if (slash < 0) return { family: m };
  const vendor = m.slice(0, slash);
  const family = m.slice(slash + 1);
  return { vendor: vendor || undefined, family: family || undefined };
}
