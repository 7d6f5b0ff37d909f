import * as vscode from 'vscode';
import type { InlineDiffPlan } from '../../core/review/inlineDiffPlan';

/** What was last drawn in an editor, in plain terms (tests and the log read it). */
export interface RenderedDiff {
  struck: string[];
  ghost: string[];
  gutterLines: number[];
}

/**
 * The inline diff's look: removed and rewritten sentences struck through on the diff
 * editor's removed colour, incoming text as ghost text on its inserted colour, and a
 * gutter mark on every changed line. Theme colours only, so it reads in light, dark and
 * high-contrast themes. Ghost text cannot break lines (an editor decoration can add text
 * but not lines), so added sentences appear inline right where they would go.
 */
export class ReviewDecorations implements vscode.Disposable {
  private readonly removed: vscode.TextEditorDecorationType;
  private readonly insertedAfter: vscode.TextEditorDecorationType;
  private readonly insertedBefore: vscode.TextEditorDecorationType;
  private readonly gutterChanged: vscode.TextEditorDecorationType;
  private readonly gutterAdded: vscode.TextEditorDecorationType;
  private readonly rendered = new Map<string, RenderedDiff>();

  constructor(extensionUri: vscode.Uri) {
    const ghost = {
      color: new vscode.ThemeColor('editorGhostText.foreground'),
      backgroundColor: new vscode.ThemeColor('diffEditor.insertedTextBackground'),
      fontStyle: 'italic',
      margin: '0 0 0 0.6ch',
    };
    this.removed = vscode.window.createTextEditorDecorationType({
      textDecoration: 'line-through',
      backgroundColor: new vscode.ThemeColor('diffEditor.removedTextBackground'),
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    });
    this.insertedAfter = vscode.window.createTextEditorDecorationType({
      after: ghost,
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    });
    this.insertedBefore = vscode.window.createTextEditorDecorationType({
      before: { ...ghost, margin: '0 0.6ch 0 0' },
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    });
    this.gutterChanged = vscode.window.createTextEditorDecorationType({
      gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'review-gutter-changed.svg'),
      gutterIconSize: 'contain',
    });
    this.gutterAdded = vscode.window.createTextEditorDecorationType({
      gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'review-gutter-added.svg'),
      gutterIconSize: 'contain',
    });
  }

  /** Draws `plan` (offsets into the region's text) in the editor. Hovers come from a HoverProvider. */
  render(editor: vscode.TextEditor, toDocumentOffset: (regionOffset: number) => number, plan: InlineDiffPlan): void {
    const doc = editor.document;
    const pos = (offset: number) => doc.positionAt(toDocumentOffset(offset));
    const removed: vscode.DecorationOptions[] = plan.removed.map((r) => ({
      range: new vscode.Range(pos(r.start), pos(r.end)),
    }));
    const after: vscode.DecorationOptions[] = [];
    const before: vscode.DecorationOptions[] = [];
    for (const ins of plan.inserted) {
      const at = pos(ins.at);
      const contentText = ins.texts.join(' ');
      const option: vscode.DecorationOptions = {
        range: new vscode.Range(at, at),
        renderOptions: ins.side === 'after' ? { after: { contentText } } : { before: { contentText } },
      };
      (ins.side === 'after' ? after : before).push(option);
    }
    const changedLines = new Set<number>();
    for (const r of plan.removed) for (let l = pos(r.start).line; l <= pos(r.end).line; l++) changedLines.add(l);
    const addedLines = new Set<number>();
    for (const ins of plan.inserted) {
      const line = pos(ins.at).line;
      if (!changedLines.has(line)) addedLines.add(line);
    }
    const lineRange = (l: number) => new vscode.Range(l, 0, l, 0);
    editor.setDecorations(this.removed, removed);
    editor.setDecorations(this.insertedAfter, after);
    editor.setDecorations(this.insertedBefore, before);
    editor.setDecorations(this.gutterChanged, [...changedLines].map(lineRange));
    editor.setDecorations(this.gutterAdded, [...addedLines].map(lineRange));
    this.rendered.set(doc.uri.toString(), {
      struck: removed.map((o) => doc.getText(o.range)),
      ghost: plan.inserted.map((i) => i.texts.join(' ')),
      gutterLines: [...new Set([...changedLines, ...addedLines])].sort((a, b) => a - b),
    });
  }

  clear(editor: vscode.TextEditor): void {
    for (const t of [this.removed, this.insertedAfter, this.insertedBefore, this.gutterChanged, this.gutterAdded]) editor.setDecorations(t, []);
    this.rendered.delete(editor.document.uri.toString());
  }

  renderedFor(uri: vscode.Uri): RenderedDiff | undefined {
    return this.rendered.get(uri.toString());
  }

  dispose(): void {
    for (const t of [this.removed, this.insertedAfter, this.insertedBefore, this.gutterChanged, this.gutterAdded]) t.dispose();
    this.rendered.clear();
  }
}
