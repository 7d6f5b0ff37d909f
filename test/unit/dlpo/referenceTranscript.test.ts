import { strict as assert } from 'node:assert';
import { TAG } from '../../../src/core/dlpo/markers';
import type { HarnessRun } from '../../support/dlpoHarness';
import { eventsOf, extractTagBody, runTrainer } from '../../support/dlpoHarness';
import { ANSWER_FORMAT, arithmeticTask, parseSum } from '../../support/arithmeticTask';
import type { RecordedCall, ScriptReply } from '../../support/scriptedModel';

/**
 * The `reference` preset against the reference code (sfasfaffa/DLPO at commit 8f6a6a9),
 * request by request. Citations are `file line(s)` in that repository:
 *   P  = prompt_opt.py
 *   O  = textgrad/optimizer_v2/optimizer.py
 *   OP = textgrad/optimizer_v2/optimizer_prompts.py
 *
 * The expected transcript comes from `referenceOracle` below: the reference's state
 * machine (`TGD_OPT.annealing_step`, `construct_tgd_promptV2`, the loop of `main`)
 * restated from the Python, fed the same candidate accuracies. It shares no code with
 * the trainer. A table of the steps where something changes regime is asserted on top,
 * written out by hand, so that the oracle cannot drift with the implementation.
 *
 * Known and documented differences that this test therefore does not expect:
 * - wording (ours throughout);
 * - forward calls on a prompt already scored on a split (the reference re-scores it; we
 *   memoise by prompt text, and at temperature 0 the replies are the same).
 */

/** Train accuracy of a prompt = level / 4 on four training examples. */
const TRAIN = 4;
const levelOf = (prompt: string) => Number(/Level (\d)/.exec(prompt)?.[1] ?? 0);
const accuracyOf = (prompt: string) => Math.min(levelOf(prompt), TRAIN) / TRAIN;

/**
 * The update replies, one per step. `same` returns the current prompt unchanged, `ws`
 * returns it with only its whitespace changed: both are still candidates in the reference
 * (O 295-305 set the value whatever it is and let TSA judge it).
 */
const SCRIPT: (string | 'same' | 'ws')[] = [
  'Level 2. Add the numbers.', // 1: 0.5 ≥ last 0 → accept (last starts at 0, O 160)
  'same', // 2: 0.5 ≥ 0.5 → accept although unchanged
  'Level 0. Guess.', // 3: 0 vs 0.5, drop 0.5 > 0.3 → reject outright (O 314-319)
  'Level 3. Add the numbers. Check.', // 4: accept
  'Level 3. Add the numbers. Check twice.', // 5: accept
  'Level 4. Add the numbers. Check twice.', // 6: accept (1.0)
  'Level 1. Add.', // 7: reject outright
  'Level 4. Add the numbers carefully. Check twice.', // 8: accept
  'ws', // 9: whitespace only → accept (1.0 ≥ 1.0)
  'Level 2. Add.', // 10: reject outright
  'Level 4. Add the numbers carefully. Check.', // 11: accept
  'Level 4. Add carefully. Check.', // 12: accept
  'Level 4. Add carefully. Check again.', // 13: accept
  'Level 0. Add.', // 14: reject outright
];
const START = 'Level 1. Add the numbers.';
const D = 13;
const LR = 2;
const T0 = 64;
const DECAY = 2;

type Contrast = 'none' | 'best' | 'both';
type LrRegime = 'budget' | 'bold' | 'none';

interface OracleStep {
  /** Technique blocks of the update request, in request order. */
  blocks: string[];
  lr: number;
  contrast: Contrast;
  lrRegime: LrRegime;
  /** Steps whose gradients the past-feedback block shows, oldest first. */
  pastSteps: number[];
  accepted: boolean;
  /** State after the step. */
  after: { temperature: number; stepIndex: number; lr: number; memory: number; lastAcc: number };
}

/** The reference's run on SCRIPT, as its code would go (see the citations). */
function referenceOracle(): OracleStep[] {
  // O 127 learning_rate = --lr; O 150 train_acc_memory = []; O 153 gradient_memory_tgd = [];
  // O 158-162 temperature = --tsa_tem, last_acc = 0, step_index = 0.
  let lr = LR;
  let memory: number[] = []; // train accuracies, best first (O 262, 277: stable sort, descending)
  let gradients: number[] = []; // steps whose gradient was appended (O 359)
  let temperature = T0;
  let lastAcc = 0;
  let stepIndex = 0;
  let prompt = START;
  const out: OracleStep[] = [];
  const remember = (acc: number) => {
    memory = [...memory, acc].sort((a, b) => b - a);
  };
  SCRIPT.forEach((reply, i) => {
    const step = i + 1;
    // The update request (OP 161-309), built from the state before the update.
    const blocks: string[] = [];
    let contrast: Contrast = 'none';
    if (memory.length >= 2) {
      // OP 211-224: worst = last, best = first; both when best − worst ≥ 0.15, else best only
      // (the `elif len >= 4` sampling branch at OP 225 can never run).
      contrast = memory[0] - memory[memory.length - 1] >= 0.15 ? 'both' : 'best';
      blocks.push(TAG.contrastive);
    }
    // OP 273-288: the last min(3, n) accepted gradients, whatever --momentum says
    // (O 197 passes gradient_memory_tgd as gradient_memory_2).
    const pastSteps = gradients.slice(-3);
    if (pastSteps.length > 0) blocks.push(TAG.pastFeedback);
    // OP 292-297: dropout > 0 → the block.
    blocks.push(TAG.dropout);
    // OP 298-299: weight_decay > 0 and ≥ 16 memory entries.
    if (memory.length >= 16) blocks.push(TAG.regularize);
    // OP 300-308: lr ≤ 4 → the budget block; lr > 10 with ≥ 4 entries → the bold block; else nothing.
    let lrRegime: LrRegime = 'none';
    if (lr > 0 && lr <= 4) lrRegime = 'budget';
    else if (lr > 10 && memory.length >= 4) lrRegime = 'bold';
    if (lrRegime !== 'none') blocks.push(TAG.learningRate);
    const lrUsed = lr;

    // O 289-305: the update, then the candidate is scored on the training set (O 306).
    const candidate = reply === 'same' ? prompt : reply === 'ws' ? prompt.replace('. ', '.  ') : reply;
    const accuracy = accuracyOf(candidate);
    let accepted = true;
    if (accuracy < lastAcc) {
      // O 312-331 (every rejection in SCRIPT is a drop above 0.3, so no draw is needed).
      assert.ok(lastAcc - accuracy > 0.3, 'the script only rejects outright');
      accepted = false;
      remember(accuracy); // O 317 add_train_acc_mem2 (acc_mem > 0)
    }
    if (accepted) {
      prompt = candidate;
      lastAcc = accuracy; // O 335
      temperature /= DECAY; // O 353
      stepIndex += 1; // O 354
      lr = Math.max(D - stepIndex, 1); // O 355-358
      gradients = [...gradients, step]; // O 359
    }
    // P 224-243: after every step the current prompt is scored and added to the memory
    // (P 240 compares Variable objects by identity, so the branch always runs).
    remember(accuracyOf(prompt));
    out.push({ blocks, lr: lrUsed, contrast, lrRegime, pastSteps, accepted, after: { temperature, stepIndex, lr, memory: memory.length, lastAcc } });
  });
  return out;
}

/** Forward model: correct on the first `level` examples of each split (by their position in the split). */
function forwardFor(run: { task?: ReturnType<typeof arithmeticTask> }) {
  return (call: RecordedCall): ScriptReply => {
    const sum = parseSum(call.user);
    if (!sum || !run.task) return 'No idea.';
    const input = `What is ${sum.a} + ${sum.b}?`;
    const level = levelOf(call.system);
    for (const split of [run.task.train, run.task.val, run.task.test]) {
      const idx = split.findIndex((e) => e.input === input);
      if (idx >= 0) return `Answer: ${sum.a + sum.b + (idx < level ? 0 : 1)}`;
    }
    return 'No idea.';
  };
}

function backwardFor() {
  return (call: RecordedCall): ScriptReply => {
    switch (call.kind) {
      case 'critique':
        return `Critique at step ${call.step}.`;
      case 'promptGradient':
        return `Gradient at step ${call.step}.`;
      case 'summary':
        return `Summary of step ${call.step}.`;
      case 'update': {
        const current = extractTagBody(call.user, TAG.currentPrompt) ?? '';
        const reply = SCRIPT[(call.step ?? 1) - 1];
        const text = reply === 'same' ? current : reply === 'ws' ? current.replace('. ', '.  ') : reply;
        return `<IMPROVED_VARIABLE>${text}</IMPROVED_VARIABLE>`;
      }
      default:
        throw new Error(`unexpected request ${call.system.slice(0, 40)}`);
    }
  };
}

/** The opening tags of the update request's parts, in order, without the fixed ones. */
function techniqueTags(user: string): string[] {
  const fixed = new Set<string>([TAG.promptExcerpt, TAG.feedback, TAG.currentPrompt]);
  return [...user.matchAll(/^<([A-Z_]+)>$/gm)].map((m) => m[1]).filter((t) => !fixed.has(t));
}

describe('reference preset: the reference code’s transcript, step for step', () => {
  let run: HarnessRun;
  const oracle = referenceOracle();

  before(async () => {
    const task = arithmeticTask({ train: TRAIN, val: 2, test: 2 });
    const holder = { task };
    run = await runTrainer({
      preset: 'reference',
      // The reference's flags for this run: --lr 2 --dy_lr 13 --dropout 0.5 --weight_decay 1
      // --train_acc_contras 1 --annealing 1 (tsa 64 / 2), batch 2.
      techniques: { lr: LR, lrDecay: D, dropout: 0.5, tsaTemperature: T0, tsaDecay: DECAY },
      batchSize: 2,
      steps: SCRIPT.length,
      prompt: START,
      task,
      forward: forwardFor(holder),
      backward: backwardFor(),
    });
  });

  it('runs every step of the script to the end', () => {
    assert.equal(run.outcome.done.stoppedBy, 'completed');
    assert.equal(run.states.length, SCRIPT.length);
    assert.equal(eventsOf(run.events, 'update-skipped').length, 0, 'unchanged candidates are not skipped');
  });

  it('makes the same backward requests per step: 2 critiques, 2 prompt feedbacks, 1 summary, then 1 update', () => {
    for (let step = 1; step <= SCRIPT.length; step++) {
      const kinds = run.backward.calls.filter((c) => c.step === step).map((c) => c.kind);
      assert.deepEqual(
        [...kinds].sort(),
        ['critique', 'critique', 'promptGradient', 'promptGradient', 'summary', 'update'],
        `step ${step}`,
      );
      assert.equal(kinds[kinds.length - 1], 'update', `step ${step}: the update comes last`);
    }
  });

  it('lays out every update request as the reference does: excerpt, feedback, blocks, full prompt last', () => {
    // OP 26-32 role, short variable and feedback first; OP 46-51 + 309 the full variable at the end.
    for (const call of run.backward.callsOf('update')) {
      const order = [...call.user.matchAll(/^<([A-Z_]+)>$/gm)].map((m) => m[1]);
      assert.equal(order[0], TAG.promptExcerpt);
      assert.equal(order[1], TAG.feedback);
      assert.equal(order[order.length - 1], TAG.currentPrompt);
    }
  });

  it('puts in the blocks the reference would, in its order TCL → TMnt → TDO → TRegu → TLR', () => {
    const updates = run.backward.callsOf('update');
    assert.equal(updates.length, SCRIPT.length);
    updates.forEach((call, i) => {
      const o = oracle[i];
      const step = i + 1;
      assert.deepEqual(techniqueTags(call.user), o.blocks, `step ${step}`);
      const contrast = extractTagBody(call.user, TAG.contrastive);
      const shown: Contrast = contrast === undefined ? 'none' : contrast.includes('<POOR_PROMPT') ? 'both' : 'best';
      assert.equal(shown, o.contrast, `step ${step}: contrastive`);
      const past = extractTagBody(call.user, TAG.pastFeedback) ?? '';
      assert.deepEqual(
        [...past.matchAll(/Summary of step (\d+)\./g)].map((m) => Number(m[1])),
        o.pastSteps,
        `step ${step}: past feedback`,
      );
      const lrBlock = extractTagBody(call.user, TAG.learningRate);
      const regime: LrRegime = lrBlock === undefined ? 'none' : /learning rate is (\d+)/.test(lrBlock) ? 'budget' : 'bold';
      assert.equal(regime, o.lrRegime, `step ${step}: learning-rate regime`);
      if (regime === 'budget') assert.match(lrBlock ?? '', new RegExp(`learning rate is ${o.lr}\\b`));
    });
  });

  it('crosses the thresholds where the reference does (hand-written table)', () => {
    const at = (step: number) => oracle[step - 1];
    // TLR: step 1 uses --lr 2 (O 127), then max(13 − accepted, 1) (O 358).
    assert.deepEqual(
      oracle.map((o) => o.lr),
      [2, 12, 11, 11, 10, 9, 8, 8, 7, 6, 6, 5, 4, 3],
    );
    assert.deepEqual(
      oracle.map((o) => o.lrRegime),
      ['budget', 'none', 'none', 'bold', 'none', 'none', 'none', 'none', 'none', 'none', 'none', 'none', 'budget', 'budget'],
    );
    assert.deepEqual(
      oracle.map((o) => o.contrast),
      ['none', 'none', 'best', 'both', 'both', 'both', 'both', 'both', 'both', 'both', 'both', 'both', 'both', 'both'],
    );
    assert.deepEqual(
      oracle.map((o) => o.accepted),
      [true, true, false, true, true, true, false, true, true, false, true, true, true, false],
    );
    assert.deepEqual(
      oracle.map((o) => o.after.memory),
      [1, 2, 4, 5, 6, 7, 9, 10, 11, 13, 14, 15, 16, 18],
    );
    // TRegu first at step 14, the first request after the memory reached 16 (OP 298).
    assert.equal(oracle.findIndex((o) => o.blocks.includes(TAG.regularize)) + 1, 14);
    assert.deepEqual(at(6).pastSteps, [2, 4, 5]);
    assert.equal(at(14).after.temperature, 64 / 2 ** 10);
  });

  it('advances temperature, learning rate, momentum and contrastive memory exactly when the reference does', () => {
    run.states.forEach((s, i) => {
      const o = oracle[i].after;
      const step = i + 1;
      assert.equal(s.step, step);
      assert.equal(s.acceptedSteps, o.stepIndex, `step ${step}: accepted steps (step_index)`);
      assert.ok(s.tsa, 'TSA on');
      assert.equal(s.tsa.temperature, o.temperature, `step ${step}: temperature`);
      assert.equal(s.tsa.lastScore, o.lastAcc, `step ${step}: last accuracy`);
      assert.equal(s.contrastive.length, o.memory, `step ${step}: contrastive memory`);
      assert.deepEqual(
        s.contrastive.map((e) => e.score),
        [...s.contrastive.map((e) => e.score)].sort((a, b) => b - a),
        'best first',
      );
    });
    const starts = eventsOf(run.events, 'step-start');
    assert.deepEqual(
      starts.map((e) => e.lr),
      oracle.map((o) => o.lr),
    );
    const reviews = eventsOf(run.events, 'review');
    assert.deepEqual(
      reviews.map((r) => r.accepted),
      oracle.map((o) => o.accepted),
    );
  });

  it('accepts the unchanged and the whitespace-only candidates and moves the state on', () => {
    const candidates = eventsOf(run.events, 'candidate');
    const c2 = candidates.find((c) => c.step === 2);
    assert.ok(c2);
    assert.equal(c2.after, c2.before);
    assert.deepEqual(c2.edits, []);
    assert.equal(run.states[1].acceptedSteps, run.states[0].acceptedSteps + 1);
    assert.equal(run.states[1].tsa?.temperature, (run.states[0].tsa?.temperature ?? 0) / DECAY);
    assert.deepEqual(run.states[1].momentum, ['Summary of step 1.', 'Summary of step 2.']);
    const c9 = candidates.find((c) => c.step === 9);
    assert.ok(c9);
    assert.notEqual(c9.after, c9.before);
    assert.equal(c9.after.replace(/\s+/g, ' '), c9.before.replace(/\s+/g, ' '));
    assert.deepEqual(c9.edits, []);
    assert.equal(run.states[8].prompt, c9.after);
  });

  it('trains without the answer-format instruction and evaluates with it (P 64-69 vs 196-198)', () => {
    // Prompts already scored on the training split (the start prompt at step 0).
    const scoredOnTrain = new Set([START]);
    for (let step = 1; step <= SCRIPT.length; step++) {
      const calls = run.forward.calls.filter((c) => c.step === step);
      const batch = calls.filter((c) => c.purpose === 'forward');
      assert.equal(batch.length, 2, `step ${step}: the batch`);
      assert.ok(batch.every((c) => !c.user.includes(ANSWER_FORMAT)));
      // ...glued to the question with no separator, as the reference's evaluation does (P 196-198).
      assert.ok(calls.filter((c) => c.purpose !== 'forward').every((c) => /\?End your reply/.test(c.user) && c.user.endsWith(ANSWER_FORMAT)));
      // TSA scores the candidate on the whole training set (O 306); we skip prompts already scored.
      const candidate = eventsOf(run.events, 'candidate').find((c) => c.step === step);
      assert.ok(candidate);
      const tsaCalls = calls.filter((c) => c.purpose === 'evaluate-train').length;
      assert.equal(tsaCalls, scoredOnTrain.has(candidate.after) ? 0 : TRAIN, `step ${step}: TSA on train`);
      scoredOnTrain.add(candidate.after);
    }
  });
});

describe('reference preset: the dropout block with nothing to freeze', () => {
  it('is sent anyway for an empty prompt (OP 292-297; the reference starts MATH from "", P 141)', async () => {
    const run = await runTrainer({
      preset: 'reference',
      techniques: { dropout: 0.5 },
      batchSize: 1,
      steps: 1,
      prompt: '',
      backward: (call) => (call.kind === 'update' ? '<IMPROVED_VARIABLE>Level 1. Add.</IMPROVED_VARIABLE>' : 'Feedback.'),
    });
    const update = run.backward.callsOf('update')[0];
    assert.equal(extractTagBody(update.user, TAG.dropout), '');
    const ours = await runTrainer({
      preset: 'custom',
      techniques: { dropout: 0.5 },
      batchSize: 1,
      steps: 1,
      prompt: '',
      backward: (call) => (call.kind === 'update' ? '<IMPROVED_VARIABLE>Level 1. Add.</IMPROVED_VARIABLE>' : 'Feedback.'),
    });
    assert.equal(extractTagBody(ours.backward.callsOf('update')[0].user, TAG.dropout), undefined);
  });
});
