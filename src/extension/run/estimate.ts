import { Pricing, type PriceTable } from '../../core/llm/pricing';

/**
 * The pre-run estimate shown with `Start` / `Change budget`: expected model calls,
 * tokens and cost, from method.md's cost of a step. Per step the backward model makes
 * 2B + 2 calls (2B + 1 when B = 1: no summary); the forward model answers the batch (B),
 * scores the candidate on the training set for TSA (N_train), then evaluates on
 * validation and training (N_val + N_train; the training half is free with the cache
 * when TSA already scored the same prompt). Before the first step the start prompt is
 * scored on val and train; at the end best and final are scored on test.
 * Token counts are rough per-call averages: this is an order of magnitude, and says so.
 */
export interface EstimateInput {
  steps: number;
  batchSize: number;
  sizes: { train: number; val: number; test: number };
  tsa: boolean;
  evalTrainEachStep: boolean;
  cacheEnabled: boolean;
  /** Tokens of the prompt being optimized. */
  promptTokens: number;
  /** Average tokens of one example's input. */
  inputTokens: number;
  forwardModel: string;
  backwardModel: string;
  prices?: PriceTable;
}

export interface Estimate {
  forwardCalls: number;
  backwardCalls: number;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** Undefined when a model has no known price (local endpoints, Copilot): shown as "unknown". */
  costUsd: number | undefined;
}

/** Typical reply lengths; answers to math questions run a few hundred tokens. */
const FORWARD_COMPLETION = 250;
const CRITIQUE_COMPLETION = 300;
const CRITIQUE_CONTEXT = 400;

export function estimateRun(x: EstimateInput): Estimate {
  const B = Math.max(1, x.batchSize);
  const steps = Math.max(0, x.steps);
  const backwardPerStep = B === 1 ? 2 * B + 1 : 2 * B + 2;
  const trainEvalPerStep = x.evalTrainEachStep && !(x.tsa && x.cacheEnabled) ? x.sizes.train : 0;
  const forwardPerStep = B + (x.tsa ? x.sizes.train : 0) + x.sizes.val + trainEvalPerStep;
  const startEval = x.sizes.val + (x.evalTrainEachStep ? x.sizes.train : 0);
  const finalEval = 2 * x.sizes.test;
  const forwardCalls = steps * forwardPerStep + startEval + finalEval;
  const backwardCalls = steps * backwardPerStep;

  const fwdIn = x.promptTokens + x.inputTokens + 30;
  const fwdOut = FORWARD_COMPLETION;
  // Critique calls see prompt, input and answer; the summary sees B critiques; the update
  // sees the prompt and the gradient and writes a whole prompt back.
  const critiqueIn = x.promptTokens + x.inputTokens + fwdOut + CRITIQUE_CONTEXT;
  const perStepBackIn = 2 * B * critiqueIn + (B > 1 ? B * CRITIQUE_COMPLETION + CRITIQUE_CONTEXT : 0) + (x.promptTokens + CRITIQUE_COMPLETION + CRITIQUE_CONTEXT * 2);
  const perStepBackOut = 2 * B * CRITIQUE_COMPLETION + (B > 1 ? CRITIQUE_COMPLETION : 0) + x.promptTokens + 50;

  const forwardIn = forwardCalls * fwdIn;
  const forwardOut = forwardCalls * fwdOut;
  const backwardIn = steps * perStepBackIn;
  const backwardOut = steps * perStepBackOut;

  const pricing = new Pricing(x.prices ?? {});
  const fp = pricing.priceOf(x.forwardModel);
  const bp = pricing.priceOf(x.backwardModel);
  const costUsd =
    fp && bp ? (forwardIn * fp.input + forwardOut * fp.output + backwardIn * bp.input + backwardOut * bp.output) / 1_000_000 : undefined;

  return {
    forwardCalls,
    backwardCalls,
    calls: forwardCalls + backwardCalls,
    promptTokens: Math.round(forwardIn + backwardIn),
    completionTokens: Math.round(forwardOut + backwardOut),
    costUsd,
  };
}

/** Default step count: ceil(N_train / B) × epochs, or the configured steps. */
export function stepsFor(trainSize: number, batchSize: number, epochs: number, steps?: number): number {
  if (steps !== undefined) return steps;
  return Math.ceil(trainSize / Math.max(1, batchSize)) * Math.max(1, epochs);
}

/** One line for the estimate prompt, e.g. `≈ 1,234 calls · 2.1M tokens · ≈ $0.42`. */
export function formatEstimate(e: Estimate, simulator: boolean): string {
  const tokens = e.promptTokens + e.completionTokens;
  const cost = simulator ? '$0 (offline simulator)' : e.costUsd === undefined ? 'cost unknown (no price: set dlpo.prices)' : `≈ $${e.costUsd.toFixed(2)}`;
  return `≈ ${e.calls.toLocaleString('en-US')} calls (${e.forwardCalls.toLocaleString('en-US')} forward, ${e.backwardCalls.toLocaleString('en-US')} backward) · ≈ ${formatTokens(tokens)} tokens · ${cost}`;
}

export function formatTokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(1)}k`;
  return String(n);
}

/**
 * The caps the estimate does not fit under, in words (`≈ 2,172 calls against the 2,000-call
 * cap`). Said before the start: a run or experiment that would stop at its cap should be
 * started knowingly, not found short afterwards. Time cannot be estimated, so it is not checked.
 */
export function capsExceeded(
  e: Estimate,
  budget: { maxCalls?: number; maxTokens?: number; maxCostUsd?: number },
  simulator: boolean,
): string[] {
  const out: string[] = [];
  if (budget.maxCalls !== undefined && e.calls > budget.maxCalls) {
    out.push(`≈ ${e.calls.toLocaleString('en-US')} calls against the ${budget.maxCalls.toLocaleString('en-US')}-call cap`);
  }
  const tokens = e.promptTokens + e.completionTokens;
  if (budget.maxTokens !== undefined && tokens > budget.maxTokens) {
    out.push(`≈ ${formatTokens(tokens)} tokens against the ${formatTokens(budget.maxTokens)}-token cap`);
  }
  if (!simulator && budget.maxCostUsd !== undefined && e.costUsd !== undefined && e.costUsd > budget.maxCostUsd) {
    out.push(`≈ $${e.costUsd.toFixed(2)} against the $${budget.maxCostUsd.toFixed(2)} cost cap`);
  }
  return out;
}
