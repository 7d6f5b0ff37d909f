import { strict as assert } from 'node:assert';
import { LlmError } from '../../../src/core/llm/errors';
import type { RecordedCall } from '../../support/scriptedModel';
import { backwardScript, eventsOf, forwardScript, runTrainer } from '../../support/dlpoHarness';

const wrap = (p: string) => `<IMPROVED_VARIABLE>${p}</IMPROVED_VARIABLE>`;

describe('trainer: update replies, validation, budgets and cancellation', () => {
  it('repairs a reply without tags with one follow-up request', async () => {
    let n = 0;
    const { events, backward } = await runTrainer({
      preset: 'textgrad',
      steps: 1,
      updater: (c) => (n++ === 0 ? `Here you go: ${c} Think step by step.` : wrap(`${c} Think step by step.`)),
    });
    const updates = backward.callsOf('update');
    assert.equal(updates.length, 2);
    assert.match(updates[1].user, /Your reply could not be used: the reply has no <IMPROVED_VARIABLE> tag/);
    assert.equal(updates[1].request.messages[2].role, 'assistant');
    assert.equal(eventsOf(events, 'candidate')[0].after, 'You solve sums. Think step by step.');
  });

  it('skips the step with the reason when the repair fails too, or at once without repair (reference)', async () => {
    const twice = await runTrainer({ preset: 'textgrad', steps: 1, updater: () => 'no tags at all' });
    assert.equal(twice.backward.callsOf('update').length, 2);
    const skipped = eventsOf(twice.events, 'update-skipped')[0];
    assert.match(skipped.reason, /no <IMPROVED_VARIABLE> tag .*also after one repair request/);
    assert.equal(eventsOf(twice.events, 'candidate').length, 0);
    assert.equal(twice.outcome.done.finalPrompt, 'You solve sums.');
    assert.equal(twice.outcome.done.stoppedBy, 'completed');
    const once = await runTrainer({ preset: 'textgrad', steps: 1, method: { repairUpdateReply: false }, updater: () => 'no tags at all' });
    assert.equal(once.backward.callsOf('update').length, 1);
    assert.equal(eventsOf(once.events, 'update-skipped').length, 1);
  });

  it('keeps a prompt that contains the tags literally', async () => {
    const prompt = 'Wrap drafts in <IMPROVED_VARIABLE> and </IMPROVED_VARIABLE> tags.';
    const { events } = await runTrainer({ preset: 'textgrad', steps: 1, prompt, updater: (c) => wrap(`${c} Think step by step.`) });
    assert.equal(eventsOf(events, 'candidate')[0].after, `${prompt} Think step by step.`);
  });

  it('rejects empty, 100× longer and invalid candidates with a reason', async () => {
    const empty = await runTrainer({ preset: 'textgrad', steps: 1, updater: () => wrap('   ') });
    assert.match(eventsOf(empty.events, 'update-skipped')[0].reason, /empty/);
    const long = await runTrainer({ preset: 'textgrad', steps: 1, updater: (c) => wrap(`${c} ${'Think step by step. '.repeat(120)}`) });
    assert.match(eventsOf(long.events, 'update-skipped')[0].reason, /100×/);
    const invalid = await runTrainer({
      preset: 'textgrad',
      steps: 1,
      extra: { validateCandidate: (candidate) => (candidate.includes('step by step') ? 'the candidate drops {{question}}' : null) },
    });
    assert.equal(eventsOf(invalid.events, 'update-skipped')[0].reason, 'candidate rejected: the candidate drops {{question}}');
    assert.equal(invalid.outcome.done.finalPrompt, 'You solve sums.');
  });

  it('ends with budget-<cap> and the last complete state when a call hits a budget', async () => {
    let updates = 0;
    const script = backwardScript();
    const { events, outcome, states } = await runTrainer({
      preset: 'textgrad',
      steps: 3,
      backward: (call: RecordedCall) => {
        if (call.kind === 'update' && ++updates === 2) throw new LlmError('budget', 'The cost budget of $0.01 would be exceeded.', { cap: 'cost' });
        return script(call);
      },
    });
    assert.equal(outcome.done.stoppedBy, 'budget-cost');
    assert.equal(events[events.length - 1].type, 'done');
    assert.equal(outcome.done.steps, 1);
    assert.equal(outcome.state.step, 1);
    assert.deepEqual(outcome.state, states[0]);
    assert.equal(eventsOf(events, 'error').length, 0);
    // No new calls after the budget error (the final scores come from what is known).
    assert.equal(outcome.done.scores.start.test, null);
  });

  it('emits nothing after done when calls of the interrupted step finish later', async () => {
    const script = backwardScript();
    let critiques = 0;
    const run = await runTrainer({
      preset: 'textgrad',
      steps: 2,
      // The first example's critique (streamed live) is slow; the second one fails at once.
      modelOptions: { delayTicks: (call) => (call.kind === 'critique' && call.index === 0 ? 6 : 0), chunkSize: 2 },
      backward: (call: RecordedCall) => {
        if (call.kind === 'critique' && ++critiques === 2) throw new LlmError('budget', 'The call budget is spent.', { cap: 'calls' });
        return script(call);
      },
    });
    const count = run.events.length;
    for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
    assert.equal(run.events.length, count);
    assert.equal(run.events[run.events.length - 1].type, 'done');
    assert.equal(run.outcome.done.stoppedBy, 'budget-calls');
    assert.equal(run.outcome.done.steps, 0);
  });

  it('a Stop that arrives with the update reply is acted on before the diff and cut, not after them', async () => {
    // On a large prompt the diff and the TLR cut take up to a second each; the step
    // yields between them, so a Stop that came in with the reply ends the step there.
    const controller = new AbortController();
    const prompt = 'Alpha one. Beta two. Gamma three. Delta four.';
    const { events, outcome } = await runTrainer({
      techniques: { lr: 1 },
      steps: 2,
      prompt,
      signal: controller.signal,
      updater: (current) => {
        controller.abort();
        return `<IMPROVED_VARIABLE>${current.replace('Alpha one.', 'Alpha 1.')} Think step by step.</IMPROVED_VARIABLE>`;
      },
    });
    assert.equal(outcome.done.stoppedBy, 'cancelled');
    assert.equal(eventsOf(events, 'candidate').length, 0, 'no candidate was built after the Stop');
    assert.ok(!eventsOf(events, 'technique-applied').some((e) => /cut/.test(e.summary)), 'the cut never ran');
  });

  it('ends with cancelled when the signal is aborted mid-step', async () => {
    const controller = new AbortController();
    const script = backwardScript();
    const { events, outcome } = await runTrainer({
      preset: 'textgrad',
      steps: 3,
      signal: controller.signal,
      backward: (call: RecordedCall) => {
        if (call.kind === 'summary' && call.step === 2) controller.abort();
        return script(call);
      },
    });
    assert.equal(outcome.done.stoppedBy, 'cancelled');
    assert.equal(outcome.done.steps, 1);
    assert.equal(events[events.length - 1].type, 'done');
    assert.equal(eventsOf(events, 'candidate').length, 1);
  });

  it('reports any other failure as a fatal error, then done with stoppedBy error', async () => {
    const script = backwardScript();
    const { events, outcome } = await runTrainer({
      preset: 'textgrad',
      steps: 2,
      backward: (call: RecordedCall) => {
        if (call.kind === 'critique' && call.step === 2) throw new LlmError('auth', 'The API key was rejected (401).', { action: 'Set a valid key.' });
        return script(call);
      },
    });
    const error = eventsOf(events, 'error')[0];
    assert.deepEqual([error.kind, error.fatal, error.action], ['auth', true, 'Set a valid key.']);
    assert.equal(outcome.done.stoppedBy, 'error');
    assert.equal(events[events.length - 1].type, 'done');
  });

  it('scores a forward answer lost to a content filter or the length limit as a failure instead of stopping', async () => {
    const { events, outcome } = await runTrainer({
      preset: 'textgrad',
      steps: 1,
      forward: (call: RecordedCall) => {
        if (/What is 3 \+ 5\?/.test(call.user)) return { text: '', finishReason: 'content_filter' };
        if (/What is 10 \+ 16\?/.test(call.user)) return new LlmError('length', 'The answer hit the max-token limit.');
        return forwardScript(call);
      },
    });
    assert.equal(outcome.done.stoppedBy, 'completed');
    const results = eventsOf(events, 'forward-result');
    const filtered = results.find((r) => r.input === 'What is 3 + 5?')!;
    assert.equal(filtered.score, 0);
    assert.match(filtered.reason, /content filter/);
    const cut = results.find((r) => r.input === 'What is 10 + 16?')!;
    assert.equal(cut.score, 0);
    assert.match(cut.reason, /no answer: length/);
  });
});
