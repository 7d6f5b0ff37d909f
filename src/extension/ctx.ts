import * as vscode from 'vscode';
import { RunSessions } from './run/runSessions';

/**
 * Everything one activation shares: the extension context, the "DLPO" log, the run
 * sessions, and the disposables that die with the extension.
 */
export class Ctx implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  readonly runs: RunSessions;

  constructor(readonly extensionContext: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('DLPO', { log: true });
    this.runs = new RunSessions();
    extensionContext.subscriptions.push(this.output, this.runs);
  }

  /** Registers `dlpo.<name>` and pushes the disposable. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  registerCommand(name: string, fn: (...args: any[]) => unknown): void {
    const id = name.startsWith('dlpo.') ? name : `dlpo.${name}`;
    this.pushCleanup(vscode.commands.registerCommand(id, fn));
  }

  pushCleanup(d: vscode.Disposable): void {
    this.extensionContext.subscriptions.push(d);
  }

  dispose(): void {
    // Everything is in extensionContext.subscriptions, which VS Code disposes.
  }
}
