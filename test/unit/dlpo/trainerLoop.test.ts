import { strict as assert } from 'node:assert';
import { arithmeticTask } from '../../support/arithmeticTask';
import { eventsOf, forwardScript, runTrainer, stepEvents } from '../../support/dlpoHarness';

/**
 * The loop of method.md against scripted models: event order per step, the number of
 * model calls per step (backward 2B + 2, or 2B + 1 when B = 1; forward B plus the
 * evaluations of a changed prompt), best/final bookkeeping and the final test scores.
 */
describe('trainer: the loop', () => {
  it('emits the step events in order and ends with done', async () => {
    const { events, outcome } = await runTrainer({ preset: 'textgrad', steps: 2 });
    assert.equal(events[events.length - 1].type, 'done');
    assert.equal(outcome.done.stoppedBy, 'completed');
    const types = stepEvents(events, 1).map((e) => e.type);
    const compact = types.filter((t, i) => t !== types[i - 1]);
    assert.deepEqual(compact, ['step-start', 'forward-result', 'loss', 'gradient-delta', 'gradient', 'gradient-delta', 'candidate', 'review', 'eval', 'prompt-length']);
    const start = eventsOf(events, 'step-start');
    assert.deepEqual(start.map((e) => e.step), [1, 2]);
    assert.equal(start[0].batch.length, 3);
    assert.equal(start[0].lr, null);
  });

  it('makes 2B + 2 backward calls per step when B > 1, and 2B + 1 when B = 1 (method.md)', async () => {
    for (const batchSize of [1, 2, 3]) {
      const { backward } = await runTrainer({ preset: 'textgrad', batchSize, steps: 2 });
      for (const step of [1, 2]) {
        const calls = backward.calls.filter((c) => c.step === step);
        const expected = batchSize > 1 ? 2 * batchSize + 2 : 2 * batchSize + 1;
        assert.equal(calls.length, expected, `B=${batchSize} step ${step}`);
        assert.equal(calls.filter((c) => c.kind === 'critique').length, batchSize);
        assert.equal(calls.filter((c) => c.kind === 'promptGradient').length, batchSize);
        assert.equal(calls.filter((c) => c.kind === 'summary').length, batchSize > 1 ? 1 : 0);
        assert.equal(calls.filter((c) => c.kind === 'update').length, 1);
        assert.ok(calls.every((c) => c.streamed), 'backward calls stream');
      }
    }
  });

  it('critiques every example by default (also the correct ones), only failures with critiqueFailuresOnly', async () => {
    const prompt = 'You solve sums step by step.';
    const all = await runTrainer({ preset: 'textgrad', steps: 1, batchSize: 3, prompt });
    const loss = eventsOf(all.events, 'loss')[0];
    assert.ok(loss.failures < 3 && loss.failures > 0, 'the scripted batch mixes right and wrong answers');
    assert.equal(all.backward.callsOf('critique').length, 3);
    const failuresOnly = await runTrainer({ preset: 'textgrad', steps: 1, batchSize: 3, prompt, method: { critiqueFailuresOnly: true } });
    const f = eventsOf(failuresOnly.events, 'loss')[0].failures;
    const calls = failuresOnly.backward.calls.filter((c) => c.step === 1);
    assert.ok(f > 0 && f < 3);
    assert.equal(calls.length, 2 * f + (f > 1 ? 1 : 0) + 1);
    // A batch without failures has nothing to follow: no backward call, the step is skipped.
    const perfect = await runTrainer({ preset: 'textgrad', steps: 1, prompt: 'Step by step. Check. Carefully.', method: { critiqueFailuresOnly: true } });
    assert.equal(perfect.backward.calls.length, 0);
    assert.match(eventsOf(perfect.events, 'update-skipped')[0].reason, /every answer in the batch was correct/);
  });

  it('makes B forward calls for the batch and scores a changed prompt once per split; an unchanged prompt never twice', async () => {
    const sizes = { train: 6, val: 4, test: 5 };
    const { forward, events } = await runTrainer({ preset: 'textgrad', steps: 2, batchSize: 3, sizes });
    // Step 0: start prompt on val and train.
    assert.equal(forward.calls.filter((c) => c.step === 0).length, sizes.val + sizes.train);
    for (const step of [1, 2]) {
      const accepted = stepEvents(events, step).some((e) => e.type === 'review' && e.accepted);
      assert.ok(accepted);
      const calls = forward.calls.filter((c) => c.step === step);
      assert.equal(calls.length, 3 + sizes.val + sizes.train, `step ${step}`);
      // Training forward calls carry the format instruction too (our default).
      assert.ok(calls.slice(0, 3).every((c) => /Answer: <number>/.test(c.user)));
    }
    // Final: test scores of start, best and final; identical prompts are scored once.
    const done = eventsOf(events, 'done')[0];
    const distinct = new Set([events.find((e) => e.type === 'candidate') && done.bestPrompt, done.finalPrompt, 'You solve sums.']).size;
    assert.equal(forward.calls.filter((c) => c.step === -1).length, distinct * sizes.test);
    const testEvals = eventsOf(events, 'eval').filter((e) => e.split === 'test');
    assert.deepEqual(testEvals.map((e) => e.prompt), ['start', 'best', 'final']);
    assert.ok(testEvals.every((e) => e.examples?.length === sizes.test));
  });

  it('keeps the first prompt with the highest validation score as best, the initial one included', async () => {
    // The update only rewords; validation never improves, so the initial prompt stays best.
    const reword = await runTrainer({
      preset: 'textgrad',
      steps: 3,
      prompt: 'You solve sums. Think step by step.',
      updater: (c) => `<IMPROVED_VARIABLE>${c} Be neat.</IMPROVED_VARIABLE>`,
    });
    assert.equal(reword.outcome.done.bestStep, 0);
    assert.equal(reword.outcome.done.bestPrompt, 'You solve sums. Think step by step.');
    assert.notEqual(reword.outcome.done.finalPrompt, reword.outcome.done.bestPrompt);
    // The default update adds features, so validation improves and best moves on.
    const improving = await runTrainer({ preset: 'textgrad', steps: 3 });
    const vals = eventsOf(improving.events, 'eval').filter((e) => e.split === 'val');
    const bestVal = Math.max(...vals.map((v) => v.score));
    const firstBest = vals.find((v) => v.score === bestVal)!;
    assert.equal(improving.outcome.done.bestStep, firstBest.step);
    assert.equal(improving.outcome.done.scores.best.val, bestVal);
    assert.ok(improving.outcome.done.scores.best.val! > improving.outcome.done.scores.start.val!);
  });

  it('defaults to ceil(N_train / B) × epochs steps and reshuffles each epoch', async () => {
    const { events, outcome } = await runTrainer({ preset: 'textgrad', sizes: { train: 7, val: 2, test: 2 }, batchSize: 3, epochs: 2 });
    const starts = eventsOf(events, 'step-start');
    assert.equal(outcome.done.steps, 6);
    assert.deepEqual(starts.map((s) => s.epoch), [0, 0, 0, 1, 1, 1]);
    assert.deepEqual(starts.map((s) => s.batch.length), [3, 3, 1, 3, 3, 1]);
    const epoch = (e: number) => starts.filter((s) => s.epoch === e).flatMap((s) => s.batch);
    assert.deepEqual(epoch(0).slice().sort(), epoch(1).slice().sort());
    assert.equal(new Set(epoch(0)).size, 7);
    assert.notDeepEqual(epoch(0), epoch(1));
  });

  it('appends the format instruction only at evaluation under the reference setting', async () => {
    const { forward } = await runTrainer({ preset: 'textgrad', steps: 1, method: { formatInstructionInTraining: false } });
    const batchCalls = forward.calls.filter((c) => c.step === 1 && c.purpose === 'forward');
    assert.equal(batchCalls.length, 3);
    assert.ok(batchCalls.every((c) => !/Answer: <number>/.test(c.user)));
    assert.ok(forward.calls.filter((c) => c.purpose?.startsWith('evaluate')).every((c) => /Answer: <number>/.test(c.user)));
  });

  it('aggregates all critiques with their examples by default, one without context under the reference setting', async () => {
    const all = await runTrainer({ preset: 'textgrad', steps: 1, batchSize: 3 });
    const summary = all.backward.callsOf('summary')[0];
    assert.equal((summary.user.match(/### Feedback \d of 3/g) ?? []).length, 3);
    assert.equal((summary.user.match(/<LM_INPUT>/g) ?? []).length, 3);
    assert.equal(eventsOf(all.events, 'gradient')[0].critiques, 3);
    const single = await runTrainer({ preset: 'textgrad', steps: 1, batchSize: 3, method: { gradientAggregation: 'single' } });
    const s = single.backward.callsOf('summary')[0];
    assert.equal((s.user.match(/### Feedback \d of 1/g) ?? []).length, 1);
    assert.doesNotMatch(s.user, /<LM_INPUT>/);
    assert.equal(eventsOf(single.events, 'gradient')[0].critiques, 1);
    assert.equal(single.backward.calls.filter((c) => c.step === 1).length, 2 * 3 + 2, 'still 2B + 2 calls');
  });

  it('streams backward text as gradient-delta events that add up to the replies', async () => {
    const { events, backward } = await runTrainer({ preset: 'textgrad', steps: 1, batchSize: 2 });
    const deltas = eventsOf(events, 'gradient-delta');
    const text = (part: string) => deltas.filter((d) => d.part === part).map((d) => d.text).join('');
    const replies = (kind: string) => backward.calls.filter((c) => c.kind === kind);
    assert.ok(deltas.length > 4);
    assert.equal(text('summary'), eventsOf(events, 'gradient')[0].text);
    assert.match(text('update'), /<IMPROVED_VARIABLE>/);
    assert.equal(replies('critique').length, 2);
    assert.match(text('critique'), /The answer to "What is/);
  });

  it('stops early after `patience` steps without validation improvement', async () => {
    const { outcome, events } = await runTrainer({
      preset: 'textgrad',
      steps: 6,
      patience: 2,
      prompt: 'Think step by step. Check. Work carefully.',
      updater: (c) => `<IMPROVED_VARIABLE>${c} Be neat.</IMPROVED_VARIABLE>`,
    });
    assert.equal(outcome.done.stoppedBy, 'early-stopping');
    assert.equal(outcome.done.steps, 2);
    assert.equal(eventsOf(events, 'step-start').length, 2);
  });

  it('lets a reviewer decide, and continues from the prompt the reviewer gives', async () => {
    const decisions = [
      { accepted: false, by: 'user' as const },
      { accepted: true, by: 'user' as const, prompt: 'You solve sums. Think step by step. Check it.' },
    ];
    const seen: number[] = [];
    const { events, outcome } = await runTrainer({
      preset: 'textgrad',
      steps: 2,
      extra: {
        reviewer: {
          review: async (c) => {
            seen.push(c.step);
            assert.equal(c.tsa, null);
            return decisions.shift()!;
          },
        },
      },
    });
    assert.deepEqual(seen, [1, 2]);
    const reviews = eventsOf(events, 'review');
    assert.deepEqual(reviews.map((r) => [r.by, r.accepted]), [['user', false], ['user', true]]);
    assert.equal(outcome.done.finalPrompt, 'You solve sums. Think step by step. Check it.');
    assert.equal(outcome.state.acceptedSteps, 1);
  });
});

describe('trainer: manual review with TSA', () => {
  it('gives the reviewer TSA’s advice, and the reviewer’s word is final', async () => {
    const advice: (boolean | undefined)[] = [];
    const { events, outcome } = await runTrainer({
      techniques: { tsa: true },
      steps: 2,
      prompt: 'Think step by step. Check. Work carefully.',
      // Every candidate drops all features: TSA rejects outright; the user accepts anyway.
      updater: () => '<IMPROVED_VARIABLE>You solve sums.</IMPROVED_VARIABLE>',
      extra: {
        reviewer: {
          review: async (c) => {
            advice.push(c.tsa?.accepted);
            assert.ok(c.gradient.length > 0);
            return { accepted: true, by: 'user' };
          },
        },
      },
    });
    assert.deepEqual(advice, [false]);
    assert.deepEqual(eventsOf(events, 'tsa-decision').map((d) => d.accepted), [false]);
    assert.deepEqual(eventsOf(events, 'review').map((r) => [r.by, r.accepted]), [['user', true]]);
    // Step 2 starts from the accepted prompt; its candidate is the same text, so no change.
    assert.equal(outcome.done.finalPrompt, 'You solve sums.');
    assert.match(eventsOf(events, 'update-skipped')[0].reason, /no sentence-level change/);
  });
});

describe('trainer: a prompt edited by the reviewer', () => {
  it('becomes TSA’s reference score, not the unedited candidate’s', async () => {
    const edited = 'You solve sums. Think step by step. Check it. Work carefully.';
    let first = true;
    const { events, task } = await runTrainer({
      techniques: { tsa: true },
      steps: 2,
      prompt: 'You solve sums.',
      extra: {
        reviewer: {
          review: async (c) => {
            if (!first) return { accepted: false, by: 'user' };
            first = false;
            // The user accepts after rewriting the candidate into a better prompt of their own.
            assert.notEqual(c.after, edited);
            return { accepted: true, by: 'user', prompt: edited };
          },
        },
      },
    });
    const decisions = eventsOf(events, 'tsa-decision');
    assert.equal(decisions.length, 2);
    // Step 2's reference is the edited prompt's training score: every feature, so all correct.
    const editedTrain = task.train.length ? 1 : 0;
    assert.equal(decisions[1].lastScore, editedTrain);
    assert.notEqual(decisions[1].lastScore, decisions[0].candidateScore);
  });
});

describe('trainer: warnings', () => {
  it('warns once (non-fatal) when train pulls away from validation', async () => {
    const { events, outcome } = await runTrainer({
      preset: 'textgrad',
      steps: 3,
      // Validation questions (indices ≥ 100) are always answered wrongly: the prompt can only fit train.
      forward: (call) => (/What is (\d+) \+ (\d+)\?/.test(call.user) && valInputs.has(/What is \d+ \+ \d+\?/.exec(call.user)![0]) ? 'Answer: -1' : forwardScript(call)),
    });
    const warnings = eventsOf(events, 'error');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].fatal, false);
    assert.equal(warnings[0].kind, 'divergence');
    assert.equal(outcome.done.stoppedBy, 'completed');
  });

  it('does not warn when train and validation move together', async () => {
    const { events } = await runTrainer({ preset: 'textgrad', steps: 3 });
    assert.equal(eventsOf(events, 'error').length, 0);
  });
});

const valInputs = new Set(arithmeticTask({ train: 0, val: 4, test: 0 }).val.map((e) => e.input));
