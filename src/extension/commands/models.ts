import * as vscode from 'vscode';
import type { Provider } from '../../core/config/runConfig';
import { listEndpointModels } from '../../core/llm/endpointModels';
import { Config } from '../config';
import { listLmModels } from '../providers/vscodeLmModel';
import { providerLabel } from '../config/settingsToRunConfig';
import { KEYED_PROVIDERS, needsKey, type KeyedProvider } from '../secrets';
import type { Services } from './services';

/**
 * Select Models, Set API Key, Clear API Key. Model choices go to settings (names and
 * endpoints only); keys go to SecretStorage and nowhere else.
 */

interface ModelChoice {
  provider: Provider;
  model: string;
  baseUrl?: string;
  azureEndpoint?: string;
}

const PROVIDER_ITEMS: { label: string; detail: string; provider: Provider }[] = [
  { label: '$(beaker) Offline simulator', detail: 'No key, no network; for trying DLPO out. Its scores are not real model results.', provider: 'simulator' },
  { label: '$(copilot) Copilot / VS Code language models', detail: 'Models other extensions provide to VS Code (e.g. GitHub Copilot); VS Code asks for your consent.', provider: 'vscode-lm' },
  { label: '$(cloud) OpenAI…', detail: 'api.openai.com with your API key', provider: 'openai' },
  { label: '$(azure) Azure OpenAI…', detail: 'Your Azure OpenAI resource: endpoint, deployment names, key', provider: 'azure' },
  { label: '$(server) OpenAI-compatible endpoint (Ollama, LM Studio, vLLM)…', detail: 'Any server speaking /v1/chat/completions at a base URL', provider: 'openai-compatible' },
];

/** How many VS Code language models are available now (0 when none, or when asking fails). */
async function availableLmModels(): Promise<number> {
  try {
    return (await listLmModels()).length;
  } catch {
    return 0;
  }
}

/**
 * The providers, the zero-key paths first: the VS Code language models when any is
 * available (no key, the model the user already has), else the offline simulator; keyed
 * providers after them.
 */
async function pickProvider(title: string): Promise<Provider | undefined> {
  const lm = await availableLmModels();
  const lmItem = PROVIDER_ITEMS.find((i) => i.provider === 'vscode-lm')!;
  const others = PROVIDER_ITEMS.filter((i) => i !== lmItem);
  const items = lm > 0 ? [{ ...lmItem, description: `${lm} available, no key needed` }, ...others] : [...others.slice(0, 1), { ...lmItem, description: 'none available now' }, ...others.slice(1)];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Where the models run', ignoreFocusOut: true });
  return picked?.provider;
}

/**
 * The models the endpoint lists (GET /models), to pick from, with "type a name" kept for
 * the rest; undefined when the endpoint cannot be asked (then the name is typed). A key
 * the endpoint rejects is said here, before any run.
 */
async function pickListedModel(services: Services, provider: 'openai' | 'openai-compatible', baseUrl: string, title: string, config: Config): Promise<string | null | undefined> {
  const key = await services.secrets.resolve(provider, config.apiKeyEnvironmentVariable);
  if (provider === 'openai' && !key) return undefined; // the key is asked after the models; type the name
  const listed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'DLPO: asking the endpoint for its models' }, () =>
    listEndpointModels({ baseUrl, ...(key ? { apiKey: key.key } : {}) }),
  );
  if (!listed.ok) {
    if (listed.problem === 'key') void vscode.window.showWarningMessage(listed.message);
    else services.ctx.output.info(listed.message);
    return undefined;
  }
  if (listed.models.length === 0) return undefined;
  const TYPE = '$(edit) Type another model name…';
  const picked = await vscode.window.showQuickPick([...listed.models.map((m) => ({ label: m })), { label: TYPE, alwaysShow: true }], {
    title,
    placeHolder: `${listed.models.length} model${listed.models.length === 1 ? '' : 's'} at ${baseUrl}`,
    ignoreFocusOut: true,
  });
  if (!picked) return null;
  return picked.label === TYPE ? undefined : picked.label;
}

async function pickModelName(
  services: Services,
  provider: Provider,
  role: 'forward' | 'backward',
  suggestion: string | undefined,
  endpoint: { baseUrl?: string },
  config: Config,
): Promise<string | undefined> {
  const what = role === 'forward' ? 'forward model (answers the dataset questions; paper: gpt-4o-mini)' : 'backward model (writes the critiques and rewrites the prompt; paper: gpt-4o)';
  if (provider === 'openai' || provider === 'openai-compatible') {
    const baseUrl = provider === 'openai' ? 'https://api.openai.com/v1' : endpoint.baseUrl;
    if (baseUrl) {
      const listed = await pickListedModel(services, provider, baseUrl, `DLPO: ${what}`, config);
      if (listed === null) return undefined;
      if (listed !== undefined) return listed;
    }
  }
  if (provider === 'vscode-lm') {
    let models: Awaited<ReturnType<typeof listLmModels>> = [];
    try {
      models = await listLmModels();
    } catch {
      models = [];
    }
    if (models.length === 0) {
      void vscode.window.showWarningMessage('No VS Code language model is available. Install and sign in to GitHub Copilot Chat (or another model provider extension), then try again.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      models.map((m) => ({ label: m.label, description: m.spec, detail: m.detail, spec: m.spec })),
      { title: `DLPO: ${what}`, ignoreFocusOut: true },
    );
    return picked?.spec;
  }
  const defaults: Partial<Record<Provider, string>> = { openai: role === 'forward' ? 'gpt-4o-mini' : 'gpt-4o', 'openai-compatible': 'llama3.1' };
  return vscode.window.showInputBox({
    title: `DLPO: ${what}`,
    prompt: provider === 'azure' ? 'Deployment name' : 'Model name',
    value: suggestion ?? defaults[provider] ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Required'),
  });
}

async function pickEndpoint(provider: Provider, config: Config): Promise<{ baseUrl?: string; azureEndpoint?: string } | undefined> {
  const isUrl = (v: string) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'An http(s) URL';
    } catch {
      return 'An http(s) URL, e.g. http://localhost:11434/v1';
    }
  };
  if (provider === 'openai-compatible') {
    const baseUrl = await vscode.window.showInputBox({ title: 'DLPO: base URL of the endpoint', value: config.baseUrl ?? 'http://localhost:11434/v1', prompt: 'Ollama: http://localhost:11434/v1 · LM Studio: http://localhost:1234/v1 · vLLM: http://localhost:8000/v1', ignoreFocusOut: true, validateInput: isUrl });
    return baseUrl === undefined ? undefined : { baseUrl: baseUrl.trim() };
  }
  if (provider === 'azure') {
    const azureEndpoint = await vscode.window.showInputBox({ title: 'DLPO: Azure OpenAI endpoint', value: config.azureEndpoint ?? 'https://', prompt: 'e.g. https://my-resource.openai.azure.com', ignoreFocusOut: true, validateInput: isUrl });
    return azureEndpoint === undefined ? undefined : { azureEndpoint: azureEndpoint.trim() };
  }
  return {};
}

async function pickOne(services: Services, role: 'forward' | 'backward', config: Config, provider?: Provider): Promise<ModelChoice | undefined> {
  const p = provider ?? (await pickProvider(`DLPO: provider of the ${role} model`));
  if (!p) return undefined;
  if (p === 'simulator') return { provider: 'simulator', model: 'simulator' };
  const endpoint = await pickEndpoint(p, config);
  if (!endpoint) return undefined;
  const model = await pickModelName(services, p, role, role === 'forward' ? config.forwardModel : config.backwardModel, endpoint, config);
  if (!model) return undefined;
  return { provider: p, model: model.trim(), ...endpoint };
}

/** The model picker: forward, then backward from the same list. Returns false when cancelled. */
export async function selectModels(services: Services, scope?: vscode.Uri): Promise<boolean> {
  const config = new Config(scope);
  const forward = await pickOne(services, 'forward', config);
  if (!forward) return false;
  let backward: ModelChoice | undefined = forward;
  if (forward.provider !== 'simulator') {
    const choice = await vscode.window.showQuickPick(
      [
        { label: `Same model for backward (${forward.model})`, id: 'same' },
        { label: 'Another model from the same provider…', id: 'other' },
        { label: 'Another provider…', id: 'provider' },
      ],
      { title: 'DLPO: backward model (writes critiques and rewrites the prompt; a stronger model helps)', ignoreFocusOut: true },
    );
    if (!choice) return false;
    if (choice.id === 'other') backward = await pickOne(services, 'backward', config, forward.provider);
    if (choice.id === 'provider') backward = await pickOne(services, 'backward', config);
    if (!backward) return false;
  }
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.updateModels(target, {
    provider: forward.provider,
    forwardProvider: forward.provider,
    backwardProvider: backward.provider,
    forwardModel: forward.model,
    backwardModel: backward.model,
    baseUrl: forward.baseUrl ?? backward.baseUrl,
    azureEndpoint: forward.azureEndpoint ?? backward.azureEndpoint,
  });
  services.ctx.output.info(`Models set: forward ${forward.provider}/${forward.model}, backward ${backward.provider}/${backward.model}.`);
  for (const p of new Set([forward.provider, backward.provider])) {
    if (needsKey(p) && !(await services.secrets.resolve(p, config.apiKeyEnvironmentVariable)) && p !== 'openai-compatible') {
      const ok = await setApiKey(services, { provider: p });
      if (!ok) return false;
    }
  }
  return true;
}

async function pickKeyedProvider(title: string): Promise<KeyedProvider | undefined> {
  const picked = await vscode.window.showQuickPick(
    KEYED_PROVIDERS.map((p) => ({ label: providerLabel(p), provider: p })),
    { title, ignoreFocusOut: true },
  );
  return picked?.provider;
}

/**
 * Stores a key in SecretStorage. `args.key` lets tests (and other extensions' automation)
 * set a key without the input box; it is never echoed or logged.
 */
export async function setApiKey(services: Services, args?: { provider?: string; key?: string }): Promise<boolean> {
  const provider = args?.provider && needsKey(args.provider as Provider) ? (args.provider as KeyedProvider) : await pickKeyedProvider('DLPO: set the API key for…');
  if (!provider) return false;
  const key =
    args?.key ??
    (await vscode.window.showInputBox({
      title: `DLPO: ${providerLabel(provider)} API key`,
      prompt: 'Stored in VS Code’s secret storage (the OS keychain where available); never in settings, logs or run files.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length >= 4 ? undefined : 'Paste the whole key'),
    }));
  if (!key) return false;
  await services.secrets.set(provider, key);
  services.ctx.output.info(`API key for ${providerLabel(provider)} stored in SecretStorage.`);
  if (!args?.key) void vscode.window.showInformationMessage(`DLPO: ${providerLabel(provider)} API key stored.`);
  return true;
}

export async function clearApiKey(services: Services, args?: { provider?: string }): Promise<void> {
  const provider = args?.provider && needsKey(args.provider as Provider) ? (args.provider as KeyedProvider) : await pickKeyedProvider('DLPO: clear the API key for…');
  if (!provider) return;
  await services.secrets.clear(provider);
  services.ctx.output.info(`API key for ${providerLabel(provider)} removed from SecretStorage.`);
  if (!args?.provider) void vscode.window.showInformationMessage(`DLPO: ${providerLabel(provider)} API key cleared.`);
}
