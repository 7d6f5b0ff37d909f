/**
 * The loopback OpenAI-compatible server (test/support/loopbackServer.ts) in its own
 * process, so its CPU time is not charged to the engine under measurement (a real
 * provider is on another machine). Forward calls are answered from the dataset's gold,
 * wrong for a fraction that shrinks as the system prompt gains what the offline
 * simulator rewards; backward calls get the simulator's backward replies, streamed at a
 * fixed rate. Every reply waits `latencyMs` first (time to first byte).
 *
 * Started by remoteServer.ts with `fork`; options come as JSON in argv[2]; it answers
 * `requests`, `reset` and `close` messages over IPC.
 */
import * as fs from 'node:fs';
import { requestKindOf } from '../../src/core/dlpo/markers';
import type { ChatMessage } from '../../src/core/llm/chatModel';
import { answerBackward } from '../../src/core/simulator/backwardSimulator';
import { analyzePrompt } from '../../src/core/simulator/promptFeatures';
import { extractTag } from '../../src/core/simulator/requestParts';
import { answerFromGold, startLoopbackServer, type Reply } from '../../test/support/loopbackServer';

export interface ServerOptions {
  dataFile: string;
  /** Injected before every reply (forward and backward). */
  latencyMs: number;
  /** Backward replies are streamed at this many chunks (≈ tokens: words) per second; 0 = at once. */
  backwardTokensPerSecond: number;
  seed: number;
}

/** One request as the benchmarks need it (no bodies: they can be large). */
export interface RequestSummary {
  index: number;
  kind: string;
  stream: boolean;
  receivedAt: number;
  endedAt: number | null;
  /** The example of a critique / feedback request (its LM_INPUT), or of a forward call (the question). */
  example: string;
  /** The system prompt of a forward call. */
  system: string;
  /** Frames × gap: how long the stream itself takes at the configured rate (0 when not streamed). */
  nominalStreamMs: number;
  completionWords: number;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
const rows = fs
  .readFileSync(opts.dataFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { question: string; answer: string });
const gapMs = opts.backwardTokensPerSecond > 0 ? 1000 / opts.backwardTokensPerSecond : 0;
const forward = answerFromGold({ items: rows.map((r) => ({ input: r.question, gold: r.answer })), wrongFraction: (system) => 1 - analyzePrompt(system).quality });
const extra = new Map<number, { kind: string; nominalStreamMs: number; completionWords: number; example: string; system: string }>();

function frames(text: string, streamUsage: boolean): number {
  const chunks = text.length === 0 ? 0 : (text.match(/\s*\S+/g) ?? [text]).length;
  return 1 + chunks + 1 + (streamUsage ? 1 : 0);
}

async function main(): Promise<void> {
  const server = await startLoopbackServer({
    script: async (req) => {
      const kind = requestKindOf(req.chat.system || undefined);
      const body = req.body as { stream_options?: { include_usage?: boolean } };
      if (kind) {
        const text = answerBackward(kind, req.chat.messages as ChatMessage[], opts.seed);
        const r: Reply = { type: 'text', text, delayMs: opts.latencyMs, ...(gapMs > 0 ? { stream: { tokensPerSecond: opts.backwardTokensPerSecond } } : {}) };
        extra.set(req.index, {
          kind,
          nominalStreamMs: req.chat.stream && gapMs > 0 ? frames(text, body.stream_options?.include_usage === true) * gapMs : 0,
          completionWords: (text.match(/\s*\S+/g) ?? []).length,
          example: extractTag(req.chat.lastUser, 'LM_INPUT') ?? '',
          system: '',
        });
        return r;
      }
      const r = await forward(req);
      const text = r.type === 'text' ? r.text : '';
      extra.set(req.index, { kind: 'forward', nominalStreamMs: 0, completionWords: (text.match(/\s*\S+/g) ?? []).length, example: req.chat.lastUser.split('\n')[0], system: req.chat.system });
      return opts.latencyMs && r.type === 'text' ? { ...r, delayMs: opts.latencyMs } : r;
    },
  });
  process.on('message', async (msg: { cmd: string; id: number }) => {
    if (msg.cmd === 'requests') {
      const list: RequestSummary[] = server.chatRequests().map((r) => {
        const e = extra.get(r.index);
        return {
          index: r.index,
          kind: e?.kind ?? 'unknown',
          stream: r.chat?.stream ?? false,
          receivedAt: r.receivedAt,
          endedAt: r.endedAt ?? null,
          example: e?.example ?? '',
          system: e?.system ?? '',
          nominalStreamMs: e?.nominalStreamMs ?? 0,
          completionWords: e?.completionWords ?? 0,
        };
      });
      process.send!({ id: msg.id, requests: list, maxInFlight: server.maxInFlight });
    } else if (msg.cmd === 'reset') {
      server.reset();
      extra.clear();
      process.send!({ id: msg.id, ok: true });
    } else if (msg.cmd === 'close') {
      await server.close();
      process.send!({ id: msg.id, ok: true });
      process.disconnect();
      process.exit(0);
    }
  });
  process.send!({ ready: true, baseUrl: server.baseUrl });
}

void main();
