import type { FinishReason } from '../llm/chatModel';
import { TAG } from './markers';

/**
 * Reads the new prompt out of an update reply. The reference takes the text after the
 * first opening tag up to the next closing tag and crashes when there is none. We do the
 * same in the common case, and also: accept tag spelling with stray spaces or case;
 * when the current prompt itself contains the closing tag literally (a prompt about
 * prompts), skip that many closing tags so the prompt is not cut in the middle; and
 * accept a reply that opened the tag but forgot to close it, unless the reply was
 * truncated (finish reason `length`).
 */

export type UpdateParse = { ok: true; text: string } | { ok: false; reason: string };

const OPEN = new RegExp(`<\\s*${TAG.improved}\\s*>`, 'i');
const CLOSE = new RegExp(`<\\s*/\\s*${TAG.improved}\\s*>`, 'gi');

function countMatches(re: RegExp, text: string): number {
  return [...text.matchAll(new RegExp(re.source, 'gi'))].length;
}

export function parseUpdateReply(reply: string, currentPrompt: string, finishReason: FinishReason = 'stop'): UpdateParse {
  const open = OPEN.exec(reply);
  if (!open) return { ok: false, reason: `the reply has no <${TAG.improved}> tag` };
  const from = open.index + open[0].length;
  const rest = reply.slice(from);
  const closes = [...rest.matchAll(CLOSE)];
  const inPrompt = countMatches(CLOSE, currentPrompt);
  let body: string;
  if (closes.length === 0) {
    if (finishReason === 'length') return { ok: false, reason: `the reply was cut off (length limit) before </${TAG.improved}>` };
    body = rest;
  } else {
    // A prompt that mentions the closing tag n times should appear whole: take the (n+1)th.
    const close = closes[Math.min(inPrompt, closes.length - 1)];
    body = rest.slice(0, close.index);
  }
  const text = body.trim();
  if (!text) return { ok: false, reason: `the text between the ${TAG.improved} tags is empty` };
  return { ok: true, text };
}

/**
 * Above this a candidate is refused even when it is under 100× the current prompt: the
 * sentence diff of a long prompt against a very long, different reply takes time
 * quadratic in its sentences (seconds at 200 000 characters, minutes at 1 000 000), and a
 * hostile or broken server must not be able to stall the run with one reply.
 */
export const MAX_CANDIDATE_CHARS = 100_000;

/** Built-in sanity checks of a candidate before any caller-supplied validation. */
export function builtInCandidateProblem(candidate: string, current: string): string | null {
  if (!candidate.trim()) return 'the candidate is empty';
  const limit = Math.max(current.length, 1) * 100;
  if (candidate.length > limit) return `the candidate is ${candidate.length} characters, more than 100× the current prompt (${current.length})`;
  const absolute = Math.max(MAX_CANDIDATE_CHARS, current.length * 2);
  if (candidate.length > absolute) return `the candidate is ${candidate.length} characters, more than the ${absolute} a prompt may grow to`;
  return null;
}
