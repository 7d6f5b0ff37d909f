import * as path from 'node:path';
import * as vscode from 'vscode';
import { Config } from '../config';

/**
 * Where runs and the response cache live: `.dlpo/` in the prompt file's workspace folder,
 * or the extension's global storage when the file is outside any (local) folder.
 */
export class RunLocations {
  constructor(private readonly globalStorage: vscode.Uri) {}

  private root(documentUri: vscode.Uri | undefined): string {
    const folder = documentUri ? vscode.workspace.getWorkspaceFolder(documentUri) : vscode.workspace.workspaceFolders?.[0];
    if (folder && folder.uri.scheme === 'file') return path.join(folder.uri.fsPath, '.dlpo');
    return this.globalStorage.fsPath;
  }

  runsDir(documentUri: vscode.Uri | undefined): string {
    return path.join(this.root(documentUri), 'runs');
  }

  /** `dlpo.cache.location` (relative to the workspace folder), else `.dlpo/cache`. */
  cacheDir(documentUri: vscode.Uri | undefined): string {
    const configured = new Config(documentUri).cacheLocation;
    const folder = documentUri ? vscode.workspace.getWorkspaceFolder(documentUri) : vscode.workspace.workspaceFolders?.[0];
    if (configured) return path.resolve(folder?.uri.scheme === 'file' ? folder.uri.fsPath : this.globalStorage.fsPath, configured);
    return path.join(this.root(documentUri), 'cache');
  }

  /** Every runs folder this window can see: each local workspace folder's, then global storage's. */
  allRunsDirs(): string[] {
    const dirs = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => path.join(f.uri.fsPath, '.dlpo', 'runs'));
    dirs.push(path.join(this.globalStorage.fsPath, 'runs'));
    return [...new Set(dirs)];
  }

  /** A path for messages and journals: relative to its workspace folder when inside one. */
  static displayPath(fsPath: string): string {
    return vscode.workspace.asRelativePath(fsPath, false);
  }
}
