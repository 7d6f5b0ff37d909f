import { z } from 'zod';
import { ProviderSchema, type Budget, type ModelSpec, type RunConfigInput } from '../core/config/runConfig';
import { apiKeyEnvName } from '../core/llm/apiKeyEnv';
import { numberOption, stringOption, type OptionSpecs } from './args';
import { UsageError } from './command';

/** The options every model-using subcommand accepts; spread into the command's own specs. */
export const MODEL_OPTION_SPECS = {
  provider: { type: 'string' },
  'base-url': { type: 'string' },
  'api-key-env': { type: 'string' },
  'azure-endpoint': { type: 'string' },
  'azure-api-version': { type: 'string' },
  model: { type: 'string' },
  'backward-model': { type: 'string' },
  'max-concurrency': { type: 'string' },
  'request-timeout': { type: 'string' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
  'max-calls': { type: 'string' },
  'max-tokens': { type: 'string' },
  'max-cost': { type: 'string' },
  'max-time': { type: 'string' },
  simulator: { type: 'boolean' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const satisfies OptionSpecs;

export const MODEL_OPTIONS_USAGE = `Model options:
  --provider NAME          openai | azure | openai-compatible | simulator
                           (default: openai, or openai-compatible with --base-url)
  --model NAME             forward model (Azure: deployment name)
  --backward-model NAME    backward model (default: the forward model)
  --base-url URL           OpenAI-compatible endpoint incl. /v1 (Ollama, LM Studio, vLLM, llama.cpp)
  --api-key-env NAME       environment variable holding the API key (default OPENAI_API_KEY;
                           AZURE_OPENAI_API_KEY for azure). Keys are never read from flags.
  --azure-endpoint URL     https://<resource>.openai.azure.com
  --azure-api-version V    Azure API version (default 2024-10-21)
  --simulator              use the offline simulator for both models (no network, no key)
  --max-concurrency N      requests in flight at once (default 8)
  --request-timeout SEC    per-request timeout in seconds (default 120)
  --cache-dir DIR          response cache folder (default .dlpo/cache)
  --no-cache               always ask the model; do not read or write the cache

Budget (checked before each call; the run stops cleanly before a cap is passed):
  --max-calls N            model calls (cache hits are free)
  --max-tokens N           prompt + completion tokens
  --max-cost USD           estimated cost in US dollars
  --max-time SEC           wall-clock seconds

Output:
  --out DIR                where run folders go (default .dlpo/runs)
  --json                   machine-readable result on stdout; logs stay on stderr
  --quiet                  no progress on stderr`;

export type ModelOptionValues = Partial<Record<keyof typeof MODEL_OPTION_SPECS, string | boolean | undefined>>;

export interface ModelCliOptions {
  /** Partial RunConfig fields, to merge over a config file's. */
  config: Pick<RunConfigInput, 'forward' | 'backward' | 'maxConcurrency' | 'requestTimeoutSec' | 'cache' | 'budget'>;
  outDir?: string;
  json: boolean;
  quiet: boolean;
}

const UrlSchema = z.string().url().regex(/^https?:\/\//i);

/**
 * Turns the common flags into partial RunConfig fields. Only what was given is set, so
 * a config file's values survive unless a flag overrides them. Bad values are
 * UsageErrors naming the flag.
 */
export function parseModelOptions(values: ModelOptionValues): ModelCliOptions {
  const s = (k: keyof typeof MODEL_OPTION_SPECS) => stringOption(values[k]);
  const url = (k: keyof typeof MODEL_OPTION_SPECS) => {
    const v = s(k);
    if (v !== undefined && !UrlSchema.safeParse(v).success) throw new UsageError(`--${k} must be a URL (http://… or https://…), got "${v}".`);
    return v;
  };
  const config: ModelCliOptions['config'] = {};

  const providerFlag = s('provider');
  if (providerFlag !== undefined && !ProviderSchema.safeParse(providerFlag).success) {
    throw new UsageError(`--provider must be one of openai, azure, openai-compatible, simulator; got "${providerFlag}".`);
  }
  if (providerFlag === 'vscode-lm') throw new UsageError('--provider vscode-lm is only available inside VS Code.');
  if (values.simulator && providerFlag && providerFlag !== 'simulator') {
    throw new UsageError(`--simulator conflicts with --provider ${providerFlag}; use one of them.`);
  }

  const baseUrl = url('base-url');
  const azureEndpoint = url('azure-endpoint');
  const model = s('model');
  const backwardModel = s('backward-model');
  const anyModelFlag = [providerFlag, baseUrl, azureEndpoint, model, backwardModel, s('api-key-env')].some((v) => v !== undefined);

  if (values.simulator || providerFlag === 'simulator') {
    if (model || backwardModel || baseUrl || azureEndpoint) {
      throw new UsageError('--simulator uses the offline simulator for both models; drop --model/--backward-model/--base-url/--azure-endpoint.');
    }
    config.forward = { provider: 'simulator', model: 'simulator' };
    config.backward = { provider: 'simulator', model: 'simulator' };
  } else if (anyModelFlag) {
    // Only what was given is set; `--model` alone means OpenAI (the documented default).
    const provider = (providerFlag ??
      (azureEndpoint ? 'azure' : baseUrl ? 'openai-compatible' : model || backwardModel ? 'openai' : undefined)) as
      | ModelSpec['provider']
      | undefined;
    const common: Partial<ModelSpec> = {};
    if (provider) common.provider = provider;
    if (baseUrl) common.baseUrl = baseUrl;
    if (s('api-key-env')) common.apiKeyEnv = s('api-key-env');
    if (azureEndpoint) common.azureEndpoint = azureEndpoint;
    if (s('azure-api-version')) common.azureApiVersion = s('azure-api-version');
    config.forward = model ? { ...common, model } : { ...common };
    config.backward = backwardModel ?? model ? { ...common, model: backwardModel ?? model } : { ...common };
  }

  const maxConcurrency = numberOption(values['max-concurrency'], 'max-concurrency', { integer: true, min: 1 });
  if (maxConcurrency !== undefined) {
    if (maxConcurrency > 256) throw new UsageError(`--max-concurrency must be at most 256, got ${maxConcurrency}.`);
    config.maxConcurrency = maxConcurrency;
  }
  const timeout = numberOption(values['request-timeout'], 'request-timeout', { positive: true });
  if (timeout !== undefined) config.requestTimeoutSec = timeout;

  if (values['no-cache'] && s('cache-dir')) throw new UsageError('--no-cache and --cache-dir contradict each other; use one.');
  if (values['no-cache']) config.cache = { enabled: false };
  else if (s('cache-dir')) config.cache = { enabled: true, dir: s('cache-dir') };

  const budget: Budget = {};
  const maxCalls = numberOption(values['max-calls'], 'max-calls', { integer: true, positive: true });
  const maxTokens = numberOption(values['max-tokens'], 'max-tokens', { integer: true, positive: true });
  const maxCost = numberOption(values['max-cost'], 'max-cost', { positive: true });
  const maxTime = numberOption(values['max-time'], 'max-time', { positive: true });
  if (maxCalls !== undefined) budget.maxCalls = maxCalls;
  if (maxTokens !== undefined) budget.maxTokens = maxTokens;
  if (maxCost !== undefined) budget.maxCostUsd = maxCost;
  if (maxTime !== undefined) budget.maxTimeSec = maxTime;
  if (Object.keys(budget).length > 0) config.budget = budget;

  return { config, outDir: s('out'), json: values.json === true, quiet: values.quiet === true };
}

/**
 * Checks a model spec once flags and config file are merged: what each provider needs,
 * as a UsageError naming the flag that supplies it.
 */
export function checkModelSpec(spec: Pick<ModelSpec, 'provider' | 'model' | 'baseUrl' | 'azureEndpoint'>, which: 'forward' | 'backward'): void {
  const flag = which === 'forward' ? '--model' : '--backward-model';
  if (spec.provider === 'simulator' || spec.provider === 'vscode-lm') return;
  if (!spec.model || spec.model === 'simulator') {
    throw new UsageError(`The ${which} model needs a name with --provider ${spec.provider}: pass ${flag} NAME${spec.provider === 'azure' ? ' (the deployment name)' : ''}.`);
  }
  if (spec.provider === 'azure' && !spec.azureEndpoint) {
    throw new UsageError('--provider azure needs --azure-endpoint https://<resource>.openai.azure.com.');
  }
  if (spec.provider === 'openai-compatible' && !spec.baseUrl) {
    throw new UsageError('--provider openai-compatible needs --base-url (e.g. http://localhost:11434/v1).');
  }
}

/**
 * The key for `spec` from the environment. Keys only ever come from the environment
 * (or, in VS Code, SecretStorage), never from flags or config files, which end up in
 * shell history and journals. Keyless local servers (openai-compatible) may go without.
 */
export function resolveApiKey(spec: Pick<ModelSpec, 'provider' | 'apiKeyEnv' | 'model'>, env: NodeJS.ProcessEnv): string | undefined {
  if (spec.provider === 'simulator' || spec.provider === 'vscode-lm') return undefined;
  const name = apiKeyEnvName(spec);
  const key = env[name]?.trim();
  if (key) return key;
  if (spec.provider === 'openai-compatible' && !spec.apiKeyEnv) return undefined;
  throw new UsageError(
    `No API key for ${spec.model}: set the environment variable ${name}` +
      (spec.apiKeyEnv ? '.' : ` (or name another with --api-key-env NAME).`) +
      ' To try DLPO without a key, use --simulator.',
  );
}
