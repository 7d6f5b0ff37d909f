import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { RunConfigSchema } from '../../../src/core/config/runConfig';
import { CheckpointError, configHash, readCheckpoint, writeCheckpoint, type CheckpointFile } from '../../../src/core/run/checkpoint';

const StateSchema = z.object({ step: z.number().int(), prompt: z.string(), memory: z.array(z.object({ prompt: z.string(), score: z.number() })) });

describe('run checkpoint', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-ckpt-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const sample = (): CheckpointFile => ({
    version: 1,
    runId: '20261123-181500-ab12',
    step: 3,
    configHash: 'abc',
    state: { step: 3, prompt: 'Solve it. Answer: n', memory: [{ prompt: 'p', score: 0.5 }] },
    usage: { calls: 10, cachedCalls: 2, promptTokens: 100, completionTokens: 50, costUsd: 0.01 },
    budgetSpent: { calls: 8, tokens: 150, costUsd: 0.01, elapsedMs: 1234 },
    journalBytes: 4096,
    finished: false,
    savedAt: new Date(0).toISOString(),
  });

  it('round-trips through the file with the state validated', () => {
    const file = path.join(dir, 'checkpoint.json');
    writeCheckpoint(file, sample());
    const back = readCheckpoint(file, StateSchema);
    assert.deepEqual(back, sample());
    assert.deepEqual(fs.readdirSync(dir), ['checkpoint.json'], 'no temp file left behind');
  });

  it('rejects a missing, damaged or foreign checkpoint with a readable message', () => {
    const file = path.join(dir, 'checkpoint.json');
    assert.throws(() => readCheckpoint(file, StateSchema), (e: unknown) => e instanceof CheckpointError && /nothing to resume/.test(e.message));
    fs.writeFileSync(file, '{"version":1,');
    assert.throws(() => readCheckpoint(file, StateSchema), /not valid JSON/);
    fs.writeFileSync(file, JSON.stringify({ ...sample(), version: 7 }));
    assert.throws(() => readCheckpoint(file, StateSchema), /not a DLPO checkpoint \(version/);
    fs.writeFileSync(file, JSON.stringify({ ...sample(), state: { step: 'three' } }));
    assert.throws(() => readCheckpoint(file, StateSchema), /saved trainer state does not match/);
  });

  it('hashes what shapes the trajectory but not budgets or the cache', () => {
    const base = RunConfigSchema.parse({ promptFile: 'p.md', data: { source: 'd.jsonl' } });
    const h = configHash(base);
    assert.equal(configHash({ ...base, budget: { maxCostUsd: 5 } }), h);
    assert.equal(configHash({ ...base, cache: { enabled: false } }), h);
    assert.notEqual(configHash({ ...base, seed: 2 }), h);
    assert.notEqual(configHash({ ...base, techniques: { ...base.techniques, lr: 3 } }), h);
  });
});
