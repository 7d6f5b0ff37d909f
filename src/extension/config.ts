import * as vscode from 'vscode';
import type { PresetName, Provider, TechniqueOptions } from '../core/config/runConfig';
import { PresetNameSchema, ProviderSchema } from '../core/config/runConfig';
import type { DlpoSettings, ReviewMode } from './config/settingsModel';

/**
 * The one place that reads `dlpo.*` settings: one typed getter per setting, keys
 * mirroring package.json's `contributes.configuration`. Nothing else calls
 * `getConfiguration('dlpo')`.
 */
export class Config {
  static readonly section = 'dlpo';

  /** `scope`: the prompt file, so folder-level settings of a multi-root workspace apply. */
  constructor(private readonly scope?: vscode.Uri) {}

  private get<T>(key: string): T | undefined {
    return vscode.workspace.getConfiguration(Config.section, this.scope).get<T>(key);
  }

  private str(key: string): string | undefined {
    const v = this.get<string>(key);
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  }

  private num(key: string): number | undefined {
    const v = this.get<number | null>(key);
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  }

  private bool(key: string): boolean | undefined {
    const v = this.get<boolean | null>(key);
    return typeof v === 'boolean' ? v : undefined;
  }

  private providerOf(key: string): Provider | undefined {
    const r = ProviderSchema.safeParse(this.str(key));
    return r.success ? r.data : undefined;
  }

  get provider(): Provider | undefined {
    return this.providerOf('provider');
  }
  get forwardProvider(): Provider | undefined {
    return this.providerOf('forwardProvider');
  }
  get backwardProvider(): Provider | undefined {
    return this.providerOf('backwardProvider');
  }
  get forwardModel(): string | undefined {
    return this.str('forwardModel');
  }
  get backwardModel(): string | undefined {
    return this.str('backwardModel');
  }
  get baseUrl(): string | undefined {
    return this.str('baseUrl');
  }
  get azureEndpoint(): string | undefined {
    return this.str('azure.endpoint');
  }
  get azureApiVersion(): string | undefined {
    return this.str('azure.apiVersion');
  }
  get apiKeyEnvironmentVariable(): string | undefined {
    return this.str('apiKeyEnvironmentVariable');
  }
  get preset(): PresetName {
    const r = PresetNameSchema.safeParse(this.get<string>('preset'));
    return r.success ? r.data : 'best';
  }
  /** Only the technique parameters that are set (null = the preset's value). */
  get techniques(): Partial<TechniqueOptions> {
    const t: Partial<TechniqueOptions> = {};
    const setNum = (k: 'lr' | 'lrDecay' | 'dropout' | 'momentum' | 'contrastiveGap' | 'regularizeFromStep' | 'tsaTemperature' | 'tsaDecay' | 'tsaMaxDrop') => {
      const v = this.num(`techniques.${k}`);
      if (v !== undefined) t[k] = v;
    };
    const setBool = (k: 'contrastive' | 'regularize' | 'tsa') => {
      const v = this.bool(`techniques.${k}`);
      if (v !== undefined) t[k] = v;
    };
    for (const k of ['lr', 'lrDecay', 'dropout', 'momentum', 'contrastiveGap', 'regularizeFromStep', 'tsaTemperature', 'tsaDecay', 'tsaMaxDrop'] as const) setNum(k);
    for (const k of ['contrastive', 'regularize', 'tsa'] as const) setBool(k);
    const w = this.str('techniques.momentumWeighting');
    if (w === 'uniform' || w === 'recent') t.momentumWeighting = w;
    return t;
  }
  get batchSize(): number {
    return this.num('batchSize') ?? 5;
  }
  get epochs(): number {
    return this.num('epochs') ?? 1;
  }
  get steps(): number | undefined {
    return this.num('steps');
  }
  get seed(): number {
    return this.num('seed') ?? 1001;
  }
  get patience(): number | undefined {
    return this.num('patience');
  }
  get maxConcurrency(): number {
    return this.num('maxConcurrency') ?? 8;
  }
  get requestTimeoutSec(): number {
    return this.num('requestTimeoutSec') ?? 120;
  }
  get maxCalls(): number | undefined {
    return this.num('budget.maxCalls');
  }
  get maxTokens(): number | undefined {
    return this.num('budget.maxTokens');
  }
  get maxCostUsd(): number | undefined {
    return this.num('budget.maxCostUsd');
  }
  get maxTimeSec(): number | undefined {
    return this.num('budget.maxTimeSec');
  }
  get reviewMode(): ReviewMode {
    const v = this.get<string>('reviewMode');
    return v === 'manual' || v === 'auto' ? v : 'tsa';
  }
  get cacheEnabled(): boolean {
    return this.bool('cache.enabled') ?? true;
  }
  get cacheLocation(): string | undefined {
    return this.str('cache.location');
  }
  get prices(): Record<string, { input: number; output: number }> {
    const raw = this.get<unknown>('prices');
    const out: Record<string, { input: number; output: number }> = {};
    if (raw && typeof raw === 'object') {
      for (const [model, p] of Object.entries(raw as Record<string, unknown>)) {
        const price = p as { input?: unknown; output?: unknown };
        if (typeof price?.input === 'number' && typeof price?.output === 'number') out[model] = { input: price.input, output: price.output };
      }
    }
    return out;
  }

  /** Every setting as plain values, for the pure config merge. */
  snapshot(): DlpoSettings {
    return {
      provider: this.provider,
      forwardProvider: this.forwardProvider,
      backwardProvider: this.backwardProvider,
      forwardModel: this.forwardModel,
      backwardModel: this.backwardModel,
      baseUrl: this.baseUrl,
      azureEndpoint: this.azureEndpoint,
      azureApiVersion: this.azureApiVersion,
      apiKeyEnvironmentVariable: this.apiKeyEnvironmentVariable,
      preset: this.preset,
      techniques: this.techniques,
      batchSize: this.batchSize,
      epochs: this.epochs,
      steps: this.steps,
      seed: this.seed,
      patience: this.patience,
      maxConcurrency: this.maxConcurrency,
      requestTimeoutSec: this.requestTimeoutSec,
      budget: { maxCalls: this.maxCalls, maxTokens: this.maxTokens, maxCostUsd: this.maxCostUsd, maxTimeSec: this.maxTimeSec },
      reviewMode: this.reviewMode,
      cacheEnabled: this.cacheEnabled,
      cacheLocation: this.cacheLocation,
      prices: this.prices,
    };
  }

  /** Writes the model choice (provider and names only; keys go to SecretStorage). */
  async updateModels(
    target: vscode.ConfigurationTarget,
    choice: { provider: Provider; forwardProvider: Provider; backwardProvider: Provider; forwardModel: string; backwardModel: string; baseUrl?: string; azureEndpoint?: string },
  ): Promise<void> {
    const c = vscode.workspace.getConfiguration(Config.section, this.scope);
    const same = choice.forwardProvider === choice.backwardProvider;
    await c.update('provider', choice.provider, target);
    await c.update('forwardProvider', same ? undefined : choice.forwardProvider, target);
    await c.update('backwardProvider', same ? undefined : choice.backwardProvider, target);
    await c.update('forwardModel', choice.forwardProvider === 'simulator' ? undefined : choice.forwardModel, target);
    await c.update('backwardModel', choice.backwardProvider === 'simulator' ? undefined : choice.backwardModel, target);
    if (choice.baseUrl !== undefined) await c.update('baseUrl', choice.baseUrl, target);
    if (choice.azureEndpoint !== undefined) await c.update('azure.endpoint', choice.azureEndpoint, target);
  }

  /** Raises one budget cap (the "Raise cap and resume" action). */
  async updateBudget(key: 'maxCalls' | 'maxTokens' | 'maxCostUsd' | 'maxTimeSec', value: number, target: vscode.ConfigurationTarget): Promise<void> {
    await vscode.workspace.getConfiguration(Config.section, this.scope).update(`budget.${key}`, value, target);
  }
}
