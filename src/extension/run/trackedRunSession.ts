import * as vscode from 'vscode';
import type { RunEvent } from '../../core/run/events';
import { appendEvent } from './eventList';
import type { RunSession, RunStatus } from './runSession';
import { statusAfterDone } from './journalReplay';

/**
 * The concrete RunSession: keeps the event list (streamed deltas joined, see
 * `appendEvent`), fires every event in order, and derives
 * its status from the events it sees (a `done` ends it; `waiting` for review marks it
 * as waiting until the next event). The run controller owns the AbortController.
 */
export class TrackedRunSession implements RunSession, vscode.Disposable {
  private readonly eventList: RunEvent[] = [];
  private currentStatus: RunStatus;
  private readonly eventEmitter = new vscode.EventEmitter<RunEvent>();
  private readonly statusEmitter = new vscode.EventEmitter<RunStatus>();
  readonly onEvent = this.eventEmitter.event;
  readonly onStatus = this.statusEmitter.event;

  constructor(
    readonly runId: string,
    readonly runDir: string,
    readonly documentUri: vscode.Uri,
    initialStatus: RunStatus,
    initialEvents: readonly RunEvent[] = [],
    private readonly abort?: AbortController,
  ) {
    this.currentStatus = initialStatus;
    for (const e of initialEvents) appendEvent(this.eventList, e);
  }

  get status(): RunStatus {
    return this.currentStatus;
  }

  get events(): readonly RunEvent[] {
    return this.eventList;
  }

  /** The abort signal of a live run (undefined for a replayed one). */
  get signal(): AbortSignal | undefined {
    return this.abort?.signal;
  }

  stop(): void {
    if (this.abort && !this.abort.signal.aborted) this.abort.abort();
  }

  push(event: RunEvent): void {
    appendEvent(this.eventList, event);
    this.eventEmitter.fire(event);
    if (event.type === 'done') this.setStatus(statusAfterDone(event.stoppedBy));
    else if (event.type === 'waiting' && event.reason === 'review') this.setStatus('waiting-review');
    else if (this.currentStatus === 'waiting-review' && event.type !== 'waiting') this.setStatus('running');
  }

  setStatus(status: RunStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.statusEmitter.fire(status);
  }

  dispose(): void {
    this.eventEmitter.dispose();
    this.statusEmitter.dispose();
  }
}
