import { strict as assert } from 'node:assert';
import { TAG } from '../../../src/core/dlpo/markers';
import { Rng } from '../../../src/core/run/rng';
import { segmentSentences } from '../../../src/core/prompt/sentences';
import { diffSentences } from '../../../src/core/prompt/sentenceDiff';
import type { Updater } from '../../support/dlpoHarness';
import { eventsOf, extractTagBody, runTrainer, stepEvents } from '../../support/dlpoHarness';

const wrap = (p: string) => `<IMPROVED_VARIABLE>${p}</IMPROVED_VARIABLE>`;

/** An updater proposing the listed prompts in turn, one per step (repair/re-ask calls excluded). */
function scripted(prompts: string[]): Updater {
  let i = 0;
  return () => wrap(prompts[i++] ?? prompts[prompts.length - 1]);
}

describe('trainer: techniques in the loop', () => {
  describe('TLR', () => {
    const prompt = 'Alpha one. Beta two. Gamma three. Delta four.';
    const rewrite = (c: string) => wrap(`${c.replace('Alpha one.', 'Alpha 1.').replace('Beta two.', 'Beta 2.').replace('Gamma three.', 'Gamma 3.')} Think step by step. Check.`);

    it('asks with the reference wording and cuts an over-budget proposal to R edits in code', async () => {
      const { events, backward } = await runTrainer({ techniques: { lr: 2 }, steps: 1, prompt, updater: rewrite });
      const update = backward.callsOf('update')[0];
      assert.match(extractTagBody(update.user, TAG.learningRate)!, /Your learning rate is 2\./);
      const candidate = eventsOf(events, 'candidate')[0];
      assert.equal(candidate.edits.length, 2);
      // The harness's gradient says "work step by step": the added "Think step by step."
      // shares its words and is kept first; the rest tie and keep document order.
      assert.equal(candidate.after, 'Alpha 1. Beta two. Gamma three. Delta four. Think step by step.');
      assert.deepEqual(candidate.reverted.map((r) => r.by), ['tlr', 'tlr', 'tlr']);
      const cut = eventsOf(events, 'technique-applied').find((e) => e.technique === 'tlr' && /cut/.test(e.summary))!;
      assert.equal(cut.summary, 'TLR cut 5 edits to 2');
      assert.equal(eventsOf(events, 'step-start')[0].lr, 2);
    });

    it('re-asks once with tlrOverBudget: reask, and uses the new reply when it fits', async () => {
      const updater: Updater = (c, call) =>
        /allows at most 2/.test(call.user) ? wrap(c.replace('Alpha one.', 'Alpha 1.').concat(' Think step by step.')) : rewrite(c);
      const { events, backward } = await runTrainer({ techniques: { lr: 2 }, method: { tlrOverBudget: 'reask' }, steps: 1, prompt, updater });
      assert.equal(backward.callsOf('update').length, 2);
      const candidate = eventsOf(events, 'candidate')[0];
      assert.equal(candidate.after, 'Alpha 1. Beta two. Gamma three. Delta four. Think step by step.');
      assert.deepEqual(candidate.reverted, []);
      assert.ok(eventsOf(events, 'technique-applied').some((e) => e.summary === 'TLR re-asked: 5 edits over a budget of 2'));
      assert.equal(backward.calls.filter((c) => c.step === 1).length, 2 * 3 + 2 + 1, 'one extra backward call for the re-ask');
    });

    it('only asks, never cuts, when enforceInCode is off (reference)', async () => {
      const { events } = await runTrainer({ techniques: { lr: 2 }, method: { enforceInCode: false }, steps: 1, prompt, updater: rewrite });
      assert.equal(eventsOf(events, 'candidate')[0].edits.length, 5);
    });
  });

  describe('TDO', () => {
    it('lists the protected sentences in the request and reverts any change to them', async () => {
      const prompt = 'Alpha one. Beta two. Gamma three. Delta four. Epsilon five. Zeta six.';
      // The update rewrites every sentence and adds one.
      const updater: Updater = (c) => wrap(segmentSentences(c).map((s) => s.text.replace('.', ' now.')).join(' ') + ' Think step by step.');
      const { events, backward } = await runTrainer({ techniques: { dropout: 0.5 }, steps: 3, prompt, updater });
      const tdo = eventsOf(events, 'technique-applied').filter((e) => e.technique === 'tdo' && /protected sentences/.test(e.summary) && !/reverted/.test(e.summary));
      assert.equal(tdo.length, 3);
      const candidates = eventsOf(events, 'candidate');
      const updates = backward.callsOf('update');
      for (let k = 0; k < 3; k++) {
        const units = segmentSentences(candidates[k].before);
        const protectedIdx = (tdo[k].details.sentences as number[]).map((n) => n - 1);
        assert.equal(protectedIdx.length, Math.ceil(units.length * 0.5));
        assert.equal(tdo[k].summary, `TDO protected sentences ${protectedIdx.map((i) => i + 1).join(', ')}`);
        assert.equal(extractTagBody(updates[k].user, TAG.dropout), protectedIdx.map((i) => units[i].text).join('\n'));
        const afterUnits = segmentSentences(candidates[k].after).map((u) => u.text);
        for (const i of protectedIdx) assert.ok(afterUnits.includes(units[i].text), `step ${k + 1}: protected "${units[i].text}" changed`);
        for (const edit of diffSentences(candidates[k].before, candidates[k].after)) {
          if (edit.op !== 'add') assert.ok(!protectedIdx.includes(edit.beforeIndex));
        }
      }
      assert.ok(candidates.some((c) => c.reverted.some((r) => r.by === 'tdo')), 'the scenario tries to change protected sentences');
      // The choice comes from the seeded dropout stream.
      const again = await runTrainer({ techniques: { dropout: 0.5 }, steps: 3, prompt, updater });
      assert.deepEqual(
        eventsOf(again.events, 'technique-applied').filter((e) => e.technique === 'tdo').map((e) => e.summary),
        eventsOf(events, 'technique-applied').filter((e) => e.technique === 'tdo').map((e) => e.summary),
      );
    });
  });

  describe('TSA and TLRD', () => {
    const start = 'Think step by step.';
    const scenario = scripted([
      'You solve sums.', // 1/6 → 0: a small drop, decided by a draw
      'Think step by step. Check.', // → 4/6: an improvement
      'You solve sums.', // → 0 from 4/6: rejected outright
      'Think step by step. Check. Work carefully.', // → 1
      'Think step by step. Be neat.', // → 1/6: rejected outright
    ]);

    it('decides by the reference formula with the seeded draws; temperature and last score move only on accept', async () => {
      const { events, forward } = await runTrainer({
        techniques: { tsa: true, tsaTemperature: 0.1, tsaDecay: 2, lrDecay: 3 },
        steps: 5,
        prompt: start,
        updater: scenario,
      });
      const decisions = eventsOf(events, 'tsa-decision');
      assert.equal(decisions.length, 5);
      const rng = Rng.derive(1001, 'tsa');
      let last = 1 / 6;
      let temperature = 0.1;
      const kinds = new Set<string>();
      for (const d of decisions) {
        assert.ok(Math.abs(d.lastScore - last) < 1e-12);
        assert.equal(d.temperature, temperature);
        assert.ok(Math.abs(d.delta - (d.candidateScore - last)) < 1e-12);
        if (d.delta >= 0) {
          kinds.add('improve');
          assert.deepEqual([d.probability, d.draw, d.accepted], [1, null, true]);
        } else if (-d.delta > 0.3) {
          kinds.add('outright');
          assert.deepEqual([d.probability, d.draw, d.accepted], [0, null, false]);
        } else {
          kinds.add('draw');
          const u = rng.next();
          assert.ok(Math.abs(d.probability - Math.exp(d.delta / temperature)) < 1e-12);
          assert.equal(d.draw, u);
          assert.equal(d.accepted, u <= d.probability);
        }
        if (d.accepted) {
          last = d.candidateScore;
          temperature /= 2;
        }
      }
      assert.deepEqual([...kinds].sort(), ['draw', 'improve', 'outright']);
      // Reviews follow TSA, and a rejected candidate leaves the prompt as it was.
      const reviews = eventsOf(events, 'review');
      assert.deepEqual(reviews.map((r) => r.accepted), decisions.map((d) => d.accepted));
      assert.ok(reviews.every((r) => r.by === 'tsa'));
      // Forward calls per step (method.md): B for the batch, N_train for TSA on a prompt not
      // scored on train before, N_val when an accepted prompt is new to val; never twice.
      const scoredTrain = new Set([start]);
      const scoredVal = new Set([start]);
      for (const [i, c] of eventsOf(events, 'candidate').entries()) {
        const expected = 3 + (scoredTrain.has(c.after) ? 0 : 6) + (decisions[i].accepted && !scoredVal.has(c.after) ? 4 : 0);
        scoredTrain.add(c.after);
        if (decisions[i].accepted) scoredVal.add(c.after);
        assert.equal(forward.calls.filter((call) => call.step === c.step).length, expected, `step ${c.step}`);
      }
      // TLRD: R = max(3 − accepted steps so far, 1), advancing only on accepted steps.
      let accepted = 0;
      for (const [i, s] of eventsOf(events, 'step-start').entries()) {
        assert.equal(s.lr, Math.max(3 - accepted, 1), `step ${s.step}`);
        if (decisions[i].accepted) accepted++;
      }
    });

    it('starts `last` at 0 under the reference setting, so the first candidate always passes', async () => {
      const { events } = await runTrainer({
        techniques: { tsa: true, tsaTemperature: 0.01 },
        method: { tsaInitialScore: 'zero' },
        steps: 1,
        prompt: start,
        updater: scripted(['You solve sums.']),
      });
      const d = eventsOf(events, 'tsa-decision')[0];
      assert.equal(d.lastScore, 0);
      assert.equal(d.accepted, true);
    });
  });

  describe('TCL', () => {
    const prompts = [
      'Think step by step. Check. Work carefully.',
      'You solve sums.',
      'Think step by step. Check.',
      'Think step by step.',
      'Check. Be neat.',
    ];

    it('shows the best and worst remembered prompts when their gap is ≥ 0.15, and only the best below it', async () => {
      // Without the 0-score prompt the widest gap is 1 − 1/6, below a gap setting of 1.
      for (const [gap, list] of [
        [0.15, prompts],
        [1, prompts.filter((p) => p !== 'You solve sums.')],
      ] as const) {
        const { backward, states, events } = await runTrainer({
          techniques: { contrastive: true, contrastiveGap: gap, tsa: true },
          steps: 5,
          prompt: 'Think step by step.',
          updater: scripted([...list]),
        });
        let both = 0;
        let bestOnly = 0;
        for (const update of backward.callsOf('update')) {
          const memory = update.step === 1 ? [] : states[update.step! - 2].contrastive;
          const block = extractTagBody(update.user, TAG.contrastive);
          if (memory.length < 2) {
            assert.equal(block, undefined);
            continue;
          }
          const best = memory[0];
          const worst = memory[memory.length - 1];
          assert.ok(block!.includes(`\n${best.prompt}\n</BETTER_PROMPT>`), 'best prompt shown');
          if (best.score - worst.score >= gap) {
            both++;
            assert.ok(block!.includes(`\n${worst.prompt}\n</POOR_PROMPT>`), 'worst prompt shown');
          } else {
            bestOnly++;
            assert.ok(!block!.includes('POOR_PROMPT'));
          }
        }
        if (gap === 0.15) assert.ok(both > 0, 'the scenario reaches a gap');
        else assert.ok(bestOnly > 0 && both === 0);
        // Memory: best first, rejected candidates included, one entry per prompt.
        const final = states[states.length - 1].contrastive;
        assert.deepEqual(final.map((e) => e.score), final.map((e) => e.score).slice().sort((a, b) => b - a));
        assert.equal(new Set(final.map((e) => e.prompt)).size, final.length);
        const rejected = eventsOf(events, 'candidate').filter((c) => eventsOf(events, 'review').some((r) => r.step === c.step && !r.accepted));
        assert.ok(rejected.length > 0);
        for (const c of rejected) assert.ok(final.some((e) => e.prompt === c.after), 'a rejected candidate is remembered');
      }
    });
  });

  describe('TMnt', () => {
    it('shows the k newest accepted gradients, oldest first', async () => {
      const { events, backward } = await runTrainer({ techniques: { momentum: 2 }, steps: 4, sizes: { train: 12, val: 2, test: 2 } });
      const gradients = eventsOf(events, 'gradient').map((g) => g.text);
      const updates = backward.callsOf('update');
      assert.equal(extractTagBody(updates[0].user, TAG.pastFeedback), undefined);
      for (let s = 2; s <= 4; s++) {
        const block = extractTagBody(updates[s - 1].user, TAG.pastFeedback)!;
        const expected = gradients.slice(Math.max(0, s - 3), s - 1);
        const shown = block.split(/--- Feedback \d of \d[^\n]*---\n/).filter(Boolean).map((x) => x.trim());
        assert.deepEqual(shown, expected, `step ${s}`);
      }
      assert.ok(new Set(gradients).size > 1, 'the gradients differ between steps');
    });

    it('is absent without momentum, and always on (k = 3) under the reference quirk', async () => {
      const off = await runTrainer({ steps: 3 });
      assert.ok(off.backward.callsOf('update').every((c) => extractTagBody(c.user, TAG.pastFeedback) === undefined));
      const quirk = await runTrainer({ method: { pastFeedbackAlways: true }, steps: 5, sizes: { train: 15, val: 2, test: 2 } });
      const updates = quirk.backward.callsOf('update');
      assert.equal(extractTagBody(updates[0].user, TAG.pastFeedback), undefined);
      const last = extractTagBody(updates[4].user, TAG.pastFeedback)!;
      assert.equal((last.match(/--- Feedback/g) ?? []).length, 3);
      assert.ok(eventsOf(quirk.events, 'technique-applied').some((e) => e.technique === 'tmnt' && /reference: always on/.test(e.summary)));
    });
  });

  describe('TRegu', () => {
    it('adds the regularisation block from its start step and reports prompt length every step', async () => {
      const { events, backward } = await runTrainer({ techniques: { regularize: true, regularizeFromStep: 2 }, steps: 3 });
      const updates = backward.callsOf('update');
      assert.equal(extractTagBody(updates[0].user, TAG.regularize), undefined);
      assert.match(extractTagBody(updates[1].user, TAG.regularize)!, /shorten sentences that are longer/);
      assert.deepEqual(eventsOf(events, 'prompt-length').map((e) => e.step), [0, 1, 2, 3]);
      const lengths = eventsOf(events, 'prompt-length');
      assert.equal(lengths[0].sentences, 1);
      assert.ok(lengths[3].sentences > lengths[0].sentences);
      for (const s of [1, 2, 3]) assert.equal(stepEvents(events, s).filter((e) => e.type === 'technique-applied' && e.technique === 'tregu').length, s >= 2 ? 1 : 0);
    });

    it('waits for 16 contrastive entries under the reference rule', async () => {
      const { backward } = await runTrainer({ techniques: { regularize: true, contrastive: true }, method: { regularizeNeedsMemory: true }, steps: 3 });
      assert.ok(backward.callsOf('update').every((c) => extractTagBody(c.user, TAG.regularize) === undefined));
    });
  });
});
