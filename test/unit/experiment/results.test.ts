import * as assert from 'node:assert/strict';
import type { RunEvent } from '../../../src/core/run/events';
import { buildTable, recordFromEvents } from '../../../src/core/experiment/results';
import { tableToCsv, tableToMarkdown } from '../../../src/core/experiment/exportTable';

function journal(bestTest: number, finalVal: number, calls: number, examples: number[]): RunEvent[] {
  return [
    { type: 'prompt-length', step: 2, sentences: 4, tokens: 40 },
    { type: 'eval', step: 2, split: 'test', score: bestTest, n: examples.length, prompt: 'best', examples: examples.map((s, i) => ({ id: `t${i}`, score: s })) },
    {
      type: 'done', stoppedBy: 'completed', message: 'ok', steps: 2, bestStep: 1, bestPrompt: 'b', finalPrompt: 'f',
      scores: { start: { val: 0.4, test: 0.4 }, best: { val: 0.6, test: bestTest }, final: { val: finalVal, test: 0.5 } },
      usage: { calls, cachedCalls: 0, promptTokens: 10, completionTokens: 5, costUsd: 0.01 },
    },
  ];
}

describe('experiment results table', () => {
  it('summarizes each configuration and compares with the baseline by seed', () => {
    const recs = [
      recordFromEvents('base', 1, 'r1', journal(0.5, 0.5, 10, [1, 0, 0, 1]))!,
      recordFromEvents('base', 2, 'r2', journal(0.25, 0.5, 10, [0, 0, 0, 1]))!,
      recordFromEvents('new', 1, 'r3', journal(0.75, 0.7, 12, [1, 1, 0, 1]))!,
      recordFromEvents('new', 2, 'r4', journal(0.75, 0.9, 12, [1, 1, 1, 0]))!,
    ];
    const [base, neu] = buildTable(recs, ['base', 'new'], 'base');
    assert.equal(base.runs, 2);
    assert.equal(base.test.mean, 0.375);
    assert.equal(base.comparison, undefined);
    assert.equal(neu.calls, 24);
    assert.equal(neu.tokens, 30);
    assert.ok(Math.abs((neu.scores.final.val.mean ?? 0) - 0.8) < 1e-12);
    assert.equal(neu.finalPromptSentences.mean, 4);
    // Paired by seed: +0.25 and +0.5.
    assert.equal(neu.comparison?.testDiff?.mean, 0.375);
    // Per example: seed 1 → t1 better; seed 2 → t0, t1, t2 better and t3 worse.
    assert.deepEqual([neu.comparison?.perExample?.better, neu.comparison?.perExample?.worse], [4, 1]);
    const md = tableToMarkdown([base, neu], { simulator: true, title: 'demo' });
    assert.match(md, /Offline simulator/);
    assert.match(md, /\| new \| 2 \| 40\.0 ± 0\.0 \|/);
    const csv = tableToCsv([base, neu]).trim().split('\n');
    assert.equal(csv.length, 3);
    assert.match(csv[2], /^new,2,/);
  });

  it('returns no record for a run that has not finished', () => {
    assert.equal(recordFromEvents('x', 1, 'r', [{ type: 'prompt-length', step: 0, sentences: 1, tokens: 1 }]), null);
  });
});
