import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunEvent } from '../../../src/core/run/events';
import { JournalWriter, comparableJournal, describeJournalProblems, readJournal } from '../../../src/core/run/journal';

const loss = (step: number): RunEvent => ({ type: 'loss', step, batchScore: 0.5, failures: 1, n: 2 });
const checkpoint = (step: number): RunEvent => ({ type: 'checkpoint', step, path: 'checkpoint.json' });

describe('run journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-journal-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes one JSON object per line and reads them back', () => {
    const file = path.join(dir, 'events.jsonl');
    const w = JournalWriter.open(file);
    w.append(loss(1));
    w.append(checkpoint(1));
    w.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '');
    assert.deepEqual(JSON.parse(lines[0]), loss(1));
    const r = readJournal(file);
    assert.deepEqual(r.events, [loss(1), checkpoint(1)]);
    assert.equal(r.truncatedLastLine, false);
    assert.deepEqual(r.problems, []);
    assert.equal(r.endOffsets[1], fs.statSync(file).size);
  });

  it('tolerates and reports a last line cut off mid-write', () => {
    const file = path.join(dir, 'events.jsonl');
    const w = JournalWriter.open(file);
    w.append(loss(1));
    w.close();
    fs.appendFileSync(file, '{"type":"loss","step":2,"batchSc');
    const r = readJournal(file);
    assert.deepEqual(r.events, [loss(1)]);
    assert.equal(r.truncatedLastLine, true);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].problem, 'truncated');
    assert.match(describeJournalProblems(file, r)[0], /cut off mid-write/);
  });

  it('skips (and reports) an invalid line in the middle', () => {
    const file = path.join(dir, 'events.jsonl');
    fs.writeFileSync(file, `${JSON.stringify(loss(1))}\n{"type":"nonsense"}\nnot json\n${JSON.stringify(loss(2))}\n`);
    const r = readJournal(file);
    assert.deepEqual(r.events, [loss(1), loss(2)]);
    assert.equal(r.truncatedLastLine, false);
    assert.deepEqual(
      r.problems.map((p) => [p.line, p.problem]),
      [
        [2, 'unknown-event'],
        [3, 'invalid-json'],
      ],
    );
  });

  it('reopening with truncateTo cuts what came after a checkpoint', () => {
    const file = path.join(dir, 'events.jsonl');
    const w = JournalWriter.open(file);
    w.append(loss(1));
    w.append(checkpoint(1));
    const at = w.size;
    w.append(loss(2));
    w.close();
    fs.appendFileSync(file, '{"partial');
    const w2 = JournalWriter.open(file, { truncateTo: at });
    assert.equal(w2.size, at);
    w2.append(loss(2));
    w2.close();
    assert.deepEqual(readJournal(file).events, [loss(1), checkpoint(1), loss(2)]);
  });

  it('comparableJournal drops the resume marker and accounting but keeps everything else', () => {
    const start = {
      type: 'run-start' as const,
      runId: 'a',
      time: 't1',
      promptFile: 'p.md',
      prompt: 'x',
      preset: 'best',
      techniques: [],
      forwardModel: 'f',
      backwardModel: 'b',
      simulator: true,
      seed: 1,
      totalSteps: 2,
      sizes: { train: 1, val: 1, test: 1 },
      budget: {},
    };
    const usage: RunEvent = {
      type: 'usage',
      role: 'forward',
      purpose: 'forward',
      model: 'm',
      promptTokens: 1,
      completionTokens: 1,
      costUsd: 0,
      cached: false,
      totals: { calls: 1, cachedCalls: 0, promptTokens: 1, completionTokens: 1, costUsd: 0 },
    };
    const a: RunEvent[] = [start, loss(1), usage, checkpoint(1), loss(2)];
    const b: RunEvent[] = [{ ...start, runId: 'b', time: 't2' }, loss(1), checkpoint(1), { ...start, runId: 'b', time: 't3', resumedFromStep: 1 }, loss(2)];
    assert.deepEqual(comparableJournal(a), comparableJournal(b));
    assert.notDeepEqual(comparableJournal(a), comparableJournal([...b, loss(3)]));
    const deltas = (parts: string[]): RunEvent[] => parts.map((text) => ({ type: 'gradient-delta', step: 1, part: 'critique', text }));
    assert.deepEqual(comparableJournal(deltas(['ab', 'c'])), comparableJournal(deltas(['a', 'bc'])));
  });
});
