import { strict as assert } from 'node:assert';
import type { RunEvent } from '../../../src/core/run/events';
import { runViewOf } from '../../../src/shared/runView';
import { appendEvent } from '../../../src/extension/run/eventList';
import { runTrainer } from '../../support/dlpoHarness';

describe('a run session’s event list', () => {
  it('joins streamed deltas per step and part, and folds to the same panel view as the raw events', async () => {
    const { events } = await runTrainer({ preset: 'best', steps: 3, modelOptions: { chunkSize: 3 } });
    const raw: RunEvent[] = events;
    const joined: RunEvent[] = [];
    for (const e of raw) appendEvent(joined, e);
    const deltas = (list: RunEvent[]) => list.filter((e) => e.type === 'gradient-delta').length;
    assert.ok(deltas(raw) > 50, `the scripted model streamed ${deltas(raw)} deltas`);
    assert.ok(deltas(joined) <= 3 * 3 * 2, `${deltas(joined)} joined deltas for 3 steps`);
    assert.deepEqual(joined.filter((e) => e.type !== 'gradient-delta'), raw.filter((e) => e.type !== 'gradient-delta'));
    // The same view, up to the counters of how many events (and redraws) it took.
    const content = (list: RunEvent[]) => JSON.parse(JSON.stringify(runViewOf(list), (k, v: unknown) => (k === 'eventCount' || k === 'rev' || k.endsWith('Rev') ? undefined : v)));
    assert.deepEqual(content(joined), content(raw));
  });
});
