import * as assert from 'node:assert/strict';
import { buildTable, recordFromEvents } from '../../../src/core/experiment/results';
import type { RunEvent } from '../../../src/core/run/events';
import { ExperimentViewSchema, type ExperimentView } from '../../../src/shared/experimentProtocol';
import { ExperimentApp, comparisonText, meanStd } from '../../../src/webview/experiment/experimentApp';
import { alignCurves } from '../../../src/webview/experiment/experimentCurves';
import { FakeVsCodeApi, installDom, type DomEnv } from './domEnv';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function journal(bestVal: number, bestTest: number, examples: number[]): RunEvent[] {
  return [
    { type: 'eval', step: 1, split: 'test', score: bestTest, n: examples.length, prompt: 'best', examples: examples.map((s, i) => ({ id: `t${i}`, score: s })) },
    {
      type: 'done', stoppedBy: 'completed', message: 'ok', steps: 2, bestStep: 1, bestPrompt: 'b', finalPrompt: 'f',
      scores: { start: { val: 0.2, test: 0.2 }, best: { val: bestVal, test: bestTest }, final: { val: bestVal, test: bestTest } },
      usage: { calls: 10, cachedCalls: 0, promptTokens: 100, completionTokens: 10, costUsd: 0 },
    },
  ];
}

function view(): ExperimentView {
  const recs = [
    recordFromEvents('textgrad', 1, '/e/runs/a', journal(0.5, 0.5, [1, 0, 0, 1]))!,
    recordFromEvents('textgrad', 2, '/e/runs/b', journal(0.25, 0.25, [0, 0, 0, 1]))!,
    recordFromEvents(HOSTILE, 1, '/e/runs/c', journal(0.75, 0.75, [1, 1, 0, 1]))!,
    recordFromEvents(HOSTILE, 2, '/e/runs/d', journal(0.75, 0.75, [1, 1, 1, 0]))!,
  ];
  return ExperimentViewSchema.parse({
    name: 'demo', title: 'Demo table', experimentDir: '/e', simulator: true, baseline: 'textgrad', configs: ['textgrad', HOSTILE], seeds: [1, 2],
    rows: buildTable(recs, ['textgrad', HOSTILE], 'textgrad'),
    runs: [
      { key: 'textgrad__seed-1', config: 'textgrad', seed: 1, runDir: 'runs/textgrad__seed-1', status: 'finished', stoppedBy: 'completed', step: 2, totalSteps: 2, bestVal: 0.5, bestTest: 0.5 },
      { key: 'x__seed-1', config: HOSTILE, seed: 1, runDir: 'runs/x__seed-1', status: 'running', stoppedBy: null, step: 1, totalSteps: 2, bestVal: 0.4, bestTest: null },
    ],
    curves: [{ config: 'textgrad', steps: [0, 1, 2], meanVal: [0.2, 0.4, 0.375], n: [2, 2, 2] }, { config: HOSTILE, steps: [0, 1], meanVal: [0.2, 0.75], n: [2, 2] }],
    updatedAt: '2026-11-23T10:00:00Z',
  });
}

describe('webview: experiment panel', () => {
  let env: DomEnv;
  let api: FakeVsCodeApi;
  let app: ExperimentApp;
  let root: HTMLElement;
  beforeEach(() => {
    env = installDom();
    root = env.document.createElement('div');
    env.document.body.appendChild(root);
    api = new FakeVsCodeApi();
    app = new ExperimentApp(root, api, false);
    app.start();
  });
  afterEach(() => {
    app.dispose();
    env.restore();
  });
  const q = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);

  it('says ready, then renders the table as mean ± std with the baseline comparison, labelled as the simulator', () => {
    assert.deepEqual(api.posted[0], { type: 'ready' });
    app.receive({ type: 'results', results: view(), running: true });
    assert.equal(q('experiment-title')!.textContent, 'Demo table');
    assert.equal(q('experiment-simulator')!.hidden, false);
    assert.equal(q('experiment-stop')!.hidden, false);
    assert.equal(q('experiment-resume')!.hidden, true, 'no Resume while it runs');
    assert.equal(q('experiment-row-0-val')!.textContent, '37.5 ± 17.7%');
    assert.equal(q('experiment-row-0-delta')!.textContent, 'baseline');
    assert.match(q('experiment-row-1-delta')!.textContent!, /^\+37\.5 pts \[\+25\.0, \+50\.0\] · p 0\.375$/);
    assert.deepEqual(api.state, { experimentDir: '/e' });
    assert.match(q('experiment-progress')!.textContent!, /1 of 2 runs finished · 1 running/);
    assert.match(q('experiment-curves-summary')!.textContent!, /textgrad: 37\.5% at step 2/);
  });

  it('says in the table when a configuration has fewer finished runs than asked', () => {
    const v = view();
    // Three seeds asked for textgrad, two finished (the grid stopped at its cap).
    v.runs.push(
      { key: 'textgrad__seed-2', config: 'textgrad', seed: 2, runDir: 'runs/textgrad__seed-2', status: 'finished', stoppedBy: 'completed', step: 2, totalSteps: 2, bestVal: 0.25, bestTest: 0.25 },
      { key: 'textgrad__seed-3', config: 'textgrad', seed: 3, runDir: 'runs/textgrad__seed-3', status: 'stopped', stoppedBy: 'budget-calls', step: 1, totalSteps: 2, bestVal: null, bestTest: null },
    );
    app.receive({ type: 'results', results: v, running: false });
    const cell = q('experiment-row-0-runs')!;
    assert.equal(cell.textContent, '2 of 3 ⚠');
    assert.ok(cell.classList.contains('fewer-runs'));
    assert.match(cell.title, /Only 2 of the 3 runs asked for finished/);
    assert.equal(q('experiment-row-1-runs')!.textContent, '2', 'a complete configuration shows its count only');
  });

  it('renders configuration names from files as text only', () => {
    app.receive({ type: 'results', results: view(), running: false });
    assert.equal(root.querySelectorAll('img').length, 0);
    assert.ok(root.textContent!.includes(HOSTILE));
    assert.equal((globalThis as Record<string, unknown>).__pwned, undefined);
    assert.equal(q('experiment-stop')!.hidden, true);
    // Not running and a run unfinished: Resume is offered, and asks the host.
    assert.equal(q('experiment-resume')!.hidden, false);
    assert.equal(q('experiment-resume')!.textContent, 'Resume');
    q('experiment-resume')!.click();
    assert.deepEqual(api.posted.at(-1), { type: 'resume' });
  });

  it('updates a run cell per step, and a click asks the host to open that run', () => {
    app.receive({ type: 'results', results: view(), running: true });
    app.receive({ type: 'runProgress', key: 'x__seed-1', status: 'running', step: 2, totalSteps: 2, bestVal: 0.8 });
    const cell = q('experiment-run-x__seed-1')!;
    assert.match(cell.textContent!, /step 2\/2/);
    assert.match(cell.textContent!, /val 80%/);
    cell.click();
    assert.deepEqual(api.posted.at(-1), { type: 'openRun', key: 'x__seed-1' });
    q('experiment-export-csv')!.click();
    assert.deepEqual(api.posted.at(-1), { type: 'export', format: 'csv' });
  });

  it('drops malformed messages and reports them', () => {
    app.receive({ type: 'results', results: { ...view(), rows: 'nope' }, running: true });
    assert.equal(q('experiment-table')!.children.length, 0);
    assert.equal((api.posted.at(-1) as { type: string }).type, 'log');
  });

  it('formats summaries and aligns curves on one step axis', () => {
    assert.equal(meanStd({ n: 0, mean: null, std: null, min: null, max: null }), '—');
    assert.equal(comparisonText(view().rows[0]), 'baseline');
    assert.deepEqual(alignCurves(view().curves), [[0, 1, 2], [0.2, 0.4, 0.375], [0.2, 0.75, null]]);
  });
});
