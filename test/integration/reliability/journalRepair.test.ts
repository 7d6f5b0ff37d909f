import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { comparableJournal, readJournal } from '../../../src/core/run/journal';
import { buildCli, makeWorkspace, runCli } from '../run/runSupport';
import { only } from './faultServer';

/**
 * A crash in the middle of writing a journal line leaves half a line at the end of
 * events.jsonl. `--resume` cuts it away, says so (stderr and a non-fatal `journal` error
 * event), and the run still ends exactly like one that was never interrupted.
 */
describe('reliability: resume over a journal whose last line was cut mid-write (dlpo run)', function () {
  this.timeout(120_000);
  let ws: string;
  before(async () => {
    await buildCli();
    ws = makeWorkspace();
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('reports the cut line, cuts it, and ends like the uninterrupted run', async () => {
    const args = ['run', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', '--simulator', '--train-size', '6', '--val-size', '3', '--test-size', '3', '--batch-size', '3', '--json'];
    const full = await runCli([...args, '--out', 'full'], { cwd: ws });
    assert.equal(full.code, 0, full.stderr);
    const fullDir = JSON.parse(full.stdout).runDir as string;

    const capped = await runCli([...args, '--out', 'capped', '--max-calls', '30'], { cwd: ws });
    assert.equal(capped.code, 0, capped.stderr);
    const dir = JSON.parse(capped.stdout).runDir as string;
    assert.equal(JSON.parse(capped.stdout).stoppedBy, 'budget-calls');
    // The crash: half an event at the end, no newline.
    const journal = path.join(dir, 'events.jsonl');
    fs.appendFileSync(journal, '{"type":"forward-result","step":2,"exampleId":"gsm8k-sam');
    assert.equal(readJournal(journal).truncatedLastLine, true);

    const resumed = await runCli(['run', '--resume', dir, '--max-calls', '1000', '--json'], { cwd: ws });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /warning: \S*events\.jsonl: the last line was cut off mid-write \(the run was interrupted while writing\); it was discarded\./);
    const after = readJournal(journal);
    assert.equal(after.truncatedLastLine, false);
    assert.deepEqual(after.problems, []);
    // (The other journal note of this resume adds back the calls of the capped step.)
    const warnings = only(after.events, 'error').filter((e) => e.kind === 'journal' && /cut off mid-write/.test(e.message));
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].fatal, false);
    assert.equal(only(after.events, 'done')[0].stoppedBy, 'completed');
    assert.deepEqual(comparableJournal(after.events), comparableJournal(readJournal(path.join(fullDir, 'events.jsonl')).events));
  });
});
