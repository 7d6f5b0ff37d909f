import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { RunLocations } from '../run/locations';

/**
 * `dlpo.hasRuns`: some run exists (a session in this window, or a runs folder on disk),
 * so Show Panel, Resume and the result commands appear in the palette. Checking that a
 * folder exists is all activation does on disk.
 */
export function trackHasRuns(ctx: Ctx, locations: RunLocations): void {
  const update = () => {
    const has = ctx.runs.list().length > 0 || locations.allRunsDirs().some((d) => fs.existsSync(d));
    void vscode.commands.executeCommand('setContext', 'dlpo.hasRuns', has);
  };
  ctx.pushCleanup(ctx.runs.onDidChange(update));
  update();
}
