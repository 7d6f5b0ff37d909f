import {
  describeMessage,
  parseHostToWebview,
  parseResult,
  type HostToWebview,
  type RequestMethod,
  type RequestParams,
  type RequestResult,
  type WebviewToHost,
} from '../shared/protocol';

/** The part of `acquireVsCodeApi()` the panel uses (a fake in tests). */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export type HostPush = Exclude<HostToWebview, { type: 'reply' }>;

interface Pending {
  method: RequestMethod;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** How long a call to the host may take before the panel gives up on its reply. */
const REQUEST_TIMEOUT_MS = 60_000;
/** Rejected messages reported to the host log per page: enough to diagnose, not a flood. */
const MAX_REJECTION_REPORTS = 20;

/**
 * Webview side of the protocol: typed request/reply calls to the host and validated
 * pushes from it. A message that fails its schema is dropped and logged (console and
 * host log), never rendered.
 */
export class Messenger {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private rejections = 0;
  rejectedCount = 0;

  constructor(
    private readonly api: VsCodeApi,
    private readonly onPush: (message: HostPush) => void,
  ) {}

  send(message: WebviewToHost): void {
    this.api.postMessage(message);
  }

  request<M extends RequestMethod>(method: M, params: RequestParams<M>): Promise<RequestResult<M>> {
    const id = this.nextId++;
    return new Promise<RequestResult<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`The extension did not answer "${method}" in time.`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.api.postMessage({ type: 'request', id, method, params });
    });
  }

  /** Entry point for `window.addEventListener('message', e => messenger.receive(e.data))`. */
  receive(data: unknown): void {
    const parsed = parseHostToWebview(data);
    if (!parsed.ok) {
      this.reject(`Ignored a malformed message from the extension (${describeMessage(data)}): ${parsed.error}`);
      return;
    }
    const message = parsed.message;
    if (message.type === 'reply') {
      const p = this.pending.get(message.id);
      if (!p) {
        this.reject(`Ignored a reply to an unknown request ${message.id}.`);
        return;
      }
      this.pending.delete(message.id);
      clearTimeout(p.timer);
      if ('error' in message) {
        p.reject(new Error(message.error.message));
        return;
      }
      const result = parseResult(p.method, message.result);
      if (result.ok) p.resolve(result.message);
      else {
        this.reject(`Ignored a malformed "${p.method}" reply: ${result.error}`);
        p.reject(new Error(`The extension's reply to "${p.method}" was malformed.`));
      }
      return;
    }
    this.onPush(message);
  }

  dispose(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('The panel closed.'));
    }
    this.pending.clear();
  }

  private reject(text: string): void {
    this.rejectedCount++;
    console.warn(`[DLPO panel] ${text}`);
    if (this.rejections++ < MAX_REJECTION_REPORTS) {
      this.api.postMessage({ type: 'log', level: 'warn', message: text.slice(0, 2000) } satisfies WebviewToHost);
    }
  }
}
