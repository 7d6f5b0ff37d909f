// The loopback model the UI journey talks to: forward calls are answered from the
// sample dataset's gold answers (wrong for a deterministic fraction that shrinks once
// the prompt carries a candidate sentence, so candidates really score better), and
// backward calls are answered in kind, with recognisable markers so the driver can
// find the gradient in the panel and the candidate in the editor and on disk.
// Loaded by test/e2e/run.mjs through tsx; talks to 127.0.0.1 only.
import * as fs from 'node:fs';
import { requestKindOf, TAG } from '../../../src/core/dlpo/markers';
import { answerFromGold, reply, startLoopbackServer, type LoopbackServer, type ScriptFn } from '../../support/loopbackServer';

export const GRADIENT_MARKER = 'E2E gradient';
export const CANDIDATE_MARKER = 'E2E candidate';

export interface JourneyModel {
  server: LoopbackServer;
  /** The sentence each candidate adds, by update number (1-based). */
  candidateSentence(n: number): string;
  /** How many update (candidate) requests were answered so far. */
  updates(): number;
  /** Chat requests received, by kind ('forward' for task calls). */
  countsByKind(): Record<string, number>;
  /** How fast backward replies stream from now on. */
  setStreamTokensPerSecond(tps: number): void;
}

function between(text: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`).exec(text);
  return m?.[1];
}

export function candidateSentence(n: number): string {
  return `${CANDIDATE_MARKER} ${n}: check every arithmetic step once more before writing the final answer.`;
}

/** Reads `{question, answer}` JSONL rows into gold items. */
export function goldItemsFromJsonl(file: string): { input: string; gold: string }[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => {
    const row = JSON.parse(l) as { question: string; answer: string | number };
    return { input: row.question, gold: String(row.answer) };
  });
}

export async function startJourneyModel(opts: { datasetFile: string; gradientTokensPerSecond?: number }): Promise<JourneyModel> {
  let updates = 0;
  let gradients = 0;
  const counts: Record<string, number> = {};
  // Slow enough that the panel can be seen filling in, fast enough to keep the suite short.
  const stream = { tokensPerSecond: opts.gradientTokensPerSecond ?? 20 };
  const forward = answerFromGold({
    items: goldItemsFromJsonl(opts.datasetFile),
    wrongFraction: (system) => (system.includes(CANDIDATE_MARKER) ? 0.15 : 0.6),
  });
  const script: ScriptFn = (req) => {
    const kind = requestKindOf(req.chat.system) ?? 'forward';
    counts[kind] = (counts[kind] ?? 0) + 1;
    switch (kind) {
      case 'forward':
        return forward(req);
      case 'critique':
        return reply.text(`${GRADIENT_MARKER} (critique): the answer skipped a step of the calculation and so reached the wrong total.`, { stream });
      case 'promptGradient':
        gradients += 1;
        return reply.text(
          `${GRADIENT_MARKER} ${gradients}: the system prompt should ask the model to verify each arithmetic step and to end with a line "Answer: <number>".`,
          { stream },
        );
      case 'summary':
        return reply.text(`${GRADIENT_MARKER} (summary): ask the model to re-check its arithmetic and to state the final number on its own line.`,
          { stream });
      case 'update': {
        updates += 1;
        const current = (between(req.chat.lastUser, TAG.currentPrompt) ?? '').trim();
        return reply.text(`<${TAG.improved}>\n${current}\n${candidateSentence(updates)}\n</${TAG.improved}>`);
      }
      case 'judge':
        return reply.text('Score: 1');
      default:
        return reply.error(500, { message: `journey model: no reply for ${kind}` });
    }
  };
  const server = await startLoopbackServer({ script, models: ['e2e-forward', 'e2e-backward'] });
  return {
    server,
    candidateSentence,
    updates: () => updates,
    countsByKind: () => ({ ...counts }),
    setStreamTokensPerSecond: (tps) => { stream.tokensPerSecond = tps; },
  };
}
