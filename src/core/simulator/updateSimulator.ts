import { TAG } from '../dlpo/markers';
import { hashIndex, hashUnit } from './hash';
import type { FeatureId } from './promptFeatures';
import { FILLER_SENTENCES, analyzePrompt, featureById, featuresNamedIn, isFiller, normalizeSentence, splitSentences } from './promptFeatures';
import { extractTag, learningRateOf } from './requestParts';

/**
 * The update behaviour of the offline simulator: it edits the current prompt the way a
 * helpful but imperfect model does. It adds (or weaves into an existing sentence) what
 * the feedback asks for, and with seeded probabilities it misbehaves in the ways the
 * DLPO techniques exist to correct: it sometimes pads the prompt with a filler sentence
 * (for regularisation and TSA to deal with), sometimes touches a sentence the dropout
 * block protected, and sometimes makes one edit more than its learning rate allows (the
 * trainer enforces both in code).
 */

const P_FILLER = 0.35;
const P_IGNORE_DROPOUT = 0.15;
const P_EXCEED_LR = 0.2;
const P_MODIFY_INSTEAD_OF_ADD = 0.3;
const DEFAULT_EDITS = 2;
const MAX_FIXES = 2;
/** Harmless rewordings for when the feedback asks for nothing the prompt lacks. */
const REPHRASE_CLAUSES = ['being precise', 'using the exact numbers given', 'stating each intermediate result'];

function firstMention(lowerFeedback: string, id: FeatureId): number {
  const f = featureById(id);
  const positions = [f.advice, f.critique.slice(0, 40)].map((p) => lowerFeedback.indexOf(p.toLowerCase())).filter((i) => i >= 0);
  return positions.length ? Math.min(...positions) : Number.MAX_SAFE_INTEGER;
}

export interface UpdateResult {
  prompt: string;
  /** What the simulator did, one phrase per edit, for the reply's preamble. */
  actions: string[];
}

function isProtected(sentence: string, dropoutBlock: string | undefined): boolean {
  if (!dropoutBlock) return false;
  const n = normalizeSentence(sentence);
  return n.length > 0 && normalizeSentence(dropoutBlock).includes(n);
}

function appendSentence(prompt: string, sentence: string): string {
  const trimmed = prompt.replace(/\s+$/, '');
  if (!trimmed) return sentence;
  const trailing = prompt.slice(trimmed.length);
  const lastLine = trimmed.slice(trimmed.lastIndexOf('\n') + 1);
  // Keep the document's shape: a list gets a list item, a multi-line prompt a new line.
  if (/^\s*[-*]\s/.test(lastLine)) return `${trimmed}\n${lastLine.match(/^\s*[-*]\s/)![0]}${sentence}${trailing}`;
  if (trimmed.includes('\n')) return `${trimmed}\n${sentence}${trailing}`;
  return `${trimmed} ${sentence}${trailing}`;
}

function removeSentence(prompt: string, sentence: string): string {
  const i = prompt.indexOf(sentence);
  if (i < 0) return prompt;
  let before = prompt.slice(0, i);
  let after = prompt.slice(i + sentence.length);
  // Drop one separator so no double blank or dangling space is left behind.
  if (/^[ \t]+/.test(after)) after = after.replace(/^[ \t]+/, '');
  else if (/[ \t]+$/.test(before)) before = before.replace(/[ \t]+$/, '');
  else if (after.startsWith('\n')) after = after.slice(1);
  return before + after;
}

function modifySentence(sentence: string, clause: string): string {
  const body = sentence.replace(/[.!?]+$/, '');
  return `${body}, ${clause}.`;
}

export function simulateUpdate(request: string, seed: number): UpdateResult {
  const current = extractTag(request, TAG.currentPrompt) ?? '';
  const feedback = extractTag(request, TAG.feedback) ?? request;
  const dropout = extractTag(request, TAG.dropout);
  const lr = learningRateOf(extractTag(request, TAG.learningRate));
  const regularize = extractTag(request, TAG.regularize) !== undefined;
  const u = (purpose: string) => hashUnit(seed, 'update', purpose, request);

  const analysis = analyzePrompt(current);
  // Like a model following feedback, it fixes what the feedback names, not everything it could.
  // At most MAX_FIXES points per update, in the order the feedback raises them (a summary lists the most frequent first).
  const lower = feedback.toLowerCase();
  const named = featuresNamedIn(feedback)
    .filter((f) => analysis.missing.includes(f))
    .sort((a, b) => firstMention(lower, a) - firstMention(lower, b));
  const targets: FeatureId[] = named.length > 0 ? named.slice(0, MAX_FIXES) : analysis.missing.slice(0, 1);
  let budget = lr && lr > 0 ? lr : DEFAULT_EDITS;
  if (lr && u('exceed-lr') < P_EXCEED_LR) budget += 1;
  const respectDropout = u('ignore-dropout') >= P_IGNORE_DROPOUT;

  let prompt = current;
  const actions: string[] = [];

  if (regularize) {
    // Regularisation: prune filler and repeated sentences first (the L1 analogue).
    const seen = new Set<string>();
    for (const s of splitSentences(prompt)) {
      if (actions.length >= budget) break;
      const n = normalizeSentence(s);
      const redundant = isFiller(s) || seen.has(n);
      seen.add(n);
      if (redundant && !(respectDropout && isProtected(s, dropout))) {
        prompt = removeSentence(prompt, s);
        actions.push(`removed the redundant sentence "${s}"`);
      }
    }
  }

  for (const id of targets) {
    if (actions.length >= budget) break;
    const feature = featureById(id);
    const editable = splitSentences(prompt).filter((s) => !(respectDropout && isProtected(s, dropout)) && !isFiller(s) && !s.startsWith('#'));
    const victim = editable.length > 0 ? editable[hashIndex(editable.length, seed, 'victim', id, request)] : undefined;
    if (victim && u(`modify-${id}`) < P_MODIFY_INSTEAD_OF_ADD) {
      prompt = prompt.replace(victim, modifySentence(victim, feature.clause));
      actions.push(`extended "${victim}" to ${feature.advice}`);
    } else {
      prompt = appendSentence(prompt, feature.sentence);
      actions.push(`added a sentence to ${feature.advice}`);
    }
  }

  if (targets.length === 0 && actions.length < budget) {
    // Nothing left to add: rephrase one sentence, as a model asked to "improve" always does something.
    const editable = splitSentences(prompt).filter(
      (s) => !(respectDropout && isProtected(s, dropout)) && !s.startsWith('#') && !REPHRASE_CLAUSES.some((c) => s.includes(c)),
    );
    if (editable.length > 0) {
      const s = editable[hashIndex(editable.length, seed, 'rephrase', request)];
      const clause = REPHRASE_CLAUSES[hashIndex(REPHRASE_CLAUSES.length, seed, 'rephrase-clause', request)];
      prompt = prompt.replace(s, modifySentence(s, clause));
      actions.push(`rephrased "${s}"`);
    }
  }

  if (!regularize && u('filler') < P_FILLER) {
    const filler = FILLER_SENTENCES[hashIndex(FILLER_SENTENCES.length, seed, 'filler-text', request)];
    prompt = appendSentence(prompt, filler);
    actions.push('added an emphasis sentence');
  }
  return { prompt, actions };
}

export function updateReply(request: string, seed: number): string {
  const { prompt, actions } = simulateUpdate(request, seed);
  const why = actions.length > 0 ? `I ${actions.join('; ')}.` : 'The prompt already addresses the feedback; I left it unchanged.';
  return `${why}\n\n<${TAG.improved}>\n${prompt}\n</${TAG.improved}>`;
}
