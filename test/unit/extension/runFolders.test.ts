import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunEvent } from '../../../src/core/run/events';
import { findInterruptedRuns, INTERRUPTED_MARKER } from '../../../src/extension/run/findInterruptedRuns';
import { listRunDirs, summarizeRunDir } from '../../../src/extension/views/runSummary';

const start = (runId: string): RunEvent => ({
  type: 'run-start', runId, time: '2026-11-23T10:00:00.000Z', promptFile: '/ws/math.prompt.md', prompt: 'p', preset: 'robust',
  techniques: ['tlr', 'tdo'], forwardModel: 'openai:gpt-4o-mini', backwardModel: 'openai:gpt-4o', simulator: false, seed: 1, totalSteps: 5,
  sizes: { train: 10, val: 5, test: 5 }, budget: {},
});
const evalVal = (step: number, score: number, prompt: 'start' | 'current' = 'current'): RunEvent => ({ type: 'eval', step, split: 'val', score, n: 5, prompt });
const usage = (cost: number): RunEvent => ({
  type: 'usage', role: 'forward', purpose: 'f', model: 'm', promptTokens: 1, completionTokens: 1, costUsd: cost, cached: false,
  totals: { calls: 1, cachedCalls: 0, promptTokens: 1, completionTokens: 1, costUsd: cost },
});
const done: RunEvent = {
  type: 'done', stoppedBy: 'cancelled', message: 'stopped', steps: 2, bestStep: 1, bestPrompt: 'b', finalPrompt: 'f',
  scores: { start: { val: 0.4, test: null }, best: { val: 0.8, test: 0.6 }, final: { val: 0.6, test: 0.5 } },
  usage: { calls: 9, cachedCalls: 0, promptTokens: 9, completionTokens: 9, costUsd: 0.12 },
};

function writeRun(runsDir: string, id: string, events: RunEvent[], files: Record<string, string> = {}): string {
  const dir = path.join(runsDir, id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ promptFile: '/ws/math.prompt.md' }));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('run folders: summaries and interrupted runs', () => {
  let runsDir = '';
  beforeEach(() => {
    runsDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-runs-')), '.dlpo', 'runs');
    fs.mkdirSync(runsDir, { recursive: true });
  });
  afterEach(() => fs.rmSync(path.dirname(path.dirname(runsDir)), { recursive: true, force: true }));

  it('summarizes a live run from its journal and a finished one from its done event', async () => {
    const live = writeRun(runsDir, '20261123-100000-aaaa', [start('a'), evalVal(0, 0.4, 'start'), usage(0.01), { type: 'step-start', step: 1, epoch: 0, batch: [], lr: null }, evalVal(1, 0.6), usage(0.05)]);
    const s = await summarizeRunDir(live);
    assert.ok(s);
    assert.equal(s.status, 'interrupted');
    assert.equal(s.steps, 1);
    assert.equal(s.startVal, 0.4);
    assert.equal(s.bestVal, 0.6);
    assert.equal(s.costUsd, 0.05);
    assert.equal(s.preset, 'robust');
    const finished = writeRun(runsDir, '20261123-110000-bbbb', [start('b'), done]);
    const f = await summarizeRunDir(finished);
    assert.equal(f?.status, 'stopped');
    assert.equal(f?.bestVal, 0.8);
    assert.equal(f?.bestTest, 0.6);
    assert.equal(f?.costUsd, 0.12);
    assert.deepEqual((await listRunDirs(runsDir)).map((d) => path.basename(d)), ['20261123-110000-bbbb', '20261123-100000-aaaa']);
  });

  it('finds runs with a checkpoint and no done, and runs the window closed, but not runs the user stopped', async () => {
    const checkpoint = (step: number, finished = false) => JSON.stringify({ runId: 'x', step, finished });
    writeRun(runsDir, '1-crashed', [start('crashed')], { 'checkpoint.json': checkpoint(3) });
    writeRun(runsDir, '2-stopped', [start('stopped'), done], { 'checkpoint.json': checkpoint(2) });
    writeRun(runsDir, '3-closed', [start('closed'), done], { 'checkpoint.json': checkpoint(4), [INTERRUPTED_MARKER]: 'now' });
    writeRun(runsDir, '4-no-checkpoint', [start('early')]);
    writeRun(runsDir, '5-finished', [start('fin')], { 'checkpoint.json': checkpoint(5, true) });
    const found = await findInterruptedRuns([runsDir, path.join(runsDir, 'missing')]);
    assert.deepEqual(found.map((r) => [path.basename(r.runDir), r.step]).sort(), [['1-crashed', 3], ['3-closed', 4]]);
    assert.equal(found[0].promptFile, '/ws/math.prompt.md');
  });
});
