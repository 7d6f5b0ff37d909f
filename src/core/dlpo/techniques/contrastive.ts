import type { TechniqueOptions } from '../../config/runConfig';

/**
 * TCL, textual contrastive learning: a memory of (prompt, training accuracy), best
 * first, fed by every step's prompt and every candidate TSA rejected. With ≥ 2 entries:
 * if best − worst ≥ gap both are shown and the update is asked to adopt what makes the
 * better one better and drop what marks the poorer one (the paper's G + F⁺ − F⁻);
 * otherwise only the best is shown. The reference re-inserts the same prompt on every
 * rejected step; we keep one entry per prompt text unless `keepDuplicates` asks for
 * the reference's behaviour.
 */

export interface ContrastiveEntry {
  prompt: string;
  /** Accuracy on the full training set. */
  score: number;
  /** The step that produced it (0 = the initial prompt). */
  step: number;
}

export interface ContrastiveOptions {
  gap: number;
  keepDuplicates: boolean;
}

export function contrastiveOptions(t: TechniqueOptions, keepDuplicates: boolean): ContrastiveOptions | null {
  return t.contrastive ? { gap: t.contrastiveGap, keepDuplicates } : null;
}

/** Inserts an entry keeping the memory sorted best first; ties keep insertion order (stable, as Python's sort). */
export function rememberPrompt(memory: readonly ContrastiveEntry[], entry: ContrastiveEntry, keepDuplicates: boolean): ContrastiveEntry[] {
  if (!keepDuplicates && memory.some((e) => e.prompt === entry.prompt)) return memory.slice();
  const out = [...memory, entry];
  return out.map((e, i) => ({ e, i })).sort((p, q) => q.e.score - p.e.score || p.i - q.i).map((x) => x.e);
}

export interface ContrastiveView {
  best: ContrastiveEntry;
  /** Null when the gap is too small (only the best is shown). */
  worst: ContrastiveEntry | null;
}

export function contrastiveView(memory: readonly ContrastiveEntry[], gap: number): ContrastiveView | null {
  if (memory.length < 2) return null;
  const best = memory[0];
  const worst = memory[memory.length - 1];
  // A tiny tolerance so a 0.15 gap computed as 0.14999999 still counts.
  return { best, worst: best.score - worst.score >= gap - 1e-9 ? worst : null };
}

const fmt = (x: number) => x.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');

export function contrastiveInstruction(view: ContrastiveView): string {
  return view.worst
    ? 'On the training set, the earlier prompt in BETTER_PROMPT scored higher than the one in POOR_PROMPT (both inside the CONTRASTIVE block, with their training accuracy). Work out what sets the better one apart and keep it; work out what the poorer one does that the better one does not, and avoid it.'
    : 'BETTER_PROMPT inside the CONTRASTIVE block is the earlier prompt that scored best on the training set, with its accuracy: look at what it does well and carry that over.';
}

export function contrastiveList(view: ContrastiveView): string {
  const better = `<BETTER_PROMPT train_accuracy="${fmt(view.best.score)}">\n${view.best.prompt}\n</BETTER_PROMPT>`;
  if (!view.worst) return better;
  return `${better}\n<POOR_PROMPT train_accuracy="${fmt(view.worst.score)}">\n${view.worst.prompt}\n</POOR_PROMPT>`;
}
