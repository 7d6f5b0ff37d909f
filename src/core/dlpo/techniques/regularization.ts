import type { MethodOptions, TechniqueOptions } from '../../config/runConfig';
import { estimateTokens } from '../../llm/tokens';
import { segmentSentences } from '../../prompt/sentences';

/**
 * TRegu, textual regularisation: ask the update to simplify over-long sentences (the
 * L2 analogue: shrink every weight) and delete sentences with no or a negative effect
 * (the L1 analogue: drive useless weights to zero). The reference only turns it on once
 * the contrastive memory holds ≥ 16 entries (so it silently depends on TCL);
 * `regularizeNeedsMemory` reproduces that, otherwise it starts at `regularizeFromStep`.
 */

export interface RegularizationOptions {
  fromStep: number;
  needsMemory: boolean;
}

export const REFERENCE_MEMORY_THRESHOLD = 16;

export function regularizationOptions(t: TechniqueOptions, m: MethodOptions): RegularizationOptions | null {
  return t.regularize ? { fromStep: t.regularizeFromStep, needsMemory: m.regularizeNeedsMemory } : null;
}

export function regularizationActive(o: RegularizationOptions | null, step: number, memoryEntries: number): boolean {
  if (!o) return false;
  if (o.needsMemory) return memoryEntries >= REFERENCE_MEMORY_THRESHOLD;
  return step >= o.fromStep;
}

export function regularizationInstruction(): string {
  return [
    'Keep the prompt lean: shorten sentences that are longer or more convoluted than they need to be (as L2 regularisation shrinks every weight).',
    'Remove a sentence outright when you are sure it adds nothing or does harm (as L1 regularisation sets useless weights to zero).',
  ].join('\n');
}

/** Prompt length for the `prompt-length` event: sentence units and estimated tokens. */
export function promptLength(text: string): { sentences: number; tokens: number } {
  return { sentences: segmentSentences(text).length, tokens: estimateTokens(text) };
}
