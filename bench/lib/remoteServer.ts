import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { RequestSummary, ServerOptions } from './serverProcess';

/** The parent's handle on serverProcess.ts: start, read the recorded requests, reset, close. */
export interface RemoteServer {
  baseUrl: string;
  requests(): Promise<{ requests: RequestSummary[]; maxInFlight: number }>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startRemoteServer(options: ServerOptions): Promise<RemoteServer> {
  const child: ChildProcess = fork(path.join(__dirname, 'serverProcess.ts'), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, (m: Record<string, unknown>) => void>();
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('loopback server process did not start within 30 s')), 30_000);
    child.once('error', reject);
    child.on('message', (m: Record<string, unknown>) => {
      if (m.ready) {
        clearTimeout(timer);
        resolve(String(m.baseUrl));
      } else if (typeof m.id === 'number') {
        pending.get(m.id)?.(m);
        pending.delete(m.id);
      }
    });
  });
  const ask = (cmd: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`loopback server process: no answer to ${cmd}`)), 30_000);
      pending.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.send({ cmd, id });
    });
  return {
    baseUrl,
    async requests() {
      const m = await ask('requests');
      return { requests: m.requests as RequestSummary[], maxInFlight: m.maxInFlight as number };
    },
    async reset() {
      await ask('reset');
    },
    async close() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        await ask('close');
      } catch {
        child.kill('SIGKILL');
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
