import * as vscode from 'vscode';
import { minimalReplacement } from '../../core/review/minimalReplacement';
import type { PromptRegion, RunRegion } from './promptRegion';

export type RegionEditResult = { ok: true; text: string } | { ok: false; reason: string };

/** The open document for `uri`, if any (without opening it). */
export function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key && !d.isClosed);
}

/** Whether any editor tab shows the file (a document can be loaded with no tab at all). */
export function isInATab(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.window.tabGroups.all.some((g) =>
    g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key),
  );
}

export async function regionOf(uri: vscode.Uri, where: RunRegion): Promise<{ document: vscode.TextDocument; region: PromptRegion | null }> {
  const document = openDocument(uri) ?? (await vscode.workspace.openTextDocument(uri));
  return { document, region: where.locate(document.getText()) };
}

/**
 * Replaces the optimizable region of the prompt file with `text` as ONE WorkspaceEdit,
 * so it is a single undo step; nothing outside the region (front matter, variables
 * elsewhere, other sections) is touched. Only the differing middle is replaced, which
 * keeps the cursor and folding around it; a tracked selection is replaced whole so its
 * tracking follows the edit exactly. A file no editor shows is saved right away:
 * otherwise the accepted text would sit in a hidden, unsaved buffer.
 */
export async function replaceRegion(uri: vscode.Uri, where: RunRegion, text: string): Promise<RegionEditResult> {
  const { document, region } = await regionOf(uri, where);
  if (!region) return { ok: false, reason: 'the optimizable region of the prompt could not be found' };
  if (region.text === text) return { ok: true, text };
  const hidden = !isInATab(uri);
  const wasDirty = document.isDirty;
  const r = where.isSelection ? { start: 0, end: region.text.length, text } : minimalReplacement(region.text, text);
  const edit = new vscode.WorkspaceEdit();
  const range = new vscode.Range(document.positionAt(region.toDocumentOffset(r.start)), document.positionAt(region.toDocumentOffset(r.end)));
  edit.replace(uri, range, r.text);
  if (!(await vscode.workspace.applyEdit(edit))) return { ok: false, reason: 'VS Code refused the edit' };
  if (hidden && !wasDirty) await document.save();
  return { ok: true, text };
}
