import type * as vscode from 'vscode';
import type { RunEvent } from '../../core/run/events';

export type RunStatus = 'running' | 'waiting-review' | 'done' | 'stopped' | 'failed' | 'interrupted';

/**
 * One optimization run as the extension sees it: live (started by the run controller)
 * or past (replayed from its journal). The panel and the editor review subscribe to it.
 */
export interface RunSession {
  readonly runId: string;
  readonly runDir: string;
  /** The prompt file. */
  readonly documentUri: vscode.Uri;
  readonly status: RunStatus;
  /** Every event so far, in order (replayed from the journal for past runs). */
  readonly events: readonly RunEvent[];
  readonly onEvent: vscode.Event<RunEvent>;
  readonly onStatus: vscode.Event<RunStatus>;
  /** Aborts the run's AbortSignal; does nothing for a past run. */
  stop(): void;
}

/** Whether a status means nothing more will happen in this session. */
export function isFinished(status: RunStatus): boolean {
  return status === 'done' || status === 'stopped' || status === 'failed' || status === 'interrupted';
}
