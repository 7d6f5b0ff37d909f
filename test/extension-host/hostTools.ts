// Small waiting and lookup helpers shared by the extension-host test files.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './testEnv';

/** The installed extension's folder (or the repository when loaded from source). */
export function extensionUri(): vscode.Uri {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  return ext?.extensionUri ?? vscode.Uri.file(path.resolve(__dirname, '..', '..'));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it gives a truthy value; fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
