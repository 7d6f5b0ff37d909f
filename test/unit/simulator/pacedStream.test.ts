import { strict as assert } from 'node:assert';
import { isLlmError } from '../../../src/core/llm/errors';
import { createSimulatorModel } from '../../../src/core/simulator/simulatorModel';

const request = { messages: [{ role: 'user' as const, content: 'What is 2 + 3?' }], temperature: 0 };

async function collect(model: ReturnType<typeof createSimulatorModel>, signal?: AbortSignal): Promise<string[]> {
  const parts: string[] = [];
  for await (const p of model.stream(request, signal ? { signal } : {})) if (p.type === 'delta') parts.push(p.text);
  return parts;
}

describe('offline simulator: a paced stream for watching a run', () => {
  it('streams the same reply a few words at a time when paced, in four parts when not', async () => {
    const fast = await collect(createSimulatorModel({ seed: 1, role: 'forward' }));
    const paced = await collect(createSimulatorModel({ seed: 1, role: 'forward', streamCharsPerSecond: 100_000 }));
    assert.equal(paced.join(''), fast.join(''));
    assert.ok(fast.length <= 4);
    assert.ok(paced.every((p) => p.length <= 12) && paced.length > fast.length, `${paced.length} paced parts`);
  });

  it('a cancel during a pause ends the stream as cancelled, without waiting for the rest', async () => {
    const controller = new AbortController();
    const model = createSimulatorModel({ seed: 1, role: 'forward', streamCharsPerSecond: 1 });
    const started = collect(model, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(started, (e) => isLlmError(e, 'aborted'));
  });
});
