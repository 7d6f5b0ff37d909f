import * as fs from 'node:fs';
import * as path from 'node:path';
import { requestKindOf, type RequestKind } from '../../../src/core/dlpo/markers';
import type { RunEvent, RunEventOf } from '../../../src/core/run/events';
import { startLoopbackServer, type ChatRequestView, type LoopbackServer, type RecordedRequest, type Reply } from '../../support/loopbackServer';
import { dlpoScript, readDataset } from '../run/runSupport';

/**
 * A loopback server with real DLPO dynamics (runSupport's `dlpoScript`) whose behaviour
 * the test can switch at any moment: answer normally, hang every new request until the
 * client goes away, or fail every new request with a given error reply. Switching is how
 * the reliability tests put a fault in the middle of a run ("from step 2 on").
 */

/** `times`: fault only that many requests, then answer normally again. */
export type FaultMode = { kind: 'ok' } | { kind: 'hang'; times?: number } | { kind: 'reply'; reply: Reply; times?: number };

export type ChatRequest = RecordedRequest & { chat: ChatRequestView };

export interface FaultServer {
  server: LoopbackServer;
  mode: FaultMode;
  /**
   * Switches `mode` at the server, on the first request `when` accepts (that request
   * already gets the new mode): a fault placed exactly, e.g. "from the first update
   * request of step 2 on", with no race against a test polling the journal.
   */
  armed?: { when: (req: ChatRequest) => boolean; mode: FaultMode };
  /** Indices (server.requests) of the requests answered with a fault. */
  faulted: number[];
}

/** Accepts the `n`th (1-based) backward request of `kind` (`update`: one per step that reaches the update). */
export function nthRequestOf(kind: RequestKind, n: number): (req: ChatRequest) => boolean {
  let seen = 0;
  return (req) => requestKindOf(req.chat.system || undefined) === kind && ++seen === n;
}

export async function startFaultServer(delayMs = 0, models?: string[]): Promise<FaultServer> {
  const normal = dlpoScript(readDataset(), 5, delayMs);
  const state: FaultServer = { server: undefined as unknown as LoopbackServer, mode: { kind: 'ok' }, faulted: [] };
  state.server = await startLoopbackServer({
    script: async (req) => {
      if (state.armed && state.armed.when(req)) {
        state.mode = state.armed.mode;
        state.armed = undefined;
      }
      const mode = state.mode;
      if (mode.kind === 'ok') return normal(req);
      state.faulted.push(req.index);
      if (mode.times !== undefined && --mode.times <= 0) state.mode = { kind: 'ok' };
      return mode.kind === 'hang' ? { type: 'hang' } : mode.reply;
    },
    ...(models ? { models } : {}),
  });
  return state;
}

export function only<T extends RunEvent['type']>(events: RunEvent[], type: T): RunEventOf<T>[] {
  return events.filter((e): e is RunEventOf<T> => e.type === type);
}

/** The single run folder under `<ws>/<out>`, or undefined while none exists. */
export function runDirUnder(ws: string, out: string): string | undefined {
  const root = path.join(ws, out);
  if (!fs.existsSync(root)) return undefined;
  const dirs = fs.readdirSync(root);
  return dirs[0] ? path.join(root, dirs[0]) : undefined;
}
