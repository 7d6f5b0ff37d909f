import type { Example } from '../data/example';

/**
 * The offline simulator is a stand-in for a model's *behaviour*, not a solver: it cannot
 * work out a question's answer. When it "gets an example right" it needs the gold answer
 * from somewhere, so the runner hands it this key, built from the task's own examples.
 * Whether an answer is right is decided by the prompt's quality and the example's
 * difficulty (see forwardSimulator.ts), never by the key.
 */
export interface AnswerKey {
  /** The gold answer of the example whose input appears in `text`, if any. */
  lookup(text: string): { input: string; gold: string } | undefined;
}

export function answerKeyFromExamples(examples: readonly Pick<Example, 'input' | 'gold'>[]): AnswerKey {
  const exact = new Map<string, string>();
  for (const e of examples) if (e.input.trim()) exact.set(e.input.trim(), e.gold);
  // Longest first, so an input that contains a shorter one wins the substring search.
  const byLength = [...exact.keys()].sort((a, b) => b.length - a.length);
  return {
    lookup(text: string) {
      const t = text.trim();
      const direct = exact.get(t) ?? exact.get(t.replace(/^Question:\s*/i, ''));
      if (direct !== undefined) return { input: t.replace(/^Question:\s*/i, ''), gold: direct };
      for (const input of byLength) if (t.includes(input)) return { input, gold: exact.get(input)! };
      return undefined;
    },
  };
}
