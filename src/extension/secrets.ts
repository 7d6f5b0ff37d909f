import * as vscode from 'vscode';
import type { Provider } from '../core/config/runConfig';

/**
 * API keys: stored in VS Code's SecretStorage under `dlpo.apiKey.<provider>`, or read
 * from an environment variable. A key is handed to the runner in memory only; it never
 * goes into settings, logs, journals, reports or the panel.
 */

export type KeyedProvider = Extract<Provider, 'openai' | 'azure' | 'openai-compatible'>;
export const KEYED_PROVIDERS: readonly KeyedProvider[] = ['openai', 'azure', 'openai-compatible'];

export function secretKeyFor(provider: KeyedProvider): string {
  return `dlpo.apiKey.${provider}`;
}

export function defaultKeyEnvironmentVariable(provider: KeyedProvider): string {
  return provider === 'azure' ? 'AZURE_OPENAI_API_KEY' : 'OPENAI_API_KEY';
}

export function needsKey(provider: Provider): provider is KeyedProvider {
  return (KEYED_PROVIDERS as readonly string[]).includes(provider);
}

export interface ResolvedKey {
  key: string;
  /** Where it came from, for messages (`SecretStorage` or `$OPENAI_API_KEY`); never the key. */
  from: string;
}

export class Secrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  async get(provider: KeyedProvider): Promise<string | undefined> {
    const v = await this.storage.get(secretKeyFor(provider));
    return v && v.length > 0 ? v : undefined;
  }

  async set(provider: KeyedProvider, key: string): Promise<void> {
    await this.storage.store(secretKeyFor(provider), key.trim());
  }

  async clear(provider: KeyedProvider): Promise<void> {
    await this.storage.delete(secretKeyFor(provider));
  }

  /** SecretStorage first, then the named environment variable, then the provider's usual one. */
  async resolve(provider: KeyedProvider, envVar?: string, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedKey | undefined> {
    const stored = await this.get(provider);
    if (stored) return { key: stored, from: 'SecretStorage' };
    for (const name of [envVar, defaultKeyEnvironmentVariable(provider)]) {
      if (!name) continue;
      const v = env[name];
      if (v && v.trim() !== '') return { key: v.trim(), from: `$${name}` };
    }
    return undefined;
  }
}
