import type { ModelSpec } from '../config/runConfig';

/** The environment variable a spec's key is read from when `apiKeyEnv` is not set. */
export function apiKeyEnvName(spec: Pick<ModelSpec, 'provider' | 'apiKeyEnv'>): string {
  if (spec.apiKeyEnv) return spec.apiKeyEnv;
  return spec.provider === 'azure' ? 'AZURE_OPENAI_API_KEY' : 'OPENAI_API_KEY';
}

/** How error messages name the key's home, e.g. `the environment variable OPENAI_API_KEY`. */
export function envKeySource(spec: Pick<ModelSpec, 'provider' | 'apiKeyEnv'>): string {
  return `the environment variable ${apiKeyEnvName(spec)}`;
}
