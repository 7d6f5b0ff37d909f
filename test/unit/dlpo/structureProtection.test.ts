import { strict as assert } from 'node:assert';
import type { Updater } from '../../support/dlpoHarness';
import { eventsOf, runTrainer } from '../../support/dlpoHarness';

const wrap = (p: string) => `<IMPROVED_VARIABLE>${p}</IMPROVED_VARIABLE>`;

describe('trainer: front matter, comments and template lines are never edited', () => {
  const prompt = 'Answer the question.\n\n<!-- keep this note -->\n\nShow the steps.';

  for (const preset of ['custom', 'reference'] as const) {
    it(`takes back an edit to a comment and keeps the others (${preset})`, async () => {
      const updater: Updater = () => wrap('Answer the question carefully.\n\n<!-- a new note -->\n\nShow every step.');
      const { events } = await runTrainer({ preset, steps: 1, prompt, updater, ...(preset === 'custom' ? {} : { techniques: { lr: 0, lrDecay: 0 } }) });
      const candidate = eventsOf(events, 'candidate')[0];
      assert.ok(candidate, 'a candidate was built');
      assert.equal(candidate.after, 'Answer the question carefully.\n\n<!-- keep this note -->\n\nShow every step.');
      assert.deepEqual(candidate.reverted.map((r) => [r.by, r.edit.op]), [['structure', 'modify']]);
    });
  }
});
