import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { TrainerStateSchema } from '../../../src/core/dlpo/trainerState';
import { CheckpointError, readCheckpoint } from '../../../src/core/run/checkpoint';
import { RunEventSchema, type RunEvent } from '../../../src/core/run/events';
import { describeJournalProblems, readJournal } from '../../../src/core/run/journal';

/**
 * A journal or checkpoint on disk may hold anything after a crash, a full disk, or a
 * user's editor: reading never throws on its content (the journal returns what it could
 * read and says what it skipped; a checkpoint fails with a CheckpointError naming the
 * file), and never hangs. Fixed numbers of runs over bounded inputs.
 */

const SAMPLE: RunEvent[] = [
  { type: 'checkpoint', step: 1, path: 'checkpoint.json' },
  { type: 'loss', step: 2, batchScore: 0.5, failures: 1, n: 2 },
  { type: 'waiting', reason: 'rate-limit', seconds: 3, message: 'rate-limited (429); retrying in 3 s' },
  { type: 'error', kind: 'journal', message: 'ünïcødé ✓ \u2028 "quoted"', fatal: false },
  { type: 'gradient-delta', step: 2, part: 'update', text: '<IMPROVED_VARIABLE>\n' },
];

describe('reliability fuzz: journal and checkpoint readers (fast-check)', function () {
  this.timeout(60_000);
  let dir: string;
  let n = 0;
  const fileWith = (content: Uint8Array | string) => {
    const file = path.join(dir, `f${n++}`);
    fs.writeFileSync(file, content);
    return file;
  };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-fuzz-journal-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('readJournal: arbitrary bytes give valid events and a report of what was skipped', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }),
      fc.string({ unit: 'binary', maxLength: 500 }).map((s) => Buffer.from(s, 'utf8')),
      fc.array(fc.oneof(fc.json(), fc.constantFrom(...SAMPLE.map((e) => JSON.stringify(e))), fc.string()), { maxLength: 10 }).map((lines) => Buffer.from(lines.join('\n'))),
    );
    fc.assert(
      fc.property(bytes, (content) => {
        const file = fileWith(content);
        try {
          const j = readJournal(file);
          for (const e of j.events) assert.ok(RunEventSchema.safeParse(e).success);
          assert.equal(j.endOffsets.length, j.events.length);
          for (let i = 1; i < j.endOffsets.length; i++) assert.ok(j.endOffsets[i] > j.endOffsets[i - 1]);
          assert.ok(j.endOffsets.every((o) => o <= content.length));
          const lines = describeJournalProblems(file, j);
          assert.equal(lines.length, j.problems.length);
        } finally {
          fs.rmSync(file, { force: true });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('readJournal: a valid journal cut anywhere keeps every complete line, and reports a cut last line', () => {
    const journal = Buffer.from(SAMPLE.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
    const ends: number[] = [];
    for (let i = 0; i < journal.length; i++) if (journal[i] === 0x0a) ends.push(i + 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: journal.length }), (cut) => {
        const file = fileWith(journal.subarray(0, cut));
        try {
          const j = readJournal(file);
          // A line is whole when its newline survived, or when only the newline was cut.
          const complete = ends.filter((e) => e <= cut + 1).length;
          assert.deepEqual(j.events, SAMPLE.slice(0, complete));
          assert.deepEqual(j.endOffsets, ends.slice(0, complete).map((e) => Math.min(e, cut)));
          // Cut inside a line: a truncated last line (no line here is valid JSON before its `}`).
          const midLine = cut > 0 && !ends.includes(cut) && !ends.includes(cut + 1);
          assert.equal(j.truncatedLastLine, midLine);
          assert.equal(j.problems.length, midLine ? 1 : 0);
        } finally {
          fs.rmSync(file, { force: true });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('readCheckpoint: arbitrary bytes and arbitrary JSON fail with a CheckpointError naming the file', () => {
    const content = fc.oneof(
      fc.uint8Array({ maxLength: 1000 }),
      fc.json().map((j) => Buffer.from(j)),
      fc
        .record(
          {
            version: fc.oneof(fc.constant(1), fc.anything()),
            runId: fc.oneof(fc.string(), fc.anything()),
            step: fc.oneof(fc.integer(), fc.anything()),
            configHash: fc.string(),
            state: fc.anything(),
            usage: fc.anything(),
            budgetSpent: fc.anything(),
            journalBytes: fc.oneof(fc.nat(), fc.integer()),
            finished: fc.boolean(),
            savedAt: fc.string(),
          },
          { requiredKeys: [] },
        )
        .map((o) => Buffer.from(JSON.stringify(o))),
    );
    fc.assert(
      fc.property(content, (bytes) => {
        const file = fileWith(bytes);
        try {
          readCheckpoint(file, TrainerStateSchema);
          assert.fail('an arbitrary checkpoint was accepted');
        } catch (e) {
          assert.ok(e instanceof CheckpointError, `not a CheckpointError: ${(e as Error)?.stack ?? e}`);
          assert.ok(e.message.includes(file), 'the message names the file');
          assert.ok(e.message.length < 2000);
        } finally {
          fs.rmSync(file, { force: true });
        }
      }),
      { numRuns: 300 },
    );
  });
});
