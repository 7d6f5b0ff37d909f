import type { RunConfig } from '../config/runConfig';
import type { BudgetTracker } from '../llm/budget';
import type { ChatModel } from '../llm/chatModel';
import type { SentenceEdit } from '../prompt/sentenceTypes';
import type { RunEvent, RunEventOf } from './events';
import type { ResumeModels } from './resumeModels';

/** TSA's verdict on a candidate, computed by the trainer and shown as advice in manual review. */
export interface TsaAdvice {
  candidateScore: number;
  lastScore: number;
  delta: number;
  temperature: number;
  probability: number;
  draw: number | null;
  accepted: boolean;
}

/** A candidate update waiting for a decision. */
export interface CandidateForReview {
  runId: string;
  step: number;
  before: string;
  after: string;
  edits: SentenceEdit[];
  /** The step's aggregated gradient, for hovers. */
  gradient: string;
  /** Null when TSA is off. */
  tsa: TsaAdvice | null;
}

export interface ReviewDecision {
  accepted: boolean;
  by: 'user' | 'tsa' | 'auto' | 'trainer';
  /**
   * When accepted with changes (the user edited the file, or rebased): the prompt text
   * the run continues from. Absent = the candidate's `after` text.
   */
  prompt?: string;
}

/**
 * Decides each candidate. Without a reviewer the trainer follows TSA (or accepts every
 * candidate when TSA is off). The extension's manual mode awaits the user here.
 */
export interface CandidateReviewer {
  review(candidate: CandidateForReview, signal: AbortSignal): Promise<ReviewDecision>;
}

/** Concurrency limiter shared across runs of an experiment. */
export interface SharedLimiter {
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export interface StartRunOptions {
  config: RunConfig;
  /** Parent folder of run folders, e.g. `<workspace>/.dlpo/runs`. */
  runsDir: string;
  /** Continue the run in this folder from its last complete step. */
  resumeDir?: string;
  /**
   * With `resumeDir`: where the models are reached from now on (provider, model, base URL,
   * key variable; resumeModels.ts). Absent fields keep the run's values; the change is
   * journaled, and a different model is warned about.
   */
  resumeModels?: ResumeModels;
  /** Models supplied by the shell (e.g. VS Code LM API); otherwise built from the config. */
  models?: { forward?: ChatModel; backward?: ChatModel };
  /** API keys resolved by the shell (SecretStorage, env). Never written anywhere. */
  apiKeys?: { forward?: string; backward?: string };
  /** Where each key came from, for auth errors (e.g. `SecretStorage (DLPO: Set API Key)`); default the env variable. */
  keySources?: { forward?: string; backward?: string };
  signal?: AbortSignal;
  reviewer?: CandidateReviewer;
  onEvent?: (event: RunEvent) => void;
  limiter?: SharedLimiter;
  /**
   * One budget shared by several runs (an experiment's grid budget): every call reserves
   * against it instead of a tracker built from `config.budget`.
   */
  budget?: BudgetTracker;
  /**
   * Create the run in exactly this folder (an experiment's `runs/<key>/`) instead of a new
   * `<runsDir>/<run-id>/`. It must not exist yet or be empty.
   */
  runDir?: string;
  /**
   * Who writes the run, recorded in its `run.lock` and named to a second writer that is
   * refused (e.g. `dlpo run --resume`); default `a DLPO run`.
   */
  writer?: string;
  /** Base for relative paths in the config (dataset, default cache folder); default `process.cwd()`. */
  cwd?: string;
}

export interface RunResult {
  runId: string;
  runDir: string;
  done: RunEventOf<'done'>;
}
