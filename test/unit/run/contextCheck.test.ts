import assert from 'node:assert/strict';
import { contextWindowOf, UNKNOWN_MODEL_WINDOW } from '../../../src/core/config/contextWindows';
import type { Example } from '../../../src/core/data/example';
import { contextProblem } from '../../../src/core/run/contextCheck';

const example = (id: string, input: string): Example => ({ id, input, gold: '1', vars: { question: input } });
const task = { forwardMessages: (prompt: string, e: Example) => [{ role: 'system' as const, content: prompt }, { role: 'user' as const, content: e.input }] };

describe('context check before any call', () => {
  it('knows the windows of the models we price, dated snapshots included, and bounds the rest', () => {
    assert.deepEqual(contextWindowOf({ provider: 'openai', model: 'gpt-4o-mini' }), { tokens: 128_000, known: true });
    assert.deepEqual(contextWindowOf({ provider: 'openai', model: 'gpt-4o-2024-08-06' }), { tokens: 128_000, known: true });
    assert.deepEqual(contextWindowOf({ provider: 'openai', model: 'gpt-4-0613' }), { tokens: 8_192, known: true });
    assert.deepEqual(contextWindowOf({ provider: 'openai-compatible', model: 'llama3.1:8b' }), { tokens: UNKNOWN_MODEL_WINDOW, known: false });
    assert.deepEqual(contextWindowOf({ provider: 'simulator', model: 'simulator' }), { tokens: UNKNOWN_MODEL_WINDOW, known: false });
  });

  it('refuses a prompt or an example request over the window (reply reserve included), accepts what fits', () => {
    const model = { provider: 'openai' as const, model: 'gpt-4' };
    assert.equal(contextProblem({ promptText: 'x'.repeat(4 * 8_000), model, role: 'forward' }), null);
    assert.match(contextProblem({ promptText: 'x'.repeat(4 * 8_200), model, role: 'forward' })!, /^The prompt is too long for the forward model: about 8,200 tokens \(32,800 characters\), over gpt-4's context window of 8,192 tokens\./);
    assert.match(contextProblem({ promptText: 'x'.repeat(4 * 7_000), model: { ...model, maxTokens: 2_000 }, role: 'backward' })!, /backward model: .* with 2,000 for the reply/);
    const examples = [example('a', 'short'), example('b', 'y'.repeat(4 * 5_000)), example('c', 'mid')];
    assert.match(contextProblem({ promptText: 'x'.repeat(4 * 4_000), model, role: 'forward', task, examples })!, /^The request for example b is too long/);
    assert.equal(contextProblem({ promptText: 'x'.repeat(4 * 2_000), model, role: 'forward', task, examples }), null);
    // Unknown models: only what no model takes is refused.
    assert.match(contextProblem({ promptText: 'x'.repeat(4 * 2_000_001), model: { provider: 'openai-compatible', model: 'local' }, role: 'forward' })!, /more than any model we know of accepts/);
  });
});
