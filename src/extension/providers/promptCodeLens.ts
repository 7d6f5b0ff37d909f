import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { isFinished } from '../run/runSession';
import { isPromptFile } from './promptFileMatch';

/**
 * `▶ Optimize with DLPO` · `Evaluate` at the top of prompt files; `■ Stop` · `Show panel`
 * while a run is on the file. The review's Accept/Reject lenses are the review's own.
 */
export class PromptCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly ctx: Ctx) {
    this.subscription = ctx.runs.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!isPromptFile(path.basename(document.fileName), document.getText(new vscode.Range(0, 0, 80, 0)))) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const session = this.ctx.runs.forDocument(document.uri);
    if (session && !isFinished(session.status)) {
      return [
        new vscode.CodeLens(top, { title: '$(debug-stop) Stop DLPO run', command: 'dlpo.stopRun', arguments: [{ runId: session.runId }] }),
        new vscode.CodeLens(top, { title: 'Show panel', command: 'dlpo.showPanel', arguments: [{ runId: session.runId }] }),
      ];
    }
    return [
      new vscode.CodeLens(top, { title: '▶ Optimize with DLPO', tooltip: 'Optimize this prompt on a dataset (DLPO: Optimize Prompt)', command: 'dlpo.optimizePrompt', arguments: [document.uri] }),
      new vscode.CodeLens(top, { title: 'Evaluate', tooltip: 'Score this prompt on a dataset without changing it', command: 'dlpo.evaluatePrompt', arguments: [document.uri] }),
    ];
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Keeps `dlpo.isPromptFile` true while the active editor shows a prompt file (menus use it). */
export function trackPromptFileContext(ctx: Ctx): void {
  const update = (editor: vscode.TextEditor | undefined) => {
    const doc = editor?.document;
    const is = !!doc && isPromptFile(path.basename(doc.fileName), doc.getText(new vscode.Range(0, 0, 80, 0)));
    void vscode.commands.executeCommand('setContext', 'dlpo.isPromptFile', is);
  };
  ctx.pushCleanup(vscode.window.onDidChangeActiveTextEditor(update));
  ctx.pushCleanup(
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d === vscode.window.activeTextEditor?.document) update(vscode.window.activeTextEditor);
    }),
  );
  update(vscode.window.activeTextEditor);
}
