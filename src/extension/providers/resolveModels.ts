import type { ModelSpec, RunConfig } from '../../core/config/runConfig';
import type { ChatModel } from '../../core/llm/chatModel';
import { LlmError } from '../../core/llm/errors';
import { providerLabel } from '../config/settingsToRunConfig';
import { defaultKeyEnvironmentVariable, needsKey, type Secrets } from '../secrets';
import { VscodeLmModel } from './vscodeLmModel';

export interface ResolvedRunModels {
  models: { forward?: ChatModel; backward?: ChatModel };
  /** In memory only; handed to the runner, which redacts them from everything it writes. */
  apiKeys: { forward?: string; backward?: string };
  /** Where each key came from, for the runner's auth error messages (never the key). */
  keySources: { forward?: string; backward?: string };
}

/**
 * The shell's part of the model stack: VS Code language models are built here (the core
 * cannot import `vscode`), keys come from SecretStorage or the environment. Everything
 * else (OpenAI, Azure, compatible endpoints, the simulator) the core factory builds.
 */
export async function resolveRunModels(config: RunConfig, secrets: Secrets): Promise<ResolvedRunModels> {
  const out: ResolvedRunModels = { models: {}, apiKeys: {}, keySources: {} };
  for (const role of ['forward', 'backward'] as const) {
    const spec: ModelSpec = config[role];
    if (spec.provider === 'vscode-lm') {
      out.models[role] = new VscodeLmModel(spec.model);
      continue;
    }
    if (!needsKey(spec.provider)) continue;
    const resolved = await secrets.resolve(spec.provider, spec.apiKeyEnv);
    if (resolved) {
      out.apiKeys[role] = resolved.key;
      out.keySources[role] = resolved.from === 'SecretStorage' ? 'VS Code secret storage (DLPO: Set API Key)' : `the environment variable ${resolved.from.slice(1)}`;
    } else if (spec.provider !== 'openai-compatible') {
      // Local servers (Ollama, LM Studio) need no key; OpenAI and Azure always do.
      const env = spec.apiKeyEnv ?? defaultKeyEnvironmentVariable(spec.provider);
      throw new LlmError('auth', `No API key for ${providerLabel(spec.provider)} (the ${role} model, ${spec.model}). Store one with DLPO: Set API Key, or set the environment variable ${env}.`, {
        action: 'Run DLPO: Set API Key.',
      });
    }
  }
  return out;
}
