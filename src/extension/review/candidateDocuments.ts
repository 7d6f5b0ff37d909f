import * as vscode from 'vscode';

export type CandidateSide = 'current' | 'candidate';

/** `dlpo-candidate:/<runId>/<step>/<side>/<file name>`: the two sides of the side-by-side diff. */
export function candidateUri(scheme: string, runId: string, step: number, side: CandidateSide, fileName: string): vscode.Uri {
  return vscode.Uri.from({ scheme, path: `/${encodeURIComponent(runId)}/${step}/${side}/${fileName}` });
}

export function parseCandidateUri(uri: vscode.Uri): { runId: string; step: number; side: CandidateSide } | undefined {
  const m = /^\/([^/]+)\/(\d+)\/(current|candidate)\//.exec(uri.path);
  return m ? { runId: decodeURIComponent(m[1]), step: Number(m[2]), side: m[3] as CandidateSide } : undefined;
}

/**
 * Read-only virtual documents for the side-by-side diff: the prompt region as it is now
 * and as the candidate would leave it. Contents are kept after the decision so an open
 * diff stays readable.
 */
export class CandidateDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly contents = new Map<string, string>();

  set(uri: vscode.Uri, text: string): void {
    const key = uri.toString();
    if (this.contents.get(key) === text) return;
    this.contents.set(key, text);
    this.changeEmitter.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '(this candidate is no longer available)';
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.contents.clear();
  }
}
