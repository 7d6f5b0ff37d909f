import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './command';

/**
 * Checks a folder option (`--out`, `--cache-dir`) before anything is written: the path,
 * or the nearest part of it that exists, must be a folder. Otherwise `--out` failed later
 * with a raw EEXIST/ENOTDIR (exit 1) and a cache folder that is a file silently turned
 * the cache off. `what` names the option and `purpose` says what the folder is for.
 */
export function checkFolderOption(dir: string, cwd: string, what: string, purpose: string): void {
  const full = path.resolve(cwd, dir);
  let at = full;
  for (;;) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a part of the path above is a file; keep walking up to name it.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    }
    if (stat) {
      if (stat.isDirectory()) return;
      throw new UsageError(
        at === full
          ? `${what} ${dir}: ${full} is a file, not a folder. ${purpose}; pass a folder there.`
          : `${what} ${dir}: ${at} is a file, so the folder ${full} cannot be created. ${purpose}; pass a folder there.`,
      );
    }
    const parent = path.dirname(at);
    if (parent === at) return;
    at = parent;
  }
}
