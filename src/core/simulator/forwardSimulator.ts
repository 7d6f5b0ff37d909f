import type { ChatMessage } from '../llm/chatModel';
import type { AnswerKey } from './answerKey';
import { hashIndex, hashUnit } from './hash';
import { analyzePrompt } from './promptFeatures';

/**
 * The forward (task) behaviour of the offline simulator. Each question gets a fixed
 * difficulty in [0, 1) from a hash of its text and the seed; the prompt gets a quality
 * from its features (promptFeatures.ts); the answer is right iff difficulty < quality.
 * So accuracy over a dataset is close to the prompt's quality, and the same question is
 * always answered the same way by the same prompt.
 */

export interface ForwardAnswer {
  text: string;
  correct: boolean;
  quality: number;
  difficulty: number;
}

export function difficultyOf(seed: number, question: string): number {
  return hashUnit(seed, 'difficulty', question.trim());
}

/** The instructions a forward request carries: the system message, or the user message without the question. */
function instructionsOf(messages: readonly ChatMessage[], question: string | undefined): string {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n').trim();
  if (system) return system;
  const user = messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  return question ? user.replace(question, ' ') : user;
}

function numbersIn(text: string): string[] {
  return text.match(/-?\d[\d,]*(?:\.\d+)?/g) ?? [];
}

/** A plausible wrong answer: off by a small slip, doubled or halved, or another option letter. */
export function wrongAnswer(gold: string, seed: number, question: string): string {
  const g = gold.trim();
  const choice = /^\(?([A-Z])\)?$/.exec(g);
  if (choice) {
    const letters = 'ABCDE'.split('').filter((l) => l !== choice[1]);
    const pick = letters[hashIndex(letters.length, seed, 'wrong-choice', question)];
    return g.startsWith('(') ? `(${pick})` : pick;
  }
  const n = Number(g.replace(/,/g, ''));
  if (Number.isFinite(n) && g !== '') {
    const slips = [n + 1, n - 1, n * 2, n + 10, Math.round(n / 2), n - 2];
    let w = slips[hashIndex(slips.length, seed, 'wrong-number', question)];
    if (w === n) w = n + 3;
    return String(w);
  }
  if (/^(true|false)$/i.test(g)) return /^true$/i.test(g) ? 'False' : 'True';
  if (/^(yes|no)$/i.test(g)) return /^yes$/i.test(g) ? 'No' : 'Yes';
  return 'unknown';
}

export function answerForward(messages: readonly ChatMessage[], seed: number, answerKey: AnswerKey | undefined): ForwardAnswer {
  const user = messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  const found = answerKey?.lookup(user);
  const question = found?.input ?? user;
  const instructions = instructionsOf(messages, found?.input);
  const analysis = analyzePrompt(instructions);
  const difficulty = difficultyOf(seed, question);
  // Without a key the simulator cannot produce a right answer: it says so rather than guess.
  const correct = found !== undefined && difficulty < analysis.quality;
  const finalValue = found ? (correct ? found.gold : wrongAnswer(found.gold, seed, question)) : numbersIn(question).at(-1) ?? 'unknown';

  const lines: string[] = [];
  const quantities = numbersIn(question).slice(0, 4);
  if (analysis.present.includes('restate-quantities') && quantities.length > 0) {
    lines.push(`Given quantities: ${quantities.join(', ')}.`);
  }
  if (analysis.present.includes('step-by-step')) {
    lines.push(
      quantities.length > 1
        ? `Step 1: combine ${quantities[0]} and ${quantities[1]} as the question describes.`
        : 'Step 1: set up the calculation the question describes.',
    );
    lines.push('Step 2: carry the intermediate result through the remaining operations.');
  }
  if (analysis.present.includes('check-arithmetic')) lines.push(correct ? 'Check: the arithmetic is consistent.' : 'Check: done.');
  if (!found) lines.push('(offline simulator: this question is not in its answer key, so it cannot answer it correctly)');
  // The answer line follows the format only when someone asked for it, as a real model would.
  const request = messages.map((m) => m.content).join('\n');
  if (/\\boxed/.test(request)) lines.push(`The final answer is \\boxed{${finalValue}}.`);
  else if (/answer:/i.test(request)) lines.push(`Answer: ${finalValue}`);
  else lines.push(`So the result is ${finalValue}.`);
  return { text: lines.join('\n'), correct, quality: analysis.quality, difficulty };
}
