import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseJournal, replayRunDir, resolvePromptFile, statusOfEvents } from '../../../src/extension/run/journalReplay';
import type { RunEvent } from '../../../src/core/run/events';

const start: RunEvent = {
  type: 'run-start', runId: 'r1', time: '2026-01-01T00:00:00Z', promptFile: 'prompts/math.prompt.md', prompt: 'p', preset: 'best',
  techniques: ['tsa'], forwardModel: 'simulator', backwardModel: 'simulator', simulator: true, seed: 1, totalSteps: 3,
  sizes: { train: 5, val: 2, test: 2 }, budget: {},
};
const done = (stoppedBy: 'completed' | 'cancelled' | 'error' | 'budget-cost'): RunEvent => ({
  type: 'done', stoppedBy, message: '', steps: 1, bestStep: 0, bestPrompt: 'p', finalPrompt: 'p',
  scores: { start: { val: 0.5, test: null }, best: { val: 0.5, test: 0.4 }, final: { val: 0.5, test: 0.4 } },
  usage: { calls: 1, cachedCalls: 0, promptTokens: 1, completionTokens: 1, costUsd: 0 },
});

describe('journal replay', () => {
  it('parses events and counts a truncated last line instead of throwing', () => {
    const text = `${JSON.stringify(start)}\n${JSON.stringify({ type: 'checkpoint', step: 1, path: 'checkpoint.json' })}\n{"type":"step-st`;
    const r = parseJournal(text);
    assert.equal(r.events.length, 2);
    assert.equal(r.skippedLines, 1);
  });

  it('derives the status from the last done event', () => {
    assert.equal(statusOfEvents([start, done('completed')], true), 'done');
    assert.equal(statusOfEvents([start, done('cancelled')], true), 'stopped');
    assert.equal(statusOfEvents([start, done('budget-cost')], true), 'stopped');
    assert.equal(statusOfEvents([start, done('error')], true), 'failed');
    assert.equal(statusOfEvents([start], true), 'interrupted');
  });

  it('resolves a relative prompt file against the workspace holding .dlpo/runs', () => {
    assert.equal(resolvePromptFile('/ws/.dlpo/runs/r1', 'prompts/math.prompt.md'), path.resolve('/ws/prompts/math.prompt.md'));
    assert.equal(resolvePromptFile('/ws/.dlpo/runs/r1', '/abs/p.md'), '/abs/p.md');
  });

  it('replays a run folder from disk', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-replay-'));
    try {
      const runDir = path.join(dir, '.dlpo', 'runs', 'r1');
      fs.mkdirSync(runDir, { recursive: true });
      fs.writeFileSync(path.join(runDir, 'events.jsonl'), `${JSON.stringify(start)}\n`);
      fs.writeFileSync(path.join(runDir, 'checkpoint.json'), '{}');
      const r = await replayRunDir(runDir);
      assert.equal(r.runId, 'r1');
      assert.equal(r.status, 'interrupted');
      assert.equal(r.hasCheckpoint, true);
      assert.equal(r.promptFile, path.join(dir, 'prompts', 'math.prompt.md'));
      await assert.rejects(replayRunDir(path.join(dir, 'missing')), /No run journal/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
