import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { benchmarksRoot } from '../../core/data/benchmarks';
import type { Ctx } from '../ctx';
import { SAMPLE_CONFIG_FILE, SAMPLE_DATA_FILE, SAMPLE_PROMPT, SAMPLE_PROMPT_FILE, SAMPLE_ROWS, firstJsonlRows, sampleConfigYaml } from './sampleFiles';

/**
 * Create Sample Workspace: writes `math.prompt.md`, `gsm8k-sample.jsonl` (real GSM8K
 * training rows taken from the benchmark data the extension ships) and a
 * `dlpo.config.yaml` for the offline simulator into the workspace (or a folder the user
 * picks), then opens the prompt. Existing files are only replaced after asking.
 */
export async function createSampleWorkspace(ctx: Ctx, args?: { folder?: string; open?: boolean }): Promise<string | undefined> {
  let folder = args?.folder ?? vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Create the sample here', title: 'DLPO: folder for the sample' });
    folder = picked?.[0]?.fsPath;
  }
  if (!folder) return undefined;
  const files = [SAMPLE_PROMPT_FILE, SAMPLE_DATA_FILE, SAMPLE_CONFIG_FILE].map((f) => path.join(folder!, f));
  const existing = files.filter((f) => fs.existsSync(f));
  if (existing.length && !args?.folder) {
    const ok = await vscode.window.showWarningMessage(`${existing.map((f) => path.basename(f)).join(', ')} already exist in ${folder}. Replace them?`, { modal: true }, 'Replace');
    if (ok !== 'Replace') return undefined;
  }
  let rows: string;
  try {
    const source = path.join(benchmarksRoot(), 'gsm8k', 'train.jsonl');
    rows = firstJsonlRows(await fs.promises.readFile(source, 'utf8'), SAMPLE_ROWS);
  } catch (e) {
    void vscode.window.showErrorMessage(`DLPO could not read its bundled GSM8K data for the sample: ${(e as Error).message}`);
    return undefined;
  }
  const schema = vscode.Uri.joinPath(ctx.extensionContext.extensionUri, 'schemas', 'dlpo.config.schema.json').toString();
  await fs.promises.mkdir(folder, { recursive: true });
  await fs.promises.writeFile(files[0], SAMPLE_PROMPT, 'utf8');
  await fs.promises.writeFile(files[1], rows, 'utf8');
  await fs.promises.writeFile(files[2], sampleConfigYaml(schema), 'utf8');
  ctx.output.info(`Sample workspace written to ${folder}: ${SAMPLE_PROMPT_FILE}, ${SAMPLE_DATA_FILE} (${SAMPLE_ROWS} GSM8K rows), ${SAMPLE_CONFIG_FILE} (offline simulator).`);
  if (args?.open !== false) {
    await vscode.window.showTextDocument(vscode.Uri.file(files[0]));
    void vscode.window.showInformationMessage('Sample ready: click "▶ Optimize with DLPO" above the prompt. It runs on the offline simulator (no key, no cost).');
  }
  return folder;
}
