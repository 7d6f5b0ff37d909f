import * as path from 'node:path';
import * as vscode from 'vscode';
import { findConfigFile, loadConfigFile } from '../../core/config/loadConfigFile';
import { findBenchmark } from '../../core/data/benchmarks';
import { Config } from '../config';
import { settingsLayer, type ConfigLayer } from './settingsToRunConfig';
import type { DlpoSettings } from './settingsModel';

/**
 * The two lower config layers for a prompt file: its settings (folder-scoped), and the
 * `dlpo.config.(json|yaml)` of its workspace folder, if any. In an untrusted workspace
 * the file is not read and only user settings apply (VS Code already withholds the
 * restricted workspace settings).
 */
export interface DocumentConfigLayers {
  settings: DlpoSettings;
  layers: ConfigLayer[];
  /** The workspace config file used, if any. */
  configFile?: string;
}

export function configLayersFor(documentUri: vscode.Uri): DocumentConfigLayers {
  const settings = new Config(documentUri).snapshot();
  const layers: ConfigLayer[] = [settingsLayer(settings)];
  let configFile: string | undefined;
  const folder = vscode.workspace.getWorkspaceFolder(documentUri);
  if (folder && folder.uri.scheme === 'file' && vscode.workspace.isTrusted) {
    configFile = findConfigFile(folder.uri.fsPath) ?? findConfigFile(path.dirname(documentUri.fsPath));
    if (configFile) {
      const loaded = loadConfigFile(configFile); // throws ConfigError with a readable message
      layers.push({ name: 'file', label: loaded.source, values: loaded.values });
    }
  }
  return { settings, layers, configFile };
}

/** A value the workspace file sets (so the guided start need not ask), e.g. `data.source`. */
export function fileValue(layers: readonly ConfigLayer[], ...keys: string[]): unknown {
  const file = layers.find((l) => l.name === 'file');
  let cur: unknown = file?.values;
  for (const k of keys) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/**
 * The dataset a command runs on, as an absolute path (or a benchmark name). A path from
 * the workspace config file is relative to that file, as in the CLI; a picked one is
 * relative to the workspace folder (or the prompt's folder outside a workspace).
 */
export function resolveDataSource(source: string, fromFile: boolean, base: DocumentConfigLayers, documentUri: vscode.Uri): { source: string; folder: string } {
  const folder = vscode.workspace.getWorkspaceFolder(documentUri)?.uri.fsPath ?? path.dirname(documentUri.fsPath);
  if (findBenchmark(source)) return { source, folder };
  const relativeTo = fromFile && base.configFile ? path.dirname(base.configFile) : folder;
  return { source: path.resolve(relativeTo, source), folder };
}

