import type { ChatMessage } from '../llm/chatModel';
import type { RequestKind } from '../dlpo/markers';
import { hashUnit } from './hash';
import type { FeatureId } from './promptFeatures';
import { FEATURES, analyzePrompt, featureById, featuresNamedIn } from './promptFeatures';
import { extractAllTags, extractTag, promptUnderReview, verdictIsWrong } from './requestParts';
import { updateReply } from './updateSimulator';

/**
 * The backward behaviour of the offline simulator: critiques, prompt feedback, summaries
 * and updates in the formats the trainer asks for. Critiques name a feature the prompt
 * under review lacks, so the feedback is "right" about what the forward simulator
 * rewards; which missing feature a given critique names varies with the example, with
 * the most important one named most often.
 */

function pickMissing(missing: FeatureId[], seed: number, key: string): FeatureId | undefined {
  if (missing.length === 0) return undefined;
  const u = hashUnit(seed, 'critique', key);
  // u² leans towards the front of the list (the most important missing feature).
  return missing[Math.min(missing.length - 1, Math.floor(u * u * missing.length))];
}

function critique(text: string, seed: number): string {
  const prompt = promptUnderReview(text) ?? text;
  const { missing } = analyzePrompt(prompt);
  if (!verdictIsWrong(extractTag(text, 'METRIC_VERDICT') ?? text)) {
    return 'The answer is correct and clearly derived; the prompt worked for this example. Keep its current instructions.';
  }
  const output = extractTag(text, 'LM_OUTPUT');
  // An answer without the "Answer:" line is a format failure first, as a real critic would see it.
  const formatFailure = output !== undefined && !/answer:/i.test(output) && missing.includes('answer-format');
  const id = formatFailure ? 'answer-format' : pickMissing(missing, seed, text);
  if (!id) return 'The answer is wrong although the prompt covers the usual instructions; the error looks like a one-off slip.';
  return featureById(id).critique;
}

function promptGradient(text: string, seed: number): string {
  const prompt = promptUnderReview(text) ?? '';
  const named = featuresNamedIn(text);
  const { missing } = analyzePrompt(prompt || text);
  const id = named.find((f) => missing.includes(f)) ?? pickMissing(missing, seed, text);
  if (!id) return 'The system prompt already covers what this answer needed; no change to the prompt is indicated by this example.';
  const f = featureById(id);
  return `To fix this, the system prompt should ${f.advice}. ${f.critique}`;
}

function summary(text: string): string {
  const blocks = extractAllTags(text, 'FEEDBACK');
  const pieces = blocks.length > 0 ? blocks : text.split('\n');
  const counts = FEATURES.map((f) => ({ f, n: pieces.filter((p) => featuresNamedIn(p).includes(f.id)).length })).filter((x) => x.n > 0);
  counts.sort((a, b) => b.n - a.n);
  if (counts.length === 0) return 'The feedback does not point at a specific weakness of the system prompt; make it clearer and more specific.';
  const lines = counts.map(({ f, n }) => `- ${f.advice} (raised ${n} time${n === 1 ? '' : 's'}): ${f.critique}`);
  return `Across the feedback, the system prompt should:\n${lines.join('\n')}`;
}

function judge(text: string): string {
  return verdictIsWrong(text) ? 'Score: 0\nThe answer does not meet the rubric.' : 'Score: 1\nThe answer meets the rubric.';
}

export function answerBackward(kind: RequestKind, messages: readonly ChatMessage[], seed: number): string {
  const text = messages.map((m) => m.content).join('\n\n');
  switch (kind) {
    case 'critique':
      return critique(text, seed);
    case 'promptGradient':
      return promptGradient(text, seed);
    case 'summary':
      return summary(text);
    case 'update':
      return updateReply(text, seed);
    case 'judge':
      return judge(text);
  }
}
