import type { RunEvent } from '../../core/run/events';
import {
  COMMAND_IDS,
  describeMessage,
  parseWebviewToHost,
  type HostToWebview,
  type PanelCommand,
  type PanelReviewMode,
  type PanelRunStatus,
  type RequestMessage,
  type Snapshot,
} from '../../shared/protocol';

/** The part of a RunSession the bridge needs (kept structural so it is testable without VS Code). */
export interface BridgeSession {
  readonly runId: string;
  readonly runDir: string;
  readonly documentUri: { readonly path: string };
  readonly status: PanelRunStatus;
  readonly events: readonly RunEvent[];
  onEvent(listener: (e: RunEvent) => void): { dispose(): void };
  onStatus(listener: (s: PanelRunStatus) => void): { dispose(): void };
}

export interface BridgeHost {
  post(message: HostToWebview): void;
  executeCommand(id: string, arg: Record<string, unknown>): PromiseLike<unknown>;
  warn(message: string): void;
  info(message: string): void;
  /** Whether the run folder can be resumed now (a checkpoint that is not finished); read at each snapshot and status push. */
  resumable?(): boolean;
}

export interface BridgeOptions {
  /** How often new events are forwarded (ms). */
  flushMs?: number;
  /** Most events in one message. */
  maxBatch?: number;
  reviewMode?: PanelReviewMode;
}

/**
 * Host side of the panel protocol for one run: answers the webview's requests, forwards
 * the session's events in numbered batches (every `flushMs`, not per event, so a
 * streamed gradient does not become thousands of messages), pushes status changes and
 * routes the panel's buttons to `dlpo.*` commands with `{ runId }`.
 */
export class PanelBridge {
  /** Events the webview has (its snapshot plus batches sent); null before it asked. */
  private sentSeq: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly subscriptions: { dispose(): void }[] = [];
  private readonly flushMs: number;
  private readonly maxBatch: number;
  reviewMode: PanelReviewMode | undefined;
  private disposed = false;

  constructor(
    private readonly session: BridgeSession,
    private readonly host: BridgeHost,
    options: BridgeOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 100;
    this.maxBatch = options.maxBatch ?? 2000;
    this.reviewMode = options.reviewMode;
    this.subscriptions.push(session.onEvent(() => this.scheduleFlush()));
    this.subscriptions.push(
      session.onStatus((status) => {
        // Events first, so the webview sees the `done` before the status that follows it.
        this.flush();
        this.host.post({ type: 'status', status, reviewMode: this.reviewMode, ...this.resumable() });
      }),
    );
  }

  snapshot(): Snapshot {
    const events = this.session.events.slice();
    const path = this.session.documentUri.path;
    return {
      meta: {
        runId: this.session.runId,
        runDir: this.session.runDir,
        fileName: path.slice(path.lastIndexOf('/') + 1),
        status: this.session.status,
        reviewMode: this.reviewMode,
        ...this.resumable(),
      },
      events,
      nextSeq: events.length,
    };
  }

  private resumable(): { resumable?: boolean } {
    return this.host.resumable ? { resumable: this.host.resumable() } : {};
  }

  /** Handles one message from the webview; malformed ones are logged and dropped. */
  async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewToHost(raw);
    if (!parsed.ok) {
      this.host.warn(`Run panel ${this.session.runId}: ignored a malformed message (${describeMessage(raw)}): ${parsed.error}`);
      return;
    }
    const m = parsed.message;
    switch (m.type) {
      case 'ready':
        return;
      case 'log':
        (m.level === 'info' ? this.host.info : this.host.warn).call(this.host, `Run panel ${this.session.runId}: ${m.message}`);
        return;
      case 'request':
        await this.answer(m);
        return;
      default: {
        const never: never = m;
        void never;
      }
    }
  }

  private async answer(m: RequestMessage): Promise<void> {
    switch (m.method) {
      case 'getSnapshot': {
        const snapshot = this.snapshot();
        this.sentSeq = snapshot.nextSeq;
        this.host.post({ type: 'reply', id: m.id, result: snapshot });
        return;
      }
      case 'command': {
        try {
          await this.runCommand(m.params);
          this.host.post({ type: 'reply', id: m.id, result: { ok: true } });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          this.host.post({ type: 'reply', id: m.id, error: { message: message.slice(0, 4000) } });
        }
        return;
      }
      default: {
        const never: never = m;
        void never;
      }
    }
  }

  private async runCommand(c: PanelCommand): Promise<void> {
    const arg: Record<string, unknown> = { runId: this.session.runId };
    if ('step' in c) arg.step = c.step;
    if (c.command === 'setReviewMode') arg.mode = c.mode;
    const result = await this.host.executeCommand(COMMAND_IDS[c.command], arg);
    if (c.command === 'setReviewMode') {
      // The command answers false when no reviewer of this run took the new mode.
      if (result === false) throw new Error('The review mode did not change: this run is not reviewing candidates.');
      this.reviewMode = c.mode;
    }
  }

  private scheduleFlush(): void {
    if (this.timer || this.disposed || this.sentSeq === null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.flushMs);
  }

  /** Sends every event the webview has not seen, in batches of at most `maxBatch`. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.sentSeq === null || this.disposed) return;
    const all = this.session.events;
    while (this.sentSeq < all.length) {
      const end = Math.min(all.length, this.sentSeq + this.maxBatch);
      this.host.post({ type: 'events', fromSeq: this.sentSeq, events: all.slice(this.sentSeq, end) as RunEvent[] });
      this.sentSeq = end;
    }
  }

  /** The webview went away (hidden without retained context): it will ask for a snapshot again. */
  forgetWebview(): void {
    this.sentSeq = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const s of this.subscriptions) s.dispose();
  }
}
