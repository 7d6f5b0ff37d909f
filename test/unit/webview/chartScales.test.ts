import { strict as assert } from 'node:assert';
import { columnMax, cumulativeRange, lastInColumn, legendValue } from '../../../src/webview/chartScales';

describe('webview: chart axes and legends', () => {
  it('ranges a cumulative axis from the cap, else from the data, never the library default', () => {
    // The $0 run with a $1 cap: the axis runs to $1, not to $100.
    assert.deepEqual(cumulativeRange(columnMax([0, 0, 0]), 1, 0.01), [0, 1]);
    assert.deepEqual(cumulativeRange(columnMax([0, 0.02, 0.04]), 1, 0.01), [0, 1]);
    // Spent past the cap (a call in flight when it was reached): the data still fits.
    assert.deepEqual(cumulativeRange(1.2, 1, 0.01), [0, 1.2]);
    // No cap: a little above the data; no data: a small floor.
    const [, top] = cumulativeRange(columnMax([null, 0.5, 2]), null, 0.01);
    assert.ok(top > 2 && top < 2.5, String(top));
    assert.deepEqual(cumulativeRange(columnMax([null, 0]), null, 0.01), [0, 0.01]);
    assert.deepEqual(cumulativeRange(null, null, 1000), [0, 1000]);
  });

  it('shows the latest value in a legend at rest and the hovered one under the cursor', () => {
    const col = [0.5, null, 0.62, null];
    const fmt = (v: number) => `${Math.round(v * 100)}%`;
    assert.equal(lastInColumn(col), 0.62);
    assert.equal(legendValue(col, null, null, fmt), '62%', 'cursor off the chart: the latest value');
    assert.equal(legendValue(col, 0.5, 0, fmt), '50%', 'cursor on a point: its value');
    assert.equal(legendValue(col, null, 1, fmt), '–', 'cursor on a step without a value');
    assert.equal(legendValue([null, null], null, null, fmt), 'no data yet');
  });
});
