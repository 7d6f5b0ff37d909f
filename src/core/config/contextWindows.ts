import type { ModelSpec } from './runConfig';

/**
 * How many tokens a request to a model may hold (prompt plus the completion it may write),
 * for the check made before any call (src/core/run/contextCheck.ts): a prompt far over
 * the model's window is refused up front instead of being sent (a 50 MiB prompt once
 * went out as a 13-million-token request). Figures are the providers' published context
 * windows for the OpenAI models we price (pricing.ts); for gpt-5 the input limit, which is
 * smaller than its whole window. Names not in the table (local servers, Azure
 * deployments, VS Code models) get `UNKNOWN_MODEL_WINDOW`: no model we know of takes
 * more, so a request above it cannot succeed anywhere.
 */
export const CONTEXT_WINDOWS: Readonly<Record<string, number>> = {
  'gpt-5': 272_000,
  'gpt-5-mini': 272_000,
  'gpt-5-nano': 272_000,
  'gpt-4.1': 1_047_576,
  'gpt-4.1-mini': 1_047_576,
  'gpt-4.1-nano': 1_047_576,
  'gpt-4o': 128_000,
  'gpt-4o-mini': 128_000,
  'gpt-4-turbo': 128_000,
  'gpt-4': 8_192,
  'gpt-3.5-turbo': 16_385,
  o1: 200_000,
  'o1-mini': 128_000,
  o3: 200_000,
  'o3-mini': 200_000,
  'o4-mini': 200_000,
};

export const UNKNOWN_MODEL_WINDOW = 2_000_000;

export interface ContextWindow {
  tokens: number;
  /** True when the figure is the model's own; false for the bound used for unknown models. */
  known: boolean;
}

/**
 * The window of `spec`'s model: an exact name, else the longest table name it extends at
 * a `-` (a dated snapshot such as `gpt-4o-2024-08-06` is `gpt-4o`, not `gpt-4`).
 */
export function contextWindowOf(spec: Pick<ModelSpec, 'provider' | 'model'>): ContextWindow {
  if (spec.provider === 'openai' || spec.provider === 'azure' || spec.provider === 'openai-compatible') {
    const name = spec.model.toLowerCase();
    if (CONTEXT_WINDOWS[name] !== undefined) return { tokens: CONTEXT_WINDOWS[name], known: true };
    const base = Object.keys(CONTEXT_WINDOWS)
      .filter((k) => name.startsWith(`${k}-`))
      .sort((a, b) => b.length - a.length)[0];
    if (base) return { tokens: CONTEXT_WINDOWS[base], known: true };
  }
  return { tokens: UNKNOWN_MODEL_WINDOW, known: false };
}
