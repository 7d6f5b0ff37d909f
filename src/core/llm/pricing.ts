/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

export type PriceTable = Record<string, ModelPrice>;

/**
 * List prices of common OpenAI models (standard tier, USD per 1M tokens) as published
 * when this table was written. Prices change: override them in the config's `prices`
 * (merged over this table). Azure deployments have arbitrary names: price them by
 * deployment name there too.
 */
export const DEFAULT_PRICES: PriceTable = {
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-4': { input: 30, output: 60 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  o1: { input: 15, output: 60 },
  'o1-mini': { input: 1.1, output: 4.4 },
  o3: { input: 2, output: 8 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  simulator: { input: 0, output: 0 },
};

export class Pricing {
  private readonly table: PriceTable;

  constructor(overrides: PriceTable = {}) {
    this.table = { ...DEFAULT_PRICES, ...overrides };
  }

  /**
   * The price of `model`: an exact entry, else the longest entry it starts with followed
   * by `-` (dated snapshots such as `gpt-4o-mini-2024-07-18`). Undefined when unknown.
   */
  priceOf(model: string): ModelPrice | undefined {
    const name = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
    for (const candidate of [model, name]) {
      const exact = this.table[candidate];
      if (exact) return exact;
    }
    let best: string | undefined;
    for (const key of Object.keys(this.table)) {
      if (name.startsWith(`${key}-`) && (!best || key.length > best.length)) best = key;
    }
    return best ? this.table[best] : undefined;
  }

  /** USD for a call. An unknown model costs 0 (local servers are free; price others in the config). */
  costUsd(model: string, promptTokens: number, completionTokens: number): number {
    const p = this.priceOf(model);
    if (!p) return 0;
    return (promptTokens * p.input + completionTokens * p.output) / 1_000_000;
  }
}
