import type { ConfigLayer } from './mergeConfig';
import type { RunConfig } from './runConfig';

/**
 * A Prompty file's own model parameters: Prompty 1's `model.parameters` (`temperature`,
 * `max_tokens`, `response_format`) and Prompty 2's `model.options` (`temperature`,
 * `maxOutputTokens`, `responseFormat`). The file is how the prompt runs in production, so
 * forward calls use them unless the user set the same parameter for this run in a config
 * layer; the product's own defaults (temperature 0, no token limit) do not override them.
 */
export interface FileModelParameters {
  temperature?: number;
  maxTokens?: number;
  responseFormat?: unknown;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function fileModelParameters(frontMatter: unknown): FileModelParameters {
  const model = record(record(frontMatter)?.model);
  const p = { ...record(model?.parameters), ...record(model?.options) };
  const out: FileModelParameters = {};
  const t = p.temperature;
  if (typeof t === 'number' && Number.isFinite(t) && t >= 0 && t <= 2) out.temperature = t;
  const m = p.max_tokens ?? p.maxOutputTokens ?? p.maxTokens ?? p.max_completion_tokens;
  if (typeof m === 'number' && Number.isInteger(m) && m > 0) out.maxTokens = m;
  const rf = p.response_format ?? p.responseFormat;
  if (rf !== undefined) out.responseFormat = rf;
  return out;
}

/** Which forward parameters a run uses and where each came from, in one line per parameter. */
export interface ForwardParameterChoice {
  config: RunConfig;
  notes: string[];
}

/** Whether some layer (a config file, the extension's settings) set `forward.<key>`. */
function userSet(layers: readonly ConfigLayer[], key: 'temperature' | 'maxTokens'): string | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const forward = record(layers[i].values.forward);
    if (forward && forward[key] !== undefined) return layers[i].source;
  }
  return undefined;
}

/**
 * The run's config with the file's temperature and max tokens applied where the user did
 * not set them, and a note for each parameter the file names saying which value applies.
 * `response_format` is reported but not sent: forward requests carry no response format.
 */
export function applyFileModelParameters(config: RunConfig, file: FileModelParameters, layers: readonly ConfigLayer[]): ForwardParameterChoice {
  const forward = { ...config.forward };
  const notes: string[] = [];
  if (file.temperature !== undefined) {
    const by = userSet(layers, 'temperature');
    if (by) notes.push(`temperature ${forward.temperature} (set in ${by}; the prompt file says ${file.temperature})`);
    else {
      forward.temperature = file.temperature;
      notes.push(`temperature ${file.temperature} (from the prompt file)`);
    }
  }
  if (file.maxTokens !== undefined) {
    const by = userSet(layers, 'maxTokens');
    if (by) notes.push(`max tokens ${forward.maxTokens} (set in ${by}; the prompt file says ${file.maxTokens})`);
    else {
      forward.maxTokens = file.maxTokens;
      notes.push(`max tokens ${file.maxTokens} (from the prompt file)`);
    }
  }
  if (file.responseFormat !== undefined) notes.push('response_format from the prompt file is not sent: forward requests here carry no response format');
  return { config: { ...config, forward }, notes };
}
