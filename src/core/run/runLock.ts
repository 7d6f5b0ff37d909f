import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';

/**
 * One writer per run folder. Two processes appending to the same journal interleave
 * steps (two resumes of one folder once left steps 2–4 twice and two `done` lines), so
 * every writer (`dlpo run`, `dlpo run --resume`, the extension, an experiment) takes
 * `run.lock` in the folder before it reads the checkpoint, and a second writer is
 * refused with a message naming the first.
 *
 * The lock is a small JSON file (pid, host, start time, who). It is created whole with
 * `link()` from a temp file, which fails atomically when the lock exists, so a reader
 * never sees half a lock. A crash (kill -9, power loss) leaves the file behind: a lock
 * on this host whose pid is no longer alive is stale and taken over. A lock from another
 * host (a shared folder) cannot be checked, so it is refused and the message says which
 * file to delete once that process is known to be gone.
 */

export const RUN_LOCK_FILE = 'run.lock';

const LockInfoSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  startedAt: z.string(),
  by: z.string(),
});
export type RunLockInfo = z.infer<typeof LockInfoSchema>;

export class RunLockedError extends Error {
  override readonly name = 'RunLockedError';
  constructor(
    message: string,
    readonly holder: RunLockInfo,
  ) {
    super(message);
  }
}

export interface RunLock {
  readonly file: string;
  readonly info: RunLockInfo;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): void;
}

/**
 * Lock files held by this process. The extension host runs several runs in one process,
 * so a lock carrying our own pid is only stale when we do not hold it.
 */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): RunLockInfo | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return 'unreadable';
  }
  try {
    const parsed = LockInfoSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

function sameLock(a: RunLockInfo, b: RunLockInfo): boolean {
  return a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;
}

/** Why `holder` no longer holds the lock, or null when it may still be writing. */
function staleReason(file: string, holder: RunLockInfo): string | null {
  if (holder.host !== os.hostname()) return null;
  if (holder.pid === process.pid) return heldHere.has(file) ? null : 'left by an earlier process with this id';
  return isAlive(holder.pid) ? null : `process ${holder.pid} is no longer running`;
}

function describe(holder: RunLockInfo): string {
  return `${holder.by} (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt})`;
}

/**
 * Takes the lock of run folder `dir` or throws `RunLockedError` naming the process that
 * holds it. `by` says who writes, for that message (e.g. `dlpo run --resume`).
 */
export function acquireRunLock(dir: string, by: string, now: Date = new Date()): RunLock {
  const file = path.join(dir, RUN_LOCK_FILE);
  const info: RunLockInfo = { pid: process.pid, host: os.hostname(), startedAt: now.toISOString(), by };
  const tmp = path.join(dir, `.${RUN_LOCK_FILE}.${process.pid}.${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(tmp, `${JSON.stringify(info)}\n`);
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        fs.linkSync(tmp, file);
        heldHere.add(file);
        return makeLock(file, info);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readLock(file);
      if (holder === 'missing') continue; // released meanwhile: try again
      if (holder !== 'unreadable') {
        const reason = staleReason(file, holder);
        if (reason === null) {
          const sameHost = holder.host === os.hostname();
          throw new RunLockedError(
            `Another process is writing to the run in ${dir}: ${describe(holder)}. Only one process may write to a run folder at a time; ` +
              (sameHost
                ? 'wait for it to finish or stop it, then try again.'
                : `wait for it to finish; if it is gone (that host cannot be checked from here), delete ${file} and try again.`),
            holder,
          );
        }
      }
      // Stale or damaged (it is only ever created whole, so damage means a broken disk or a
      // hand edit). Move it aside first, so that of two processes taking over the same stale
      // lock, one never deletes the fresh lock the other has just made.
      const aside = `${tmp}.stale`;
      try {
        fs.renameSync(file, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      const moved = readLock(aside);
      const wasTheStaleOne = holder === 'unreadable' ? moved === 'unreadable' : moved !== 'missing' && moved !== 'unreadable' && sameLock(moved, holder);
      if (!wasTheStaleOne) {
        // Someone took the lock between our read and the rename: give it back.
        try {
          fs.linkSync(aside, file);
        } catch {
          // A third process holds it now; either way it is not ours.
        }
      }
      fs.rmSync(aside, { force: true });
    }
    throw new Error(`could not take the lock ${file}: it keeps changing`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function makeLock(file: string, info: RunLockInfo): RunLock {
  let released = false;
  return {
    file,
    info,
    release() {
      if (released) return;
      released = true;
      heldHere.delete(file);
      const current = readLock(file);
      if (current !== 'missing' && current !== 'unreadable' && sameLock(current, info)) fs.rmSync(file, { force: true });
    },
  };
}

/** Who holds the lock of `dir` right now (a live holder), for display; undefined when free or stale. */
export function runLockHolder(dir: string): RunLockInfo | undefined {
  const file = path.join(dir, RUN_LOCK_FILE);
  const holder = readLock(file);
  if (holder === 'missing' || holder === 'unreadable') return undefined;
  return staleReason(file, holder) === null ? holder : undefined;
}
