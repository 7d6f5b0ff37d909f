import assert from 'node:assert/strict';
import type { RunEvent, RunEventOf } from '../../../src/core/run/events';
import { buildReport, renderReportMarkdown } from '../../../src/core/run/report';
import { jsonSummary, summaryLines } from '../../../src/core/run/summary';
import { makeCandidateValidator } from '../../../src/core/run/runner';
import { parsePromptDocument } from '../../../src/core/prompt/parsePromptDocument';
import { replaceBody } from '../../../src/core/prompt/replaceBody';
import { PromptParseError } from '../../../src/core/prompt/promptParseError';

const totals = { calls: 12, cachedCalls: 2, promptTokens: 1000, completionTokens: 200, costUsd: 0.0123 };

function journal(simulator: boolean, stoppedBy: RunEventOf<'done'>['stoppedBy'] = 'completed'): RunEvent[] {
  const start: RunEventOf<'run-start'> = {
    type: 'run-start',
    runId: 'r1',
    time: 't',
    promptFile: 'p.prompt.md',
    prompt: 'Solve it. Be brief.',
    preset: 'robust',
    techniques: ['tlr', 'tdo'],
    forwardModel: 'f',
    backwardModel: 'b',
    simulator,
    seed: 1,
    totalSteps: 3,
    sizes: { train: 6, val: 4, test: 4 },
    budget: { maxCostUsd: 0.05 },
  };
  return [
    start,
    { type: 'prompt-length', step: 0, sentences: 2, tokens: 5 },
    { type: 'review', step: 1, by: 'auto', accepted: true },
    { type: 'eval', step: 1, split: 'val', score: 0.5, n: 4, prompt: 'current' },
    { type: 'prompt-length', step: 1, sentences: 3, tokens: 9 },
    { type: 'update-skipped', step: 2, reason: 'no tags' },
    { ...start, time: 't2', resumedFromStep: 2 },
    { type: 'review', step: 3, by: 'tsa', accepted: false },
    {
      type: 'done',
      stoppedBy,
      message: stoppedBy === 'budget-cost' ? 'Budget reached: the next call would pass the cap of $0.05.' : '',
      steps: 3,
      bestStep: 1,
      bestPrompt: 'Solve it step by step. Be brief.',
      finalPrompt: 'Solve it step by step. Be brief. Check the units.',
      scores: { start: { val: 0.25, test: 0.25 }, best: { val: 0.5, test: 0.75 }, final: { val: 0.5, test: 0.5 } },
      usage: totals,
    },
  ];
}

describe('run report and summary', () => {
  it('summarises the journal across sessions', () => {
    const r = buildReport(journal(false));
    assert.equal(r.sessions, 2);
    assert.equal(r.acceptedSteps, 1);
    assert.equal(r.rejectedSteps, 1);
    assert.equal(r.skippedSteps, 1);
    assert.equal(r.simulator, false);
    assert.equal(r.notice, undefined);
    assert.deepEqual(
      r.finalDiff.map((e) => e.op),
      ['modify', 'add'],
    );
    assert.deepEqual(r.promptLength, [
      { step: 0, sentences: 2, tokens: 5 },
      { step: 1, sentences: 3, tokens: 9 },
    ]);
    assert.match(r.stopMessage, /completed all planned steps/);
    const md = renderReportMarkdown(r);
    assert.doesNotMatch(md, /offline simulator/i);
    assert.match(md, /\| best \(step 1\) \| 50\.0% \| 75\.0% \|/);
    assert.match(md, /~ Solve it\. → Solve it step by step\./);
    assert.match(md, /\+ Check the units\./);
    assert.match(md, /resumed 1 time/);
  });

  it('labels simulator figures everywhere and names the budget cap that stopped the run', () => {
    const r = buildReport(journal(true, 'budget-cost'));
    assert.equal(r.simulator, true);
    assert.match(r.notice!, /^offline simulator/);
    const md = renderReportMarkdown(r);
    assert.match(md, /^# DLPO run r1 \(offline simulator\)/);
    assert.match(md, /## Scores \(offline simulator\)/);
    assert.match(md, /Budget reached: the next call would pass the cap of \$0\.05/);
    const lines = summaryLines(r, '/runs/r1');
    assert.match(lines[0], /offline simulator/);
    assert.match(lines.join('\n'), /stopped by: budget-cost/);
    assert.match(lines.join('\n'), /LLM calls 12 \(2 cached\)/);
    const json = jsonSummary(r, '/runs/r1');
    assert.deepEqual(json, {
      runDir: '/runs/r1',
      simulator: true,
      scores: r.scores,
      steps: 3,
      usage: { calls: 12, promptTokens: 1000, completionTokens: 200, costUsd: 0.0123 },
      stoppedBy: 'budget-cost',
    });
  });

  it('refuses to build a report without run-start or done', () => {
    assert.throws(() => buildReport(journal(false).filter((e) => e.type !== 'run-start')), /no run-start/);
    assert.throws(() => buildReport(journal(false).slice(0, -1)), /no done/);
  });
});

describe('candidate validation', () => {
  const doc = parsePromptDocument('---\nname: x\n---\nsystem:\nYou solve {{question}}.\n\nuser:\n{{question}}\n', 'math.prompty');
  const problemWith = (body: string) => {
    try {
      replaceBody(doc, body);
      return null;
    } catch (e) {
      if (e instanceof PromptParseError) return e.reason;
      throw e;
    }
  };
  const validate = makeCandidateValidator(doc.body, problemWith);

  it('accepts a good candidate and rejects empty, huge, variable-changing or structure-breaking ones', () => {
    assert.equal(validate('You solve {{question}} step by step.', doc.body), null);
    assert.match(validate('   ', doc.body)!, /empty/);
    assert.match(validate('x'.repeat(doc.body.length * 101), doc.body)!, /longer than the starting prompt/);
    assert.match(validate('You solve it.', doc.body)!, /drops \{\{question\}\}/);
    assert.match(validate('You solve {{question}}.\nuser:\nIgnore that.', doc.body)!, /structure|break/);
  });
});
