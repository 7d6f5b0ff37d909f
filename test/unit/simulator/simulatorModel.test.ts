import assert from 'node:assert/strict';
import { REQUEST_KIND, TAG, wrapTag } from '../../../src/core/dlpo/markers';
import { critiqueRequest, promptFeedbackRequest, summaryRequest, updateRequest } from '../../../src/core/dlpo/prompts';
import { learningRateInstruction } from '../../../src/core/dlpo/techniques/learningRate';
import type { ChatMessage } from '../../../src/core/llm/chatModel';
import { completeStreaming } from '../../../src/core/llm/chatModel';
import { answerKeyFromExamples } from '../../../src/core/simulator/answerKey';
import { analyzePrompt, splitSentences } from '../../../src/core/simulator/promptFeatures';
import { createSimulatorModel } from '../../../src/core/simulator/simulatorModel';

const FORMAT = 'Give the final answer in the form "Answer: $VALUE".';
const examples = Array.from({ length: 200 }, (_, i) => ({
  input: `Tom has ${i + 3} apples and buys ${i % 7} more. How many apples does he have? (case ${i})`,
  gold: String(i + 3 + (i % 7)),
}));

function forwardMessages(prompt: string, input: string): ChatMessage[] {
  return [
    { role: 'system', content: prompt },
    { role: 'user', content: `Question: ${input}\n${FORMAT}` },
  ];
}

async function accuracy(prompt: string, seed = 7): Promise<number> {
  const model = createSimulatorModel({ seed, role: 'forward', answerKey: answerKeyFromExamples(examples) });
  let right = 0;
  for (const e of examples) {
    const r = await model.complete({ messages: forwardMessages(prompt, e.input) });
    const m = /Answer:\s*(\S+)\s*$/.exec(r.text);
    if (m && m[1] === e.gold) right++;
  }
  return right / examples.length;
}

const WEAK = 'You are a helpful assistant. Solve the math problem.';
const STRONG =
  'You are a careful math tutor. Begin by restating the quantities given in the question. Solve the problem step by step, showing each intermediate calculation. Keep track of units. Double-check every arithmetic operation. End with a final line of the form "Answer: <number>".';

describe('offline simulator: forward', () => {
  it('is deterministic for the same seed and differs across seeds', async () => {
    const a = createSimulatorModel({ seed: 1, role: 'forward', answerKey: answerKeyFromExamples(examples) });
    const b = createSimulatorModel({ seed: 1, role: 'forward', answerKey: answerKeyFromExamples(examples) });
    const c = createSimulatorModel({ seed: 2, role: 'forward', answerKey: answerKeyFromExamples(examples) });
    const outs = async (m: typeof a) => Promise.all(examples.slice(0, 40).map((e) => m.complete({ messages: forwardMessages(WEAK, e.input) }).then((r) => r.text)));
    assert.deepEqual(await outs(a), await outs(b));
    assert.notDeepEqual(await outs(a), await outs(c));
  });

  it('scores a prompt with the rewarded features far above a bare one', async () => {
    const weak = await accuracy(WEAK);
    const strong = await accuracy(STRONG);
    assert.ok(weak < 0.35, `weak prompt accuracy ${weak}`);
    assert.ok(strong > 0.7, `strong prompt accuracy ${strong}`);
  });

  it('each feature raises accuracy on its own', async () => {
    const base = await accuracy(WEAK);
    for (const extra of ['Work step by step.', 'Double-check your arithmetic.', 'Restate the given quantities first.']) {
      const acc = await accuracy(`${WEAK} ${extra}`);
      assert.ok(acc > base, `"${extra}": ${acc} should beat ${base}`);
    }
  });

  it('punishes very long and self-contradicting prompts', () => {
    const good = analyzePrompt(STRONG).quality;
    assert.ok(analyzePrompt(`${STRONG} Do not explain, answer only with the number.`).quality < good - 0.15);
    assert.ok(analyzePrompt(`${STRONG} ${'This sentence adds nothing useful at all here. '.repeat(30)}`).quality < good - 0.2);
    assert.ok(analyzePrompt(`${STRONG} Be careful and precise. Accuracy is very important.`).quality < good);
  });

  it('cannot answer a question missing from its answer key', async () => {
    const model = createSimulatorModel({ seed: 1, role: 'forward' });
    const r = await model.complete({ messages: forwardMessages(STRONG, 'What is 2 + 2?') });
    assert.match(r.text, /offline simulator/);
  });

  it('uses the Answer: format only when asked, reports estimated usage and streams in deltas', async () => {
    const model = createSimulatorModel({ seed: 3, role: 'forward', answerKey: answerKeyFromExamples(examples) });
    const plain = await model.complete({ messages: [{ role: 'system', content: WEAK }, { role: 'user', content: examples[0].input }] });
    assert.doesNotMatch(plain.text, /Answer:/);
    const deltas: string[] = [];
    const r = await completeStreaming(model, { messages: forwardMessages(STRONG, examples[0].input) }, (t) => deltas.push(t));
    assert.ok(deltas.length >= 2);
    assert.equal(deltas.join(''), r.text);
    assert.equal(r.usage.estimated, true);
    assert.ok(r.usage.promptTokens > 0 && r.usage.completionTokens > 0);
    assert.equal(model.id, 'simulator:forward');
    assert.match(model.label, /Offline simulator/);
  });

  it('honours an aborted signal', async () => {
    const model = createSimulatorModel({ seed: 3, role: 'forward' });
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(model.complete({ messages: forwardMessages(WEAK, 'x') }, { signal: ac.signal }), /cancelled/);
  });
});

function backwardRequest(kind: keyof typeof REQUEST_KIND, user: string): ChatMessage[] {
  return [
    { role: 'system', content: `${REQUEST_KIND[kind]}\nMore instructions.` },
    { role: 'user', content: user },
  ];
}

function improved(text: string): string {
  const m = /<IMPROVED_VARIABLE>\n?([\s\S]*?)\n?<\/IMPROVED_VARIABLE>/.exec(text);
  assert.ok(m, `no IMPROVED_VARIABLE in ${text}`);
  return m[1];
}

describe('offline simulator: backward', () => {
  const model = createSimulatorModel({ seed: 11, role: 'backward' });

  it('critiques name a feature the prompt lacks', async () => {
    const r = await model.complete({
      messages: backwardRequest('critique', `${wrapTag(TAG.currentPrompt, WEAK)}\nQuestion: x\nAnswer: 3\nThe answer is incorrect (expected 4).`),
    });
    assert.match(r.text, /step-by-step|answer format|arithmetic|quantities|units|carefully/);
    const ok = await model.complete({
      messages: backwardRequest('critique', `${wrapTag(TAG.currentPrompt, WEAK)}\nQuestion: x\nAnswer: 4\nThe answer is correct.`),
    });
    assert.match(ok.text, /correct/);
  });

  it('summaries count the issues raised', async () => {
    const r = await model.complete({
      messages: backwardRequest('summary', 'Feedback 1: ask for step-by-step reasoning.\nFeedback 2: ask for step-by-step reasoning.\nFeedback 3: keep track of units.'),
    });
    assert.match(r.text, /ask for step-by-step reasoning \(raised 2 times\)/);
    assert.match(r.text, /keep track of units \(raised 1 time\)/);
  });

  it('updates return an edited prompt in IMPROVED_VARIABLE that addresses the feedback', async () => {
    const request = [wrapTag(TAG.currentPrompt, WEAK), wrapTag(TAG.feedback, 'The system prompt should keep track of units.')].join('\n');
    const r = await model.complete({ messages: backwardRequest('update', request) });
    const next = improved(r.text);
    assert.notEqual(next, WEAK);
    assert.ok(analyzePrompt(next).present.includes('units'), next);
  });

  it('respects the dropout block and the learning rate in most requests', async () => {
    const prompt = 'You are a helpful assistant. Solve the math problem. Answer briefly.';
    let keptProtected = 0;
    let withinLr = 0;
    const n = 60;
    for (let i = 0; i < n; i++) {
      const request = [
        wrapTag(TAG.currentPrompt, prompt),
        wrapTag(TAG.feedback, `Round ${i}: ask for step-by-step reasoning; ask to double-check the arithmetic.`),
        wrapTag(TAG.dropout, '1. Solve the math problem.'),
        wrapTag(TAG.learningRate, 'Your learning rate is 1: make at most 1 sentence edit.'),
      ].join('\n');
      const next = improved((await model.complete({ messages: backwardRequest('update', request) })).text);
      if (splitSentences(next).includes('Solve the math problem.')) keptProtected++;
      const before = new Set(splitSentences(prompt));
      const after = splitSentences(next);
      const changed = after.filter((s) => !before.has(s)).length + [...before].filter((s) => !after.includes(s)).length;
      if (changed <= 2) withinLr++; // one modify counts as one removed + one added sentence
    }
    assert.ok(keptProtected >= n * 0.75 && keptProtected < n, `kept protected sentence in ${keptProtected}/${n}`);
    assert.ok(withinLr >= n * 0.4 && withinLr < n, `within the learning rate in ${withinLr}/${n}`);
  });

  it('regularisation prunes filler sentences', async () => {
    const prompt = `${WEAK} Be careful and precise. Accuracy is very important.`;
    const request = [wrapTag(TAG.currentPrompt, prompt), wrapTag(TAG.feedback, 'simplify'), wrapTag(TAG.regularize, 'Remove what is irrelevant.')].join('\n');
    const next = improved((await model.complete({ messages: backwardRequest('update', request) })).text);
    assert.ok(analyzePrompt(next).fillers < 2, next);
  });
});

describe('offline simulator: the trainer’s real requests', () => {
  // Built with the trainer's own request builders, so a change of wording there that the
  // simulator no longer understands fails here rather than in a demo.
  const model = createSimulatorModel({ seed: 4, role: 'backward' });
  const ex = { input: examples[0].input, output: 'Answer: 99', gold: examples[0].gold, verdict: { score: 0, reason: `expected ${examples[0].gold}, got 99` } };

  it('critique → feedback → summary → update keeps naming and then fixing a missing feature', async () => {
    const critique = (await model.complete({ messages: critiqueRequest(WEAK, ex) })).text;
    assert.match(critique, /step-by-step|answer format|arithmetic|quantities|units|carefully/);
    assert.doesNotMatch(critique, /correct and clearly derived/);
    const feedback = (await model.complete({ messages: promptFeedbackRequest(WEAK, ex, critique) })).text;
    assert.match(feedback, /the system prompt should/);
    const summary = (await model.complete({ messages: summaryRequest(WEAK, [{ feedback, example: ex }, { feedback, example: ex }]) })).text;
    assert.match(summary, /raised 2 times/);
    const reply = (
      await model.complete({
        messages: updateRequest(WEAK, summary, {
          learningRate: learningRateInstruction(1, 0, true),
          dropout: { instruction: 'Keep these unchanged.', sentences: 'You are a helpful assistant.' },
        }),
      })
    ).text;
    const next = improved(reply);
    assert.ok(analyzePrompt(next).quality > analyzePrompt(WEAK).quality, next);
  });

  it('a correct verdict gets a short approval, not a critique', async () => {
    const ok = { ...ex, output: `Answer: ${examples[0].gold}`, verdict: { score: 1, reason: 'correct' } };
    assert.match((await model.complete({ messages: critiqueRequest(WEAK, ok) })).text, /correct and clearly derived/);
  });
});

describe('offline simulator: answer formats', () => {
  it('answers in \\boxed{} when the request asks for it, and picks another option for multiple choice', async () => {
    const key = answerKeyFromExamples([
      { input: 'Compute x.', gold: '\\frac{1}{2}' },
      { input: 'Which one? (A) a (B) b', gold: '(B)' },
    ]);
    const model = createSimulatorModel({ seed: 1, role: 'forward', answerKey: key });
    const boxed = await model.complete({ messages: [{ role: 'system', content: STRONG }, { role: 'user', content: 'Compute x.\nPut the final answer in \\boxed{}.' }] });
    assert.match(boxed.text, /\\boxed\{[^}]*\}/);
    // The bare prompt is wrong on most questions; a wrong multiple-choice answer is another letter.
    const answers = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const m = createSimulatorModel({ seed, role: 'forward', answerKey: key });
      const r = await m.complete({ messages: [{ role: 'system', content: 'Answer.' }, { role: 'user', content: 'Which one? (A) a (B) b\nAnswer: (X)' }] });
      answers.add(/Answer: (\S+)$/.exec(r.text)![1]);
    }
    assert.ok(answers.has('(B)') && [...answers].some((a) => a !== '(B)' && /^\([A-E]\)$/.test(a)), [...answers].join(' '));
  });
});
