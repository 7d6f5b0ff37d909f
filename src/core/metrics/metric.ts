import type { Example } from '../data/example';

export interface MetricResult {
  /** 0..1; the paper's tasks are 0/1. */
  score: number;
  /** One short line for the panel and reports, e.g. `expected 42, got 41`. */
  reason: string;
  /** What the metric extracted from the output, if anything. */
  extracted?: string;
}

export interface Metric {
  /** Registry name, e.g. `numeric`, `boxed`, `choice`, `exact`, `judge`. */
  readonly name: string;
  /** One line for the quick pick. */
  readonly description: string;
  /** The answer-format instruction this metric expects the model to follow. */
  readonly formatInstruction: string;
  score(output: string, example: Example, options?: { signal?: AbortSignal }): Promise<MetricResult>;
}
