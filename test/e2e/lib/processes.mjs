// Every process the driver starts is registered here and stopped here: code-server is
// spawned detached, so it leads its own process group and signalling -pid reaches its
// children (server, extension host, pty host) and nothing else on the machine.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { sleep } from './util.mjs';

const started = [];
const cleanups = [];
/** Every process group this run created, alive or not: what leftover checks look for. */
export const ourProcessGroups = new Set();

/** Spawns `cmd` detached in its own process group, output appended to `logFile`. */
export function spawnGroup(name, cmd, args, { cwd, env, logFile, tmpDir }) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const entry = { name, child, tmpDir };
  started.push(entry);
  ourProcessGroups.add(child.pid);
  return entry;
}

/** Registers an async cleanup (browser.close, server.close) run by stopAll. */
export function onCleanup(fn) {
  cleanups.push(fn);
}

export function isRunning(entry) {
  return entry.child.exitCode === null && entry.child.signalCode === null;
}

export async function stopGroup(entry, { graceMs = 8000 } = {}) {
  const i = started.indexOf(entry);
  if (i >= 0) started.splice(i, 1);
  let how = 'already exited';
  if (isRunning(entry)) {
    const exited = new Promise((resolve) => entry.child.once('exit', resolve));
    try { process.kill(-entry.child.pid, 'SIGTERM'); } catch { try { entry.child.kill('SIGTERM'); } catch { /* gone */ } }
    how = await Promise.race([exited.then(() => 'SIGTERM'), sleep(graceMs).then(() => 'timeout')]);
    if (how === 'timeout') {
      try { process.kill(-entry.child.pid, 'SIGKILL'); } catch { /* gone */ }
      await Promise.race([exited, sleep(3000)]);
      how = 'SIGKILL';
    }
  }
  // Children of the group that outlived the leader (an extension host that ignored
  // SIGTERM) still carry the group id: make sure nothing of ours is left.
  try { process.kill(-entry.child.pid, 0); process.kill(-entry.child.pid, 'SIGKILL'); } catch { /* group empty */ }
  if (entry.tmpDir) fs.rmSync(entry.tmpDir, { recursive: true, force: true });
  return how;
}

export async function stopAll() {
  for (const fn of cleanups.splice(0).reverse()) {
    try { await fn(); } catch { /* best effort: keep stopping the rest */ }
  }
  for (const entry of [...started]) await stopGroup(entry);
}

let handlersInstalled = false;
export function installSignalHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, async () => {
      console.error(`\n[e2e] ${sig}: stopping everything this run started`);
      await stopAll();
      process.exit(130);
    });
  }
}
