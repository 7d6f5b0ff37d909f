import { Window } from 'happy-dom';

/**
 * A happy-dom window installed as the globals the webview code uses, for DOM tests in
 * plain Node. `restore()` puts the previous globals back.
 */
export interface DomEnv {
  window: Window;
  document: Document;
  restore(): void;
}

const NAMES = [
  'window',
  'document',
  'HTMLElement',
  'Element',
  'Node',
  'MutationObserver',
  'getComputedStyle',
  'requestAnimationFrame',
  'navigator',
  'MessageEvent',
] as const;

export function installDom(): DomEnv {
  const window = new Window({ url: 'https://panel.invalid/', settings: { disableJavaScriptEvaluation: true, disableJavaScriptFileLoading: true, disableCSSFileLoading: true } } as never);
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = new Map<string, PropertyDescriptor | undefined>();
  for (const name of NAMES) saved.set(name, Object.getOwnPropertyDescriptor(g, name));
  const w = window as unknown as Record<string, unknown>;
  for (const name of NAMES) {
    const value = name === 'window' ? window : name === 'getComputedStyle' || name === 'requestAnimationFrame' ? (w[name] as (...a: unknown[]) => unknown).bind(window) : w[name];
    Object.defineProperty(g, name, { value, configurable: true, writable: true });
  }
  return {
    window,
    document: window.document as unknown as Document,
    restore() {
      for (const [name, d] of saved) {
        if (d) Object.defineProperty(g, name, d);
        else delete g[name];
      }
      void window.happyDOM.close();
    },
  };
}

/** A fake `acquireVsCodeApi()` that records posts and state. */
export class FakeVsCodeApi {
  readonly posted: unknown[] = [];
  state: unknown = undefined;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  getState(): unknown {
    return this.state;
  }
  setState(state: unknown): void {
    this.state = JSON.parse(JSON.stringify(state));
  }
}
