import type { Budget, PresetName, Provider, TechniqueOptions } from '../../core/config/runConfig';

/**
 * The `dlpo.*` settings as plain values: what `config.ts` reads from VS Code, and what
 * the pure merge takes (so it runs under plain mocha). Empty strings and nulls from
 * settings are already turned into `undefined` = "not set".
 */
export type ReviewMode = 'manual' | 'tsa' | 'auto';

export interface DlpoSettings {
  provider?: Provider;
  forwardProvider?: Provider;
  backwardProvider?: Provider;
  forwardModel?: string;
  backwardModel?: string;
  baseUrl?: string;
  azureEndpoint?: string;
  azureApiVersion?: string;
  apiKeyEnvironmentVariable?: string;
  preset: PresetName;
  /** Only the technique parameters the user set; the rest come from the preset. */
  techniques: Partial<TechniqueOptions>;
  batchSize: number;
  epochs: number;
  steps?: number;
  seed: number;
  patience?: number;
  maxConcurrency: number;
  requestTimeoutSec: number;
  budget: Budget;
  reviewMode: ReviewMode;
  cacheEnabled: boolean;
  cacheLocation?: string;
  prices: Record<string, { input: number; output: number }>;
}

/** The defaults of package.json's `contributes.configuration`, for tests and for code outside VS Code. */
export const DEFAULT_SETTINGS: DlpoSettings = {
  azureApiVersion: '2024-10-21',
  preset: 'best',
  techniques: {},
  batchSize: 5,
  epochs: 1,
  seed: 1001,
  maxConcurrency: 8,
  requestTimeoutSec: 120,
  budget: { maxCostUsd: 1 },
  reviewMode: 'tsa',
  cacheEnabled: true,
  prices: {},
};
