import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Services } from './services';

/** Clear Cache: deletes the response cache folder(s) after saying how large they are. */
export async function clearCache(services: Services): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const dirs = new Set<string>();
  for (const f of folders.length ? folders.map((x) => x.uri) : [undefined]) {
    dirs.add(services.locations.cacheDir(f));
  }
  const existing = [...dirs].filter((d) => fs.existsSync(d));
  if (existing.length === 0) {
    void vscode.window.showInformationMessage('The DLPO response cache is empty.');
    return;
  }
  const files = existing.reduce((n, d) => n + countFiles(d, 200_000), 0);
  const ok = await vscode.window.showWarningMessage(
    `Delete ${files.toLocaleString('en-US')} cached model responses in ${existing.map((d) => vscode.workspace.asRelativePath(d, false)).join(', ')}? Re-running or resuming a run will call the models again.`,
    { modal: true },
    'Delete',
  );
  if (ok !== 'Delete') return;
  for (const d of existing) await fs.promises.rm(d, { recursive: true, force: true });
  services.ctx.output.info(`Cleared the response cache (${files} entries).`);
}

function countFiles(dir: string, limit: number): number {
  let n = 0;
  const stack = [dir];
  while (stack.length && n < limit) {
    const d = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory()) stack.push(`${d}/${e.name}`);
      else n++;
    }
  }
  return n;
}
