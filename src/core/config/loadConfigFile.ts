import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, type ConfigLayer } from './mergeConfig';

/**
 * The workspace file `dlpo.config.json`, `dlpo.config.yaml` or `dlpo.config.yml`: a
 * partial RunConfig the CLI and the extension put under their own choices. Relative
 * paths in it (`promptFile`, `data.source`, `cache.dir`) are relative to the file, so the
 * same config works from any working directory. API keys do not belong in it: only the
 * names of the environment variables that hold them (`apiKeyEnv`).
 */

export const CONFIG_FILE_NAMES = ['dlpo.config.json', 'dlpo.config.yaml', 'dlpo.config.yml'] as const;

/** The config file in `dir`, if any. */
export function findConfigFile(dir: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

function resolveRelative(value: unknown, base: string, onlyIfExists: boolean): unknown {
  if (typeof value !== 'string' || value === '' || path.isAbsolute(value)) return value;
  const resolved = path.resolve(base, value);
  // A built-in benchmark name (`gsm8k`) must stay a name: only rewrite what is a file there.
  if (onlyIfExists && !fs.existsSync(resolved)) return value;
  return resolved;
}

/** Reads and parses a config file into a layer; throws ConfigError with a readable message. */
export function loadConfigFile(file: string): ConfigLayer {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError([`${file}: cannot read the config file (does it exist?)`]);
  }
  let values: unknown;
  try {
    // logLevel 'error': still throws on errors, but no YAMLWarning printed on the user's terminal.
    values = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { logLevel: 'error' });
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new ConfigError([`${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${why}`]);
  }
  if (values === null || values === undefined) values = {};
  if (typeof values !== 'object' || Array.isArray(values)) {
    throw new ConfigError([`${file}: must be a mapping of settings (like "preset: best"), not ${Array.isArray(values) ? 'a list' : typeof values}`]);
  }
  const v = { ...(values as Record<string, unknown>) };
  const base = path.dirname(path.resolve(file));
  if ('promptFile' in v) v.promptFile = resolveRelative(v.promptFile, base, false);
  if (v.data && typeof v.data === 'object' && !Array.isArray(v.data)) {
    const data = { ...(v.data as Record<string, unknown>) };
    data.source = resolveRelative(data.source, base, true);
    v.data = data;
  }
  if (v.cache && typeof v.cache === 'object' && !Array.isArray(v.cache)) {
    const cache = { ...(v.cache as Record<string, unknown>) };
    if ('dir' in cache) cache.dir = resolveRelative(cache.dir, base, false);
    v.cache = cache;
  }
  return { source: path.basename(file), values: v };
}

/** The config-file layer a command starts from: `--config FILE`, else a `dlpo.config.*` in `cwd`, else none. */
export function configFileLayers(cwd: string, explicit?: string): ConfigLayer[] {
  const file = explicit ? path.resolve(cwd, explicit) : findConfigFile(cwd);
  return file ? [loadConfigFile(file)] : [];
}
