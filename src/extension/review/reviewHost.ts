import type * as vscode from 'vscode';
import type { RunSession } from '../run/runSession';

/**
 * What the review needs from the activation: the `Ctx` satisfies it. Kept structural so
 * the extension-host tests can build a review with its own command prefix and context
 * key next to the installed extension's, without the two stepping on each other.
 */
export interface ReviewHost {
  readonly extensionContext: { readonly extensionUri: vscode.Uri };
  readonly output: vscode.LogOutputChannel;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  registerCommand(name: string, fn: (...args: any[]) => unknown): void;
  pushCleanup(d: vscode.Disposable): void;
  /** Past and live runs, for the version history of a file. */
  readonly runs?: { list(): RunSession[] };
}

/** Names the review registers under; only tests change them. */
export interface ReviewNames {
  /** Prefix `registerCommand` adds (the Ctx adds `dlpo.`). */
  commandPrefix: string;
  /** True while the active editor shows a file (or side-by-side diff) with a pending candidate. */
  contextKey: string;
  /** True while any candidate waits, wherever its file is. */
  anyPendingContextKey: string;
  scheme: string;
}

export const DEFAULT_REVIEW_NAMES: ReviewNames = {
  commandPrefix: 'dlpo.',
  contextKey: 'dlpo.candidatePending',
  anyPendingContextKey: 'dlpo.anyCandidatePending',
  scheme: 'dlpo-candidate',
};
