import * as vscode from 'vscode';
import type { PlanHunk } from '../../core/review/hunkStarts';
import { hoverText } from '../../core/review/hoverText';

/** What was last shown as suggestions in a document (tests and the log read it). */
export interface RenderedSuggestion {
  line: number;
  added: string[];
  removed: string[];
}

/**
 * The candidate's new text, readable in place: one comment thread per hunk, as a pull
 * request shows a suggested change. A comment thread is a zone between the lines, so the
 * new text wraps with the editor and keeps its line breaks, which ghost text after a line
 * end cannot. The threads change nothing in the document: the file on disk stays as it
 * is until Accept, autosave or not. Model text goes through `hoverText`, so it stays
 * inert Markdown (no HTML, no live links, hidden characters shown as markers).
 */
export class ReviewComments implements vscode.Disposable {
  private readonly controller: vscode.CommentController;
  private readonly threads = new Map<string, { key: string; threads: vscode.CommentThread[]; shown: RenderedSuggestion[] }>();

  constructor(id: string) {
    this.controller = vscode.comments.createCommentController(id, 'DLPO candidate');
    this.controller.options = { prompt: 'DLPO suggestions are decided with Accept / Reject above the change', placeHolder: '' };
  }

  /** Shows `hunks` (region offsets mapped by `toDocumentOffset`) on `document`; unchanged hunks are left as they are. */
  render(document: vscode.TextDocument, toDocumentOffset: (regionOffset: number) => number, hunks: readonly PlanHunk[], step: number): void {
    const uri = document.uri.toString();
    const shown: RenderedSuggestion[] = hunks.map((h) => ({ line: document.positionAt(toDocumentOffset(h.end)).line, added: h.added, removed: h.removed }));
    const key = JSON.stringify([step, shown]);
    if (this.threads.get(uri)?.key === key) return;
    this.clear(document.uri);
    const threads = hunks.map((h, i) => {
      const line = shown[i].line;
      const md = new vscode.MarkdownString(undefined, false);
      md.isTrusted = false;
      md.supportHtml = false;
      const added = h.added.map((t) => hoverText(t, 20_000)).join('\\\n');
      if (h.added.length > 0) md.appendMarkdown(`${added}\n\n`);
      if (h.removed.length > 0) md.appendMarkdown(`*${h.added.length > 0 ? 'Instead of' : 'Removes'}:* ~~${h.removed.map((t) => hoverText(t, 2_000)).join(' ')}~~`);
      const thread = this.controller.createCommentThread(document.uri, new vscode.Range(line, 0, line, 0), [
        { body: md, mode: vscode.CommentMode.Preview, author: { name: `DLPO step ${step}` }, label: hunks.length > 1 ? `change ${i + 1} of ${hunks.length}` : undefined },
      ]);
      thread.canReply = false;
      thread.label = h.added.length > 0 ? (h.removed.length > 0 ? 'Suggested rewrite' : 'Suggested addition') : 'Suggested removal';
      thread.contextValue = 'dlpoSuggestion';
      thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
      return thread;
    });
    this.threads.set(uri, { key, threads, shown });
  }

  clear(uri: vscode.Uri): void {
    const entry = this.threads.get(uri.toString());
    if (!entry) return;
    for (const t of entry.threads) t.dispose();
    this.threads.delete(uri.toString());
  }

  renderedFor(uri: vscode.Uri): RenderedSuggestion[] | undefined {
    return this.threads.get(uri.toString())?.shown;
  }

  dispose(): void {
    for (const entry of this.threads.values()) for (const t of entry.threads) t.dispose();
    this.threads.clear();
    this.controller.dispose();
  }
}
