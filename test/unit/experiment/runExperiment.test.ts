import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { meanValCurves } from '../../../src/core/experiment/curves';
import { checkCompatible, runFolderState, spentInJournal } from '../../../src/core/experiment/experimentFolder';
import { ExperimentSpecSchema } from '../../../src/core/experiment/experimentSpec';
import { planRuns } from '../../../src/core/experiment/grid';
import { loadExperimentFile } from '../../../src/core/experiment/loadExperimentFile';
import { PAPER_EXPERIMENT_NAMES, paperExperimentSpec } from '../../../src/core/experiment/paperExperiments';
import { runConfigFor, runExperiment } from '../../../src/core/experiment/runExperiment';
import type { RunEvent } from '../../../src/core/run/events';

const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures', 'run');

function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-exp-unit-'));
  for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  return dir;
}

function smallSpec(ws: string, seeds = 2) {
  return ExperimentSpecSchema.parse({
    name: 'unit',
    prompt: path.join(ws, 'gsm8k.prompt.md'),
    data: { source: path.join(ws, 'gsm8k-sample.jsonl'), trainSize: 4, valSize: 3, testSize: 3 },
    seeds,
    base: { steps: 1, batchSize: 2 },
    configs: [{ name: 'textgrad', preset: 'textgrad' }, { name: 'robust', preset: 'robust' }],
    parallelRuns: 2,
  });
}

describe('experiment runner (offline simulator)', function () {
  this.timeout(60_000);
  let ws: string;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('runs the grid into runs/<key>, labels the simulator, and a second call skips every finished run', async () => {
    const spec = smallSpec(ws);
    const dir = path.join(ws, 'exp');
    const first = await runExperiment({ spec, experimentDir: dir, cwd: ws });
    assert.equal(first.stoppedBy, 'completed');
    assert.equal(first.started.length, 4);
    assert.equal(first.results.simulator, true);
    assert.match(fs.readFileSync(path.join(dir, 'results.md'), 'utf8'), /Offline simulator/);
    assert.deepEqual(first.results.rows.map((r) => r.runs), [2, 2]);
    for (const run of planRuns(spec)) assert.equal(runFolderState(path.join(dir, 'runs', run.key)).kind, 'finished');
    assert.ok(first.results.curves.every((c) => c.steps.length === 2 && c.n[0] === 2));

    const again = await runExperiment({ spec: smallSpec(ws, 3), experimentDir: dir, cwd: ws });
    assert.deepEqual(again.skipped.length, 4);
    assert.deepEqual(again.started.sort(), ['robust__seed-1003', 'textgrad__seed-1003']);
    assert.deepEqual(again.results.rows.map((r) => r.runs), [3, 3]);
  });

  it('stops every run on abort and resumes the stopped ones from their checkpoints', async () => {
    const spec = { ...smallSpec(ws), base: { steps: 3, batchSize: 2 } };
    const dir = path.join(ws, 'exp');
    const controller = new AbortController();
    let steps = 0;
    const stopped = await runExperiment({
      spec,
      experimentDir: dir,
      cwd: ws,
      signal: controller.signal,
      onEvent: (_run, e) => {
        if (e.type === 'checkpoint' && ++steps === 3) controller.abort();
      },
    });
    assert.equal(stopped.stoppedBy, 'cancelled');
    assert.ok(stopped.results.runs.some((r) => r.status === 'stopped'));
    assert.ok(stopped.results.runs.filter((r) => r.status === 'finished').length < 4);
    const resumed = await runExperiment({ spec, experimentDir: dir, cwd: ws });
    assert.equal(resumed.stoppedBy, 'completed');
    assert.ok(resumed.resumed.length >= 1);
    assert.deepEqual(resumed.results.rows.map((r) => r.runs), [2, 2]);
  });

  it('refuses to continue a folder with a different definition', async () => {
    const spec = smallSpec(ws);
    assert.doesNotThrow(() => checkCompatible(spec, { ...spec, seeds: 5, budget: { maxCalls: 10 } }));
    assert.throws(() => checkCompatible(spec, { ...spec, prompt: '/elsewhere.prompt.md' }), /prompt changed/);
    assert.throws(() => checkCompatible(spec, { ...spec, configs: spec.configs.slice(0, 1) }), /configs changed/);
  });
});

describe('experiment pieces', () => {
  it('every paper table plans valid run configs; a configuration’s own batch size wins over the base', () => {
    for (const name of PAPER_EXPERIMENT_NAMES) {
      const spec = paperExperimentSpec(name, { prompt: '/p.prompt.md', data: { source: 'gsm8k' }, seeds: 2, base: { batchSize: 7, steps: 1 } });
      const runs = planRuns(spec);
      assert.ok(runs.length >= 8);
      for (const r of runs) {
        const config = runConfigFor(spec, r.config, r.seed, { forward: { provider: 'simulator' } });
        assert.equal(config.seed, r.seed);
        assert.equal(config.steps, 1);
        if (name === 'table-batch') assert.equal(config.batchSize, Number(r.config.name.split(' ')[1]));
        else assert.equal(config.batchSize, 7);
      }
    }
    const robust = paperExperimentSpec('table-robustness', { prompt: '/p.prompt.md', data: { source: 'gsm8k' } });
    const byName = new Map(planRuns(robust).map((r) => [r.config.name, runConfigFor(robust, r.config, r.seed)]));
    assert.deepEqual([byName.get('tlr')!.techniques.lr, byName.get('tlr')!.techniques.dropout], [1, 0]);
    assert.deepEqual([byName.get('tlr+tdo')!.techniques.lr, byName.get('tlr+tdo')!.techniques.dropout], [1, 0.5]);
    assert.equal(byName.get('textgrad')!.techniques.tsa, false);
  });

  it('loads a YAML experiment file with paths relative to it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-exp-file-'));
    try {
      fs.writeFileSync(path.join(dir, 'data.jsonl'), '{"question":"1+1","answer":"2"}\n');
      fs.writeFileSync(path.join(dir, 'dlpo.experiment.yaml'), 'prompt: p.prompt.md\ndata: { source: data.jsonl }\nconfigs:\n  - { name: a, preset: best, patience: 2 }\n');
      const spec = loadExperimentFile(path.join(dir, 'dlpo.experiment.yaml'));
      assert.equal(spec.prompt, path.join(dir, 'p.prompt.md'));
      assert.equal(spec.data.source, path.join(dir, 'data.jsonl'));
      assert.equal(runConfigFor(spec, spec.configs[0], 1).patience, 2);
      fs.writeFileSync(path.join(dir, 'bad.json'), '{"prompt": "p", "data": {"source": "x"}, "configs": []}');
      assert.throws(() => loadExperimentFile(path.join(dir, 'bad.json')), /configs/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('averages validation per step over the runs that reached it', () => {
    const val = (step: number, score: number): RunEvent => ({ type: 'eval', step, split: 'val', score, n: 4, prompt: 'current' });
    const curves = meanValCurves(
      [
        { config: 'a', events: [val(0, 0.2), val(1, 0.4), val(2, 0.6)] },
        { config: 'a', events: [val(0, 0.4), val(1, 0.6)] },
        { config: 'b', events: [val(0, 0.5), { type: 'eval', step: 1, split: 'test', score: 1, n: 4, prompt: 'best' }] },
      ],
      ['a', 'b'],
    );
    assert.deepEqual(curves[0].steps, [0, 1, 2]);
    assert.ok(Math.abs(curves[0].meanVal[0]! - 0.3) < 1e-12);
    assert.ok(Math.abs(curves[0].meanVal[1]! - 0.5) < 1e-12);
    assert.deepEqual([curves[0].meanVal[2], curves[0].n[2]], [0.6, 1]);
    assert.deepEqual([curves[1].steps, curves[1].meanVal], [[0], [0.5]]);
  });

  it('counts only requests actually made against the grid budget', () => {
    const totals = { calls: 10, cachedCalls: 4, promptTokens: 100, completionTokens: 20, costUsd: 0.5 };
    const events: RunEvent[] = [{ type: 'usage', role: 'forward', purpose: 'x', model: 'm', promptTokens: 1, completionTokens: 1, costUsd: 0, cached: false, totals }];
    assert.deepEqual(spentInJournal(events), { calls: 6, tokens: 120, costUsd: 0.5, elapsedMs: 0 });
    assert.deepEqual(spentInJournal([]), { calls: 0, tokens: 0, costUsd: 0, elapsedMs: 0 });
  });
});

describe('experiment file strictness', () => {
  it('rejects a misspelt key instead of ignoring it', () => {
    const ok = { prompt: 'p', data: { source: 'gsm8k' }, configs: [{ name: 'a' }] };
    assert.ok(ExperimentSpecSchema.safeParse(ok).success);
    assert.ok(!ExperimentSpecSchema.safeParse({ ...ok, seed: 3 }).success);
    assert.ok(!ExperimentSpecSchema.safeParse({ ...ok, configs: [{ name: 'a', batchsize: 3 }] }).success);
    assert.ok(!ExperimentSpecSchema.safeParse({ ...ok, base: { stepz: 3 } }).success);
  });
});
