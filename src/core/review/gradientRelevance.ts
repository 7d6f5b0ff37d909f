import { segmentSentences } from '../prompt/sentences';

/**
 * The sentences of a step's gradient most related to one changed sentence, by plain
 * word overlap (shared content words, weighted by how rare they are in the gradient).
 * It is a pointer for the reader, not attribution: the update model saw the whole
 * gradient, and the overlap only says which part talks about the same things.
 */
export interface RelatedGradientSentence {
  text: string;
  /** Shared content words, in the order they appear in the gradient sentence. */
  shared: string[];
  score: number;
}

const STOP_WORDS = new Set(
  (
    'the a an and or but if then else of to in on at by for with from as is are was were be been being it its this that these those ' +
    'you your we our they their he she his her them i me my not no do does did done can could should would will may might must shall ' +
    'so than too very just also into onto over under about more most less least such each every any all some one two which who whom ' +
    'what when where why how there here have has had make makes made use uses used answer question prompt sentence'
  ).split(' '),
);

export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 2 && !STOP_WORDS.has(w));
}

export function relatedGradientSentences(sentence: string, gradient: string, limit = 2): RelatedGradientSentence[] {
  const target = new Set(contentWords(sentence));
  if (target.size === 0) return [];
  const units = segmentSentences(gradient).map((u) => ({ text: u.text, words: contentWords(u.text) }));
  const documentFrequency = new Map<string, number>();
  for (const u of units) for (const w of new Set(u.words)) documentFrequency.set(w, (documentFrequency.get(w) ?? 0) + 1);
  const scored: RelatedGradientSentence[] = [];
  for (const u of units) {
    const shared = [...new Set(u.words.filter((w) => target.has(w)))];
    if (shared.length === 0) continue;
    const weight = shared.reduce((sum, w) => sum + 1 / (documentFrequency.get(w) ?? 1), 0);
    scored.push({ text: u.text, shared, score: weight / Math.sqrt(new Set(u.words).size) });
  }
  return scored.sort((p, q) => q.score - p.score).slice(0, limit);
}
