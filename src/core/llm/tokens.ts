import type { ChatMessage } from './chatModel';

/**
 * A cheap token estimate, used where the server gave no usage and by budgets to price
 * a call before making it. English BPE tokenizers average about four characters per
 * token; we round up and add a small per-message overhead (role and separators) so the
 * estimate errs on the high side: a budget that over-estimates stops early, never late.
 */
const CHARS_PER_TOKEN = 4;
const PER_MESSAGE_OVERHEAD = 4;
const PER_REQUEST_OVERHEAD = 3;

export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/**
 * The most tokens a prompt can be for any byte-level BPE tokenizer (each token covers at
 * least one byte of UTF-8), plus the same overheads: what a budget reserves, so a cap holds
 * whatever the text is (digits, punctuation and non-Latin scripts take more tokens than
 * the four-characters-per-token estimate).
 */
export function maxPromptTokens(messages: readonly ChatMessage[]): number {
  let total = PER_REQUEST_OVERHEAD;
  for (const m of messages) total += PER_MESSAGE_OVERHEAD + Buffer.byteLength(m.content, 'utf8');
  return total;
}

export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  let total = PER_REQUEST_OVERHEAD;
  for (const m of messages) total += PER_MESSAGE_OVERHEAD + estimateTokens(m.content);
  return total;
}
