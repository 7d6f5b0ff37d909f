// What an extension-host test may need to know about the host it runs in. The runner
// (index.ts) reads it from runner-config.json next to the compiled tests (written by
// test/e2e/run.mjs) and publishes it on a global before loading any test file, so
// each bundled test file sees the same object without importing the runner.
export const EXTENSION_ID = 'dlpo.dlpo-prompt-optimizer';

export interface ExtensionTestEnv {
  /** 'vsix': the extension under test was installed from its .vsix; 'dev': loaded from its folder. */
  readonly mode: 'vsix' | 'dev' | 'unknown';
  /** The extension must have been loaded from a folder under this path (extensions dir, or the repo). */
  readonly expectExtensionUnder?: string;
  /** The version the packaged extension must report (package.json "version"). */
  readonly expectVersion?: string;
}

const GLOBAL_KEY = '__dlpoExtensionTestEnv';

export function publishTestEnv(env: ExtensionTestEnv): void {
  (globalThis as Record<string, unknown>)[GLOBAL_KEY] = env;
}

export function testEnv(): ExtensionTestEnv {
  const env = (globalThis as Record<string, unknown>)[GLOBAL_KEY] as ExtensionTestEnv | undefined;
  return env ?? { mode: 'unknown' };
}
