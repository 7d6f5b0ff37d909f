/**
 * What the offline simulator "likes" in a system prompt. Its forward accuracy is a
 * function of these features, so that an optimizer which adds them (because the backward
 * simulator's critiques name them) visibly improves the score, and one that bloats or
 * contradicts the prompt is visibly punished. The weights are invented; they model the
 * shape of real behaviour (chain of thought and an explicit answer format help, noise
 * hurts), not any particular model.
 */

export type FeatureId = 'step-by-step' | 'answer-format' | 'check-arithmetic' | 'restate-quantities' | 'units' | 'read-carefully';

export interface PromptFeature {
  id: FeatureId;
  /** How much quality the feature adds when present. */
  weight: number;
  /** Recognises the feature in a prompt. */
  pattern: RegExp;
  /** The sentence the update simulator adds to supply the feature. */
  sentence: string;
  /** A clause the update simulator appends to an existing sentence instead (a "modify" edit). */
  clause: string;
  /** What a critique says when the feature is missing. */
  critique: string;
  /** Short name used in summaries and in feedback the update reads back. */
  advice: string;
}

/** Ordered by how much they matter: critiques and updates address the first missing one first. */
export const FEATURES: readonly PromptFeature[] = [
  {
    id: 'step-by-step',
    weight: 0.22,
    pattern: /step[- ]by[- ]step|show (your|the|each|all) (work|steps|reasoning|calculations?)|reason through|work through/i,
    sentence: 'Solve the problem step by step, showing each intermediate calculation.',
    clause: 'working step by step',
    critique:
      'The prompt never asks for step-by-step reasoning, so the answer jumped to a number without intermediate calculations and the error went unnoticed.',
    advice: 'ask for step-by-step reasoning',
  },
  {
    id: 'answer-format',
    weight: 0.1,
    pattern: /answer:\s*(\$|<|\{|\[|the |a |your )?/i,
    sentence: 'End with a final line of the form "Answer: <number>".',
    clause: 'and end with a final line "Answer: <number>"',
    critique:
      'The prompt does not state the answer format, so the final number is not clearly marked and is hard to extract; it should require a last line "Answer: <number>".',
    advice: 'state the "Answer:" format',
  },
  {
    id: 'check-arithmetic',
    weight: 0.15,
    pattern: /double[- ]check|verify|re-?check|check (your|each|every|the|all) (arithmetic|calculations?|work|answer|steps?)/i,
    sentence: 'Double-check every arithmetic operation before giving the final answer.',
    clause: 'and double-check the arithmetic',
    critique: 'The answer contains an arithmetic slip that a final check would have caught; the prompt does not ask the model to verify its calculations.',
    advice: 'ask to double-check the arithmetic',
  },
  {
    id: 'restate-quantities',
    weight: 0.12,
    pattern: /(restat|list|identify|extract|write down|note)\w* (all |each |the )?(given |relevant |known )?(quantities|numbers|values|facts)/i,
    sentence: 'Begin by restating the quantities given in the question and what is being asked.',
    clause: 'after restating the given quantities',
    critique: 'The answer misread one of the quantities in the question; the prompt should ask the model to restate the given quantities before computing.',
    advice: 'restate the given quantities first',
  },
  {
    id: 'units',
    weight: 0.08,
    pattern: /\bunits?\b/i,
    sentence: 'Keep track of units such as dollars, hours and items, converting them where needed.',
    clause: 'keeping track of units',
    critique: 'The answer mixed up units (for example minutes and hours); the prompt gives no instruction to track units.',
    advice: 'keep track of units',
  },
  {
    id: 'read-carefully',
    weight: 0.05,
    pattern: /read (the (question|problem)|carefully)|what (is|the question is) (being )?asked/i,
    sentence: 'Read the question carefully to see exactly what is asked.',
    clause: 'after reading the question carefully',
    critique: 'The answer solved a slightly different question than the one asked; the prompt should ask the model to read the question carefully.',
    advice: 'read the question carefully',
  },
];

/** Sentences that add length but nothing else: what regularisation should prune. */
export const FILLER_SENTENCES: readonly string[] = [
  'Make sure your answer is accurate.',
  'Always do your best on every problem.',
  'Be careful and precise.',
  'Accuracy is very important.',
  'Take the task seriously.',
];

/** Instructions that fight step-by-step reasoning: a prompt holding both is self-contradicting. */
const CONTRADICTS_REASONING = /do not (explain|show)|no explanations?|answer only with|only (output|give|write) the (number|answer)|without (any )?(explanation|reasoning)/i;

const BASE_QUALITY = 0.18;
const MIN_QUALITY = 0.05;
const MAX_QUALITY = 0.95;
const LONG_PROMPT_WORDS = 150;

export interface PromptAnalysis {
  present: FeatureId[];
  missing: FeatureId[];
  words: number;
  fillers: number;
  duplicates: number;
  contradiction: boolean;
  /** In [MIN_QUALITY, MAX_QUALITY]: the fraction of examples the forward simulator gets right. */
  quality: number;
}

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function normalizeSentence(s: string): string {
  return s
    .toLowerCase()
    .replace(/^[-*\d.)\s]+/, '')
    .replace(/[^a-z0-9: ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function isFiller(sentence: string): boolean {
  const n = normalizeSentence(sentence);
  return FILLER_SENTENCES.some((f) => normalizeSentence(f) === n);
}

export function analyzePrompt(prompt: string): PromptAnalysis {
  const present: FeatureId[] = [];
  const missing: FeatureId[] = [];
  let quality = BASE_QUALITY;
  for (const f of FEATURES) {
    if (f.pattern.test(prompt)) {
      present.push(f.id);
      quality += f.weight;
    } else {
      missing.push(f.id);
    }
  }
  const sentences = splitSentences(prompt);
  const words = prompt.split(/\s+/).filter(Boolean).length;
  const fillers = sentences.filter(isFiller).length;
  const seen = new Set<string>();
  let duplicates = 0;
  for (const s of sentences) {
    const n = normalizeSentence(s);
    if (n && seen.has(n)) duplicates++;
    seen.add(n);
  }
  const contradiction = present.includes('step-by-step') && CONTRADICTS_REASONING.test(prompt);
  if (words > LONG_PROMPT_WORDS) quality -= Math.min(0.3, (words - LONG_PROMPT_WORDS) / 400);
  quality -= 0.03 * fillers + 0.04 * duplicates;
  if (contradiction) quality -= 0.2;
  quality = Math.max(MIN_QUALITY, Math.min(MAX_QUALITY, quality));
  return { present, missing, words, fillers, duplicates, contradiction, quality: Math.round(quality * 1000) / 1000 };
}

export function featureById(id: FeatureId): PromptFeature {
  const f = FEATURES.find((x) => x.id === id);
  if (!f) throw new Error(`unknown simulator feature ${id}`);
  return f;
}

/** Features whose critique or advice text appears in a piece of feedback, most important first. */
export function featuresNamedIn(feedback: string): FeatureId[] {
  const lower = feedback.toLowerCase();
  return FEATURES.filter((f) => lower.includes(f.advice.toLowerCase()) || lower.includes(f.critique.slice(0, 40).toLowerCase())).map((f) => f.id);
}
