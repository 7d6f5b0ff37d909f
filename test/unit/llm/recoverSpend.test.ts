import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pricing } from '../../../src/core/llm/pricing';
import type { CheckpointFile } from '../../../src/core/run/checkpoint';
import type { RunEvent } from '../../../src/core/run/events';
import { recoverSpend } from '../../../src/core/run/recoverSpend';

/** recoverSpend: what a crashed session spent after its checkpoint, from the journal's tail. */
describe('recoverSpend (calls after the last checkpoint)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-recover-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const totals = { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
  const usage = (request: number | undefined, more: Partial<RunEvent & { type: 'usage' }> = {}): RunEvent => ({
    type: 'usage', role: 'forward', purpose: 'forward', model: 'gpt-4o-mini', promptTokens: 100, completionTokens: 10, costUsd: 0.001, cached: false, totals,
    ...(request !== undefined ? { request } : {}), ...more,
  } as RunEvent);
  const request = (id: number): RunEvent => ({ type: 'request', id, role: 'forward', model: 'gpt-4o-mini', promptTokens: 1000 });
  const write = (head: RunEvent[], tail: RunEvent[], cut = '') => {
    const file = path.join(dir, 'events.jsonl');
    const headText = head.map((e) => `${JSON.stringify(e)}\n`).join('');
    fs.writeFileSync(file, headText + tail.map((e) => `${JSON.stringify(e)}\n`).join('') + cut);
    return { file, bytes: Buffer.byteLength(headText) };
  };
  const checkpoint = (journalBytes: number, accountedBytes?: number) =>
    ({ journalBytes, ...(accountedBytes !== undefined ? { accountedBytes } : {}) }) as unknown as CheckpointFile;

  it('adds answered calls and charges the prompt of those left in flight; a line cut by the crash is skipped', () => {
    const { file, bytes } = write([request(0), usage(0)], [request(1), usage(1), request(2), request(3), usage(undefined, { cached: true })], '{"type":"usa');
    const r = recoverSpend(file, checkpoint(bytes, bytes), new Pricing())!;
    assert.equal(r.ended, 2);
    assert.equal(r.inFlight, 2, 'requests 2 and 3 never got their usage');
    assert.equal(r.usage.calls, 4);
    assert.equal(r.usage.cachedCalls, 1);
    assert.equal(r.budget.calls, 3, 'a cache hit is no request');
    assert.equal(r.budget.tokens, 110 + 2000);
    assert.ok(Math.abs(r.budget.costUsd - (0.001 + 2 * 1000 * 0.15e-6)) < 1e-12);
  });

  it('nothing after the accounting: nothing to recover', () => {
    const { file, bytes } = write([request(0), usage(0)], []);
    assert.equal(recoverSpend(file, checkpoint(bytes, bytes), new Pricing()), undefined);
  });

  it('an older checkpoint (no accountedBytes): the tail counts unless the session ended with done', () => {
    const { file, bytes } = write([], [request(0), usage(0)]);
    assert.equal(recoverSpend(file, checkpoint(bytes), new Pricing())?.ended, 1);
    const done = { type: 'done', stoppedBy: 'cancelled', message: '', steps: 0, bestStep: 0, bestPrompt: '', finalPrompt: '', scores: { start: { val: null, test: null }, best: { val: null, test: null }, final: { val: null, test: null } }, usage: totals } as RunEvent;
    const ended = write([], [request(0), usage(0), done]);
    assert.equal(recoverSpend(ended.file, checkpoint(ended.bytes), new Pricing()), undefined, 'its final totals had everything');
  });
});
