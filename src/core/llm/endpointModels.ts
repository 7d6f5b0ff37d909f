import OpenAI, { APIError } from 'openai';

/**
 * The models an OpenAI or OpenAI-compatible endpoint offers (`GET /models`), for the model
 * picker: what exists instead of a name typed from memory. It doubles as the key check
 * before any run: a 401/403 says the key is missing or wrong while the user is still in
 * the picker. Azure data-plane endpoints do not list deployments with the key alone, so
 * Azure deployment names stay typed (the picker says so).
 */

export type EndpointModels =
  | { ok: true; models: string[] }
  | { ok: false; problem: 'key' | 'unreachable' | 'no-list'; message: string };

const LIST_TIMEOUT_MS = 8_000;

export async function listEndpointModels(o: { baseUrl: string; apiKey?: string; signal?: AbortSignal }): Promise<EndpointModels> {
  const client = new OpenAI({ baseURL: o.baseUrl.replace(/\/+$/, ''), apiKey: o.apiKey ?? 'no-key', maxRetries: 0, timeout: LIST_TIMEOUT_MS, logLevel: 'off' });
  try {
    const page = await client.models.list(o.signal ? { signal: o.signal } : undefined);
    const models = page.data.map((m) => m.id).filter((id): id is string => typeof id === 'string' && id.length > 0);
    return { ok: true, models: [...new Set(models)].sort((a, b) => a.localeCompare(b)) };
  } catch (e) {
    if (e instanceof APIError && (e.status === 401 || e.status === 403)) {
      return { ok: false, problem: 'key', message: o.apiKey ? `${o.baseUrl} rejected the API key (HTTP ${e.status}); set the right key with "DLPO: Set API Key".` : `${o.baseUrl} needs an API key (HTTP ${e.status}) and none is set; set one with "DLPO: Set API Key".` };
    }
    if (e instanceof APIError && e.status !== undefined) {
      return { ok: false, problem: 'no-list', message: `${o.baseUrl} does not list its models (HTTP ${e.status}); type the model name.` };
    }
    return { ok: false, problem: 'unreachable', message: `${o.baseUrl} did not answer (${e instanceof Error ? e.message : String(e)}); check that the server is running, or type the model name.` };
  }
}
