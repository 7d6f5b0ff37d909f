import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExperimentSpecSchema } from '../../../src/core/experiment/experimentSpec';
import { tableToCsv } from '../../../src/core/experiment/exportTable';
import { runExperiment } from '../../../src/core/experiment/runExperiment';
import { ExperimentBridge, type ExperimentBridgeHost } from '../../../src/extension/experiment/experimentBridge';
import type { ExperimentHostToWebview } from '../../../src/shared/experimentProtocol';
import { ExperimentViewSchema } from '../../../src/shared/experimentProtocol';

const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures', 'run');

describe('experiment panel bridge (host side)', function () {
  this.timeout(30_000);
  let ws: string;
  let dir: string;
  before(async () => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-exp-bridge-'));
    for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(ws, f));
    dir = path.join(ws, 'exp');
    const spec = ExperimentSpecSchema.parse({
      prompt: path.join(ws, 'gsm8k.prompt.md'),
      data: { source: path.join(ws, 'gsm8k-sample.jsonl'), trainSize: 4, valSize: 3, testSize: 3 },
      seeds: 2,
      base: { steps: 1, batchSize: 2 },
      configs: [{ name: 'textgrad', preset: 'textgrad' }, { name: 'robust', preset: 'robust' }],
    });
    await runExperiment({ spec, experimentDir: dir, cwd: ws });
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  function host() {
    const log = { posted: [] as ExperimentHostToWebview[], opened: [] as string[], saved: [] as { path: string; content: string }[], warnings: [] as string[], stops: 0, resumes: 0 };
    const h: ExperimentBridgeHost = {
      post: (m) => log.posted.push(m),
      openRun: async (d) => void log.opened.push(d),
      save: async (p, _f, content) => {
        log.saved.push({ path: p, content });
        return p;
      },
      stop: () => void log.stops++,
      resume: () => void log.resumes++,
      isRunning: () => false,
      latest: () => null,
      warn: (m) => void log.warnings.push(m),
    };
    return { h, log };
  }

  it('answers ready with the folder’s results, valid under the protocol schema', async () => {
    const { h, log } = host();
    await new ExperimentBridge(dir, h).receive({ type: 'ready' });
    assert.equal(log.posted.length, 1);
    const m = log.posted[0];
    assert.equal(m.type, 'results');
    if (m.type !== 'results') return;
    assert.ok(ExperimentViewSchema.safeParse(m.results).success);
    assert.deepEqual(m.results.rows.map((r) => r.runs), [2, 2]);
    assert.equal(m.results.simulator, true);
  });

  it('opens only the experiment’s own runs, exports, stops, and ignores junk', async () => {
    const { h, log } = host();
    const bridge = new ExperimentBridge(dir, h);
    await bridge.receive({ type: 'openRun', key: 'robust__seed-1002' });
    assert.deepEqual(log.opened, [path.join(dir, 'runs', 'robust__seed-1002')]);
    await bridge.receive({ type: 'openRun', key: '../../etc' });
    assert.equal(log.opened.length, 1);
    await bridge.receive({ type: 'export', format: 'csv' });
    assert.equal(log.saved[0].path, path.join(dir, 'results.csv'));
    assert.equal(log.saved[0].content, tableToCsv(bridge.results()!.rows));
    await bridge.receive({ type: 'export', format: 'markdown' });
    assert.match(log.saved[1].content, /Offline simulator/);
    await bridge.receive({ type: 'stop' });
    assert.equal(log.stops, 1);
    await bridge.receive({ type: 'resume' });
    assert.equal(log.resumes, 1);
    await bridge.receive({ type: 'openRun' });
    await bridge.receive('hello');
    assert.equal(log.warnings.length, 3);
  });
});
