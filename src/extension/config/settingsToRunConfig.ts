import { mergeConfig, type ConfigLayer as CoreConfigLayer } from '../../core/config/mergeConfig';
import type { ModelSpec, Provider, RunConfig } from '../../core/config/runConfig';
import type { DlpoSettings } from './settingsModel';

/**
 * Builds the run's config from three layers, later ones winning: the `dlpo.*`
 * settings, the workspace `dlpo.config.(json|yaml)`, and what the user chose in the
 * command's quick picks. Objects merge key by key; validation errors name the layer
 * (and the setting or file key) that holds the bad value, with the fix.
 */

export type ConfigLayerName = 'settings' | 'file' | 'choices';
export type PlainObject = Record<string, unknown>;

export interface ConfigLayer {
  name: ConfigLayerName;
  /** For `file`: its path or name, used in messages. */
  label?: string;
  values: PlainObject;
}

export interface ConfigIssue {
  /** Dotted path in the run config, e.g. `techniques.dropout`. */
  path: string;
  /** Where the bad value came from, e.g. `setting dlpo.batchSize` or `dlpo.config.yaml`. */
  source: string;
  message: string;
}

export type MergeResult = { ok: true; config: RunConfig } | { ok: false; issues: ConfigIssue[] };

/** The settings as a config layer: only what is set, mapped to RunConfig's shape. */
export function settingsLayer(s: DlpoSettings): ConfigLayer {
  const values: PlainObject = {
    preset: s.preset,
    batchSize: s.batchSize,
    epochs: s.epochs,
    seed: s.seed,
    maxConcurrency: s.maxConcurrency,
    requestTimeoutSec: s.requestTimeoutSec,
    budget: dropUndefined({ ...s.budget }),
    cache: dropUndefined({ enabled: s.cacheEnabled, dir: s.cacheLocation }),
    prices: s.prices,
  };
  if (Object.keys(s.techniques).length > 0) values.techniques = { ...s.techniques };
  if (s.steps !== undefined) values.steps = s.steps;
  if (s.patience !== undefined) values.patience = s.patience;
  const forward = modelFromSettings(s, 'forward');
  const backward = modelFromSettings(s, 'backward');
  if (forward) values.forward = forward;
  if (backward) values.backward = backward;
  return { name: 'settings', values };
}

function modelFromSettings(s: DlpoSettings, role: 'forward' | 'backward'): PlainObject | undefined {
  const provider = (role === 'forward' ? s.forwardProvider : s.backwardProvider) ?? s.provider;
  if (!provider) return undefined;
  const model = role === 'forward' ? s.forwardModel : (s.backwardModel ?? s.forwardModel);
  return dropUndefined({
    provider,
    // An empty name fails validation with a message naming dlpo.forwardModel / dlpo.backwardModel.
    model: provider === 'simulator' ? 'simulator' : (model ?? ''),
    baseUrl: provider === 'openai' || provider === 'openai-compatible' ? s.baseUrl : undefined,
    azureEndpoint: provider === 'azure' ? s.azureEndpoint : undefined,
    azureApiVersion: provider === 'azure' ? s.azureApiVersion : undefined,
    apiKeyEnv: s.apiKeyEnvironmentVariable,
  });
}

/** Whether any layer names a provider for both models, i.e. the user need not be asked. */
export function modelsConfigured(layers: readonly ConfigLayer[]): boolean {
  const has = (role: 'forward' | 'backward') =>
    layers.some((l) => {
      const m = l.values[role];
      return isPlainObject(m) && typeof m.provider === 'string' && m.provider !== '';
    });
  return has('forward') && has('backward');
}

/** Deep merge of plain objects; arrays and other values are replaced, `undefined` never overrides. */
export function deepMerge(base: PlainObject, over: PlainObject): PlainObject {
  const out: PlainObject = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

/**
 * Merges the layers with the core's `mergeConfig` (which resolves the preset under the
 * explicit technique values and validates) and says which layer holds each bad value.
 * One difference from a plain deep merge: a model spec from a higher layer that names a
 * different provider replaces the lower one instead of inheriting its endpoint.
 */
export function mergeRunConfig(layers: readonly ConfigLayer[]): MergeResult {
  const models: PlainObject = {};
  for (const role of ['forward', 'backward'] as const) {
    const m = mergeModel(layers, role);
    if (m) models[role] = m;
  }
  const coreLayers: CoreConfigLayer[] = layers.map((l) => {
    const { forward: _f, backward: _b, ...rest } = l.values;
    return { source: layerLabel(l), values: rest };
  });
  coreLayers.push({ source: 'models', values: models });
  const r = mergeConfig(coreLayers);
  if (r.ok) return { ok: true, config: r.config };
  const issues = r.problems.map((problem): ConfigIssue => {
    const colon = problem.indexOf(':');
    const pathText = colon > 0 ? problem.slice(0, colon) : '';
    const path = pathText && pathText !== '(config)' ? pathText.split('.') : [];
    return { path: path.join('.'), source: sourceOf(layers, path), message: colon > 0 ? problem.slice(colon + 1).trim() : problem };
  });
  return { ok: false, issues };
}

function layerLabel(l: ConfigLayer): string {
  if (l.name === 'file') return l.label ?? 'dlpo.config file';
  return l.name === 'settings' ? 'settings' : 'your choices';
}

function mergeModel(layers: readonly ConfigLayer[], role: 'forward' | 'backward'): PlainObject | undefined {
  let merged: PlainObject | undefined;
  for (const layer of layers) {
    const m = layer.values[role];
    if (!isPlainObject(m)) continue;
    if (merged && typeof m.provider === 'string' && m.provider !== merged.provider) merged = { ...m };
    else merged = deepMerge(merged ?? {}, m);
  }
  return merged;
}

/** One readable line per issue, e.g. `dlpo.config.yaml: batchSize: Too small: expected number to be >=1`. */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `${i.source}: ${i.path || '(root)'}: ${i.message}`).join('\n');
}

/** The setting that feeds a config path, for messages pointing at the Settings editor. */
export function settingKeyFor(path: readonly string[]): string | undefined {
  const [head, second] = path;
  if (head === 'forward' || head === 'backward') {
    switch (second) {
      case 'model':
        return head === 'forward' ? 'dlpo.forwardModel' : 'dlpo.backwardModel';
      case 'provider':
        return head === 'forward' ? 'dlpo.forwardProvider' : 'dlpo.backwardProvider';
      case 'baseUrl':
        return 'dlpo.baseUrl';
      case 'azureEndpoint':
        return 'dlpo.azure.endpoint';
      case 'azureApiVersion':
        return 'dlpo.azure.apiVersion';
      case 'apiKeyEnv':
        return 'dlpo.apiKeyEnvironmentVariable';
      default:
        return undefined;
    }
  }
  if (head === 'cache') return second === 'dir' ? 'dlpo.cache.location' : 'dlpo.cache.enabled';
  if (head === 'techniques' || head === 'budget') return second ? `dlpo.${head}.${second}` : undefined;
  if (head === 'prices') return 'dlpo.prices';
  const direct = ['preset', 'batchSize', 'epochs', 'steps', 'seed', 'patience', 'maxConcurrency', 'requestTimeoutSec'];
  return head && direct.includes(head) ? `dlpo.${head}` : undefined;
}

function sourceOf(layers: readonly ConfigLayer[], path: readonly string[]): string {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (!hasPath(layer.values, path)) continue;
    if (layer.name === 'settings') {
      const key = settingKeyFor(path);
      return key ? `setting ${key}` : 'settings';
    }
    if (layer.name === 'file') return layer.label ?? 'dlpo.config file';
    return 'your choice';
  }
  if (path[0] === 'data') return 'dataset choice';
  if (path[0] === 'promptFile') return 'prompt file';
  return 'defaults';
}

function hasPath(obj: unknown, path: readonly string[]): boolean {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isPlainObject(cur) || !(key in cur) || cur[key] === undefined) return false;
    cur = cur[key];
  }
  return true;
}

function isPlainObject(v: unknown): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function dropUndefined<T extends PlainObject>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** A model spec's provider label for messages. */
export function providerLabel(p: Provider): string {
  switch (p) {
    case 'openai':
      return 'OpenAI';
    case 'azure':
      return 'Azure OpenAI';
    case 'openai-compatible':
      return 'OpenAI-compatible endpoint';
    case 'vscode-lm':
      return 'VS Code language model';
    case 'simulator':
      return 'Offline simulator';
  }
}

export type { ModelSpec };
