import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MethodOptionsSchema } from '../../../src/core/config/runConfig';
import type { BackwardContext } from '../../../src/core/dlpo/backward';
import { proposeCandidate } from '../../../src/core/dlpo/candidate';
import { MAX_CANDIDATE_CHARS, parseUpdateReply } from '../../../src/core/dlpo/updateParser';
import type { FinishReason } from '../../../src/core/llm/chatModel';
import { eventsOf, runTrainer } from '../../support/dlpoHarness';
import { ScriptedModel, type ScriptReply } from '../../support/scriptedModel';

/**
 * Model replies are untrusted text: whatever the backward model writes (no tags, tags
 * in odd places or spellings, tags inside the prompt itself, unicode, empty, enormous),
 * the update parser returns a prompt or a reason, the proposal step returns a candidate
 * that obeys the rules or a reason, and a whole training run completes. No exception,
 * no hang. Fixed numbers of runs; each case is bounded by its input size.
 */

const OPEN_TAGS = ['<IMPROVED_VARIABLE>', '< improved_variable >', '<Improved_Variable>', '<IMPROVED_VARIABLE', 'IMPROVED_VARIABLE>'];
const CLOSE_TAGS = ['</IMPROVED_VARIABLE>', '</ IMPROVED_VARIABLE >', '</improved_variable>', '</IMPROVED_VARIABLE', '<//IMPROVED_VARIABLE>'];
const FINISH: FinishReason[] = ['stop', 'length', 'content_filter', 'other'];

/** Text mixing arbitrary strings (full unicode included) with tag spellings, valid and broken. */
const replyText = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
      { weight: 2, arbitrary: fc.constantFrom(...OPEN_TAGS, ...CLOSE_TAGS) },
      { weight: 1, arbitrary: fc.constantFrom('\n', ' ', '\u0000', '\uFEFF', '\u202E', '{{question}}', '## Heading', 'user:', '<!-- dlpo -->', 'Think step by step.') },
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

const scriptedBackward = (replies: ScriptReply[] | ((n: number) => ScriptReply), chunkSize = 16) => {
  let n = 0;
  return new ScriptedModel(() => (Array.isArray(replies) ? (replies[n++] ?? '') : replies(n++)), { id: 'backward', chunkSize });
};

const ctxFor = (backward: ScriptedModel): BackwardContext => ({
  backward,
  temperature: 0,
  signal: new AbortController().signal,
  onResponse: () => {},
  onDelta: () => {},
});

describe('reliability fuzz: model replies (fast-check)', function () {
  this.timeout(120_000);

  it('parseUpdateReply: any reply and prompt give a non-empty prompt taken from the reply, or a reason', () => {
    fc.assert(
      fc.property(replyText, replyText, fc.constantFrom(...FINISH), (reply, current, finish) => {
        const r = parseUpdateReply(reply, current, finish);
        if (r.ok) {
          assert.ok(r.text.length > 0);
          assert.equal(r.text, r.text.trim());
          assert.ok(reply.includes(r.text), 'the prompt is a piece of the reply');
        } else {
          assert.ok(r.reason.length > 0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parseUpdateReply: a prompt that itself contains the tags comes back whole', () => {
    fc.assert(
      fc.property(
        replyText.filter((p) => p.trim().length > 0),
        fc.string({ maxLength: 40 }).filter((s) => !/<\s*improved_variable\s*>/i.test(s)),
        replyText,
        (prompt, before, after) => {
          // The model keeps the prompt as it is (the prompt mentions the tags as often as the candidate does).
          const reply = `${before}<IMPROVED_VARIABLE>${prompt}</IMPROVED_VARIABLE>${after}`;
          const r = parseUpdateReply(reply, prompt);
          assert.deepEqual(r, { ok: true, text: prompt.trim() });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('parseUpdateReply: huge replies (1 MB, thousands of tags) are handled in linear time', () => {
    const huge = [
      'x'.repeat(1_000_000),
      '<IMPROVED_VARIABLE>'.repeat(50_000),
      '</IMPROVED_VARIABLE>'.repeat(50_000),
      `<IMPROVED_VARIABLE>${'a'.repeat(1_000_000)}`,
      `<IMPROVED_VARIABLE>${'< '.repeat(200_000)}</IMPROVED_VARIABLE>`,
    ];
    for (const reply of huge) {
      for (const current of ['Old.', '</IMPROVED_VARIABLE>'.repeat(1000)]) {
        const r = parseUpdateReply(reply, current, 'stop');
        assert.equal(typeof r.ok, 'boolean');
      }
    }
  });

  it('proposeCandidate: any update reply (and repair reply) gives a candidate within the rules or a reason', async () => {
    const method = MethodOptionsSchema.parse({ tlrOverBudget: 'reask' });
    const seen = { ok: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ text: replyText, finishReason: fc.constantFrom(...FINISH) }), { minLength: 3, maxLength: 3 }),
        fc.constantFrom('You solve sums. Show your work.', 'Reply between <IMPROVED_VARIABLE> and </IMPROVED_VARIABLE> tags. Be brief.', 'Answer {{question}} now.'),
        fc.constantFrom(null, 1, 2),
        fc.constantFrom([], [0], [0, 1]),
        async (replies, current, budget, protectedIdx) => {
          const backward = scriptedBackward(replies);
          const p = await proposeCandidate(ctxFor(backward), { current, gradient: 'Be clearer.', blocks: {}, protectedIdx: [...protectedIdx], budget, method });
          assert.ok(backward.calls.length <= 3, 'at most: update, one repair (or one TLR re-ask)');
          if (p.ok) {
            seen.ok++;
            assert.ok(p.after.trim().length > 0);
            assert.notEqual(p.after, current);
            assert.ok(p.after.length <= current.length * 100);
            assert.ok(p.edits.length > 0);
          } else {
            seen.rejected++;
            assert.ok(p.reason.length > 0);
          }
        },
      ),
      { numRuns: 300 },
    );
    // Both outcomes were exercised, not just the easy one.
    assert.ok(seen.ok >= 10 && seen.rejected >= 10, JSON.stringify(seen));
  });

  it('proposeCandidate: empty, 100× longer and enormous proposals are rejected with a reason, promptly', async () => {
    const current = Array.from({ length: 1000 }, (_, i) => `Rule ${i} holds.`).join(' '); // ≈ 15 KB
    const wrap = (body: string) => `<IMPROVED_VARIABLE>${body}</IMPROVED_VARIABLE>`;
    const cases: [string, RegExp][] = [
      [wrap('   \n  '), /empty/],
      [wrap('x '.repeat(current.length * 51)), /100×/],
      // Under 100× but far more than any prompt: refused before the (quadratic) sentence diff.
      [wrap(Array.from({ length: 40_000 }, (_, i) => `Other line ${i} here.`).join(' ')), /characters, more than the \d+ a prompt may grow to/],
    ];
    for (const [reply, reason] of cases) {
      const started = Date.now();
      const p = await proposeCandidate(ctxFor(scriptedBackward([reply, reply], 1 << 20)), {
        current,
        gradient: 'g',
        blocks: {},
        protectedIdx: [],
        budget: null,
        method: MethodOptionsSchema.parse({}),
      });
      assert.equal(p.ok, false);
      assert.match((p as { reason: string }).reason, reason);
      // Generous: the point is "not minutes", which the unguarded diff took.
      assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    }
    assert.ok(MAX_CANDIDATE_CHARS >= 100_000);
  });

  it('a whole run with arbitrary critiques, feedback, summaries and updates completes and obeys the rules', async () => {
    let candidates = 0;
    // Some replies are well-formed updates around arbitrary text, so candidates do get through.
    const text = fc.oneof(replyText, replyText.map((t) => `Sure.\n<IMPROVED_VARIABLE>You solve sums. ${t}</IMPROVED_VARIABLE>`));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ text, finishReason: fc.constantFrom<FinishReason>('stop', 'length', 'other') }), { minLength: 1, maxLength: 30 }), async (pool) => {
        const start = 'You solve sums.';
        const run = await runTrainer({
          preset: 'all',
          steps: 2,
          sizes: { train: 4, val: 2, test: 2 },
          batchSize: 2,
          prompt: start,
          backward: (call) => pool[call.index % pool.length],
        });
        assert.equal(run.outcome.done.stoppedBy, 'completed', run.outcome.done.message);
        candidates += eventsOf(run.events, 'candidate').length;
        for (const c of eventsOf(run.events, 'candidate')) {
          assert.ok(c.after.trim().length > 0);
          assert.ok(c.after.length <= c.before.length * 100);
        }
        const skipped = eventsOf(run.events, 'update-skipped');
        assert.ok(skipped.every((s) => s.reason.length > 0));
        assert.equal(eventsOf(run.events, 'done').length, 1);
      }),
      { numRuns: 40 },
    );
    assert.ok(candidates >= 10, `only ${candidates} candidates: the fuzz barely reached the update`);
  });
});
