import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireRunLock, RUN_LOCK_FILE, runLockHolder, RunLockedError } from '../../../src/core/run/runLock';

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('run folder lock (one writer per run folder)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-lock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const lockFile = () => path.join(dir, RUN_LOCK_FILE);
  const writeLock = (info: Record<string, unknown>) => fs.writeFileSync(lockFile(), JSON.stringify(info));

  it('records pid, host, start time and writer; a second writer is refused naming the first; release frees it', () => {
    const lock = acquireRunLock(dir, 'dlpo run --resume', new Date('2026-12-04T21:00:00Z'));
    const onDisk = JSON.parse(fs.readFileSync(lockFile(), 'utf8'));
    assert.deepEqual(onDisk, { pid: process.pid, host: os.hostname(), startedAt: '2026-12-04T21:00:00.000Z', by: 'dlpo run --resume' });
    // The same process (the extension host runs several runs) is a second writer too.
    assert.throws(
      () => acquireRunLock(dir, 'VS Code (DLPO extension)'),
      (e: unknown) =>
        e instanceof RunLockedError &&
        e.message.includes(`dlpo run --resume (pid ${process.pid} on ${os.hostname()}, started 2026-12-04T21:00:00.000Z)`) &&
        /Only one process may write to a run folder at a time/.test(e.message),
    );
    assert.equal(runLockHolder(dir)?.pid, process.pid);
    lock.release();
    assert.ok(!fs.existsSync(lockFile()), 'released');
    assert.equal(runLockHolder(dir), undefined);
    lock.release(); // twice is harmless
    acquireRunLock(dir, 'dlpo run').release();
    assert.deepEqual(fs.readdirSync(dir), [], 'no temp files left behind');
  });

  it('takes over a stale lock whose process is gone (kill -9), and a damaged one', () => {
    const pid = deadPid();
    writeLock({ pid, host: os.hostname(), startedAt: '2026-12-04T20:00:00.000Z', by: 'dlpo run' });
    assert.equal(runLockHolder(dir), undefined, 'a dead holder does not count');
    const lock = acquireRunLock(dir, 'dlpo run --resume');
    assert.equal(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).pid, process.pid);
    lock.release();

    fs.writeFileSync(lockFile(), '{"pid": 12');
    const again = acquireRunLock(dir, 'dlpo run --resume');
    assert.equal(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).pid, process.pid);
    again.release();
  });

  it('a lock held by a live process on this host is refused; one from another host is refused and names the file to delete', () => {
    // The test runner's parent (npm / the shell) is alive and is not us.
    writeLock({ pid: process.ppid, host: os.hostname(), startedAt: '2026-12-04T20:00:00.000Z', by: 'dlpo run' });
    assert.throws(() => acquireRunLock(dir, 'dlpo run --resume'), (e: unknown) => e instanceof RunLockedError && e.holder.pid === process.ppid && /wait for it to finish or stop it/.test(e.message));
    writeLock({ pid: deadPid(), host: 'other-machine', startedAt: '2026-12-04T20:00:00.000Z', by: 'dlpo run' });
    assert.throws(
      () => acquireRunLock(dir, 'dlpo run --resume'),
      (e: unknown) => e instanceof RunLockedError && e.message.includes('on other-machine') && e.message.includes(`delete ${lockFile()}`),
    );
  });

  it('release leaves a lock that is no longer ours alone', () => {
    const lock = acquireRunLock(dir, 'dlpo run');
    writeLock({ pid: process.ppid, host: os.hostname(), startedAt: 'later', by: 'someone else' });
    lock.release();
    assert.equal(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).by, 'someone else');
  });
});
