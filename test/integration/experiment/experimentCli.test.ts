import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEventOf } from '../../../src/core/run/events';
import type { LoopbackServer } from '../../support/loopbackServer';
import { buildCli, httpArgs, makeWorkspace, runCli, spawnCli, startDlpoServer, waitUntil } from '../run/runSupport';
import { KEY, doneOf, experimentDirIn, journalOf, meanStd, parseJsonOut, runDirs, sha256File, writeGridFile } from './experimentSupport';

/**
 * `dlpo experiment` end to end: the bundled CLI in a child process, the real
 * OpenAI-compatible provider over HTTP to a loopback server that answers forward calls
 * from the dataset's gold (wrong for a fraction keyed on the system prompt) and backward
 * calls in kind, so the runs have real dynamics and differ by seed and configuration.
 */

interface Report {
  seed: number;
  preset: string;
  stoppedBy: string;
  scores: { best: { val: number | null; test: number | null } };
  usage: { calls: number; promptTokens: number; completionTokens: number; costUsd: number };
}

function readReport(runDir: string): Report {
  return JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8')) as Report;
}

describe('dlpo experiment over HTTP (loopback server)', function () {
  this.timeout(240_000);
  let server: LoopbackServer;
  let ws: string;

  before(async () => {
    await buildCli();
  });
  afterEach(async () => {
    await server?.close();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('runs a 2×3 grid into six runs whose reports give the table’s means and stds, never above the shared concurrency limit', async () => {
    // A little latency per reply so runs overlap and requests queue on the shared limiter.
    server = await startDlpoServer(25);
    ws = makeWorkspace();
    writeGridFile(ws, { parallelRuns: 3, maxConcurrency: 3 });
    const r = await runCli(['experiment', 'dlpo.experiment.yaml', '--json', '--out', 'exp', '--no-cache', ...httpArgs(server)], {
      cwd: ws,
      env: { DLPO_TEST_KEY: KEY },
      timeoutMs: 180_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = parseJsonOut(r.stdout);
    assert.equal(out.stoppedBy, 'completed');
    assert.equal(out.simulator, false, 'a real provider is not labelled as the simulator');
    assert.equal(out.experimentDir, experimentDirIn(ws, 'exp'));
    const dirs = runDirs(out.experimentDir);
    assert.equal(dirs.length, 6);
    assert.deepEqual(dirs.map((d) => path.basename(d)).sort(), ['robust__seed-1001', 'robust__seed-1002', 'robust__seed-1003', 'textgrad__seed-1001', 'textgrad__seed-1002', 'textgrad__seed-1003']);
    for (const f of ['experiment.json', 'results.json', 'results.md', 'results.csv']) assert.ok(fs.existsSync(path.join(out.experimentDir, f)), f);

    // The table, recomputed here from the six report.json files.
    assert.deepEqual(out.table.map((t) => t.config), ['textgrad', 'robust']);
    const spread: number[] = [];
    for (const row of out.table) {
      const reports = dirs.filter((d) => path.basename(d).startsWith(`${row.config}__`)).map(readReport);
      assert.equal(reports.length, 3);
      assert.deepEqual(reports.map((x) => x.seed).sort(), [1001, 1002, 1003]);
      for (const x of reports) assert.equal(x.stoppedBy, 'completed');
      assert.equal(row.runs, 3);
      const val = meanStd(reports.map((x) => x.scores.best.val!));
      const test = meanStd(reports.map((x) => x.scores.best.test!));
      assert.ok(Math.abs(row.val.mean! - val.mean) < 1e-12, `${row.config} val mean ${row.val.mean} vs ${val.mean}`);
      assert.ok(Math.abs(row.val.std! - val.std) < 1e-12, `${row.config} val std ${row.val.std} vs ${val.std}`);
      assert.ok(Math.abs(row.test.mean! - test.mean) < 1e-12, `${row.config} test mean`);
      assert.ok(Math.abs(row.test.std! - test.std) < 1e-12, `${row.config} test std`);
      assert.equal(row.calls, reports.reduce((n, x) => n + x.usage.calls, 0));
      assert.equal(row.tokens, reports.reduce((n, x) => n + x.usage.promptTokens + x.usage.completionTokens, 0));
      spread.push(val.std, test.std);
    }
    assert.ok(spread.some((s) => s > 0), 'the seeds give different results (otherwise the std check proves little)');
    // Every model call of the grid went to the server: the sum of the runs' calls (no cache).
    assert.equal(server.chatRequests().length, out.table.reduce((n, t) => n + t.calls, 0));

    // The one concurrency limit held across runs that really overlapped.
    assert.ok(server.maxInFlight <= 3, `max in flight ${server.maxInFlight} > 3`);
    assert.ok(server.maxInFlight >= 2, 'requests were in flight together');
    const spans = dirs.map((d) => {
      const start = journalOf(d).find((e): e is RunEventOf<'run-start'> => e.type === 'run-start')!;
      return { start: Date.parse(start.time), end: fs.statSync(path.join(d, 'events.jsonl')).mtimeMs };
    });
    const overlapping = spans.some((a, i) => spans.some((b, j) => i < j && Math.max(a.start, b.start) < Math.min(a.end, b.end)));
    assert.ok(overlapping, 'at least two runs ran at the same time');

    // The Markdown printed without --json is the same table, from the folder.
    const md = fs.readFileSync(path.join(out.experimentDir, 'results.md'), 'utf8');
    assert.match(md, /\| textgrad \| 3 \|/);
    assert.match(md, /\| robust \| 3 \|.*\[/, 'the non-baseline row has a confidence interval');
    assert.doesNotMatch(md, /Offline simulator/);
  });

  it('after kill -9 mid-grid, --resume finishes only the missing runs and leaves finished journals untouched', async () => {
    server = await startDlpoServer(40);
    ws = makeWorkspace();
    writeGridFile(ws, { parallelRuns: 2, maxConcurrency: 2 });
    const { child, done } = spawnCli(['experiment', 'dlpo.experiment.yaml', '--out', 'exp', '--cache-dir', 'cache', ...httpArgs(server)], {
      cwd: ws,
      env: { DLPO_TEST_KEY: KEY },
    });
    const finishedNow = () => {
      const dir = experimentDirIn(ws, 'exp');
      return dir ? runDirs(dir).filter((d) => doneOf(d)?.stoppedBy === 'completed') : [];
    };
    const midRun = () => {
      const dir = experimentDirIn(ws, 'exp');
      return dir ? runDirs(dir).filter((d) => !doneOf(d) && fs.existsSync(path.join(d, 'checkpoint.json'))) : [];
    };
    // Two runs finished and another one checkpointed but not done.
    await waitUntil(() => finishedNow().length >= 2 && midRun().length >= 1, 150_000, 'two finished runs and one mid-run');
    child.kill('SIGKILL');
    const killed = await done;
    assert.equal(killed.signal, 'SIGKILL');
    const dir = experimentDirIn(ws, 'exp')!;
    const finished = finishedNow();
    assert.ok(finished.length >= 2 && finished.length < 6, `${finished.length} runs finished before the kill`);
    const interrupted = midRun().map((d) => path.basename(d));
    const before = new Map(finished.map((d) => [path.basename(d), { hash: sha256File(path.join(d, 'events.jsonl')), mtime: fs.statSync(path.join(d, 'events.jsonl')).mtimeMs, report: sha256File(path.join(d, 'report.json')) }]));

    // The experiment folder knows its models and key variable: no model flags on resume.
    const r = await runCli(['experiment', '--resume', dir, '--json'], { cwd: ws, env: { DLPO_TEST_KEY: KEY }, timeoutMs: 180_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = parseJsonOut(r.stdout);
    assert.equal(out.experimentDir, dir);
    assert.deepEqual(out.session.skipped.sort(), [...before.keys()].sort(), 'exactly the finished runs are skipped');
    for (const key of interrupted) assert.ok(out.session.resumed.includes(key), `${key} resumed from its checkpoint`);
    assert.equal(out.session.skipped.length + out.session.resumed.length + out.session.started.length, 6);
    for (const [key, b] of before) {
      const d = path.join(dir, 'runs', key);
      assert.equal(sha256File(path.join(d, 'events.jsonl')), b.hash, `${key} journal untouched`);
      assert.equal(fs.statSync(path.join(d, 'events.jsonl')).mtimeMs, b.mtime, `${key} journal not rewritten`);
      assert.equal(sha256File(path.join(d, 'report.json')), b.report, `${key} report untouched`);
    }
    // All six finished now; a resumed run says so in its journal.
    assert.equal(runDirs(dir).filter((d) => doneOf(d)?.stoppedBy === 'completed').length, 6);
    for (const key of interrupted) {
      const starts = journalOf(path.join(dir, 'runs', key)).filter((e): e is RunEventOf<'run-start'> => e.type === 'run-start');
      assert.equal(starts.length, 2);
      assert.ok((starts[1].resumedFromStep ?? 0) >= 1);
    }
    assert.deepEqual(out.table.map((t) => t.runs), [3, 3]);

    // Extending with more seeds later: same folder, only the new seed's runs start.
    const more = await runCli(['experiment', '--resume', dir, '--seeds', '4', '--json'], { cwd: ws, env: { DLPO_TEST_KEY: KEY }, timeoutMs: 180_000 });
    assert.equal(more.code, 0, more.stderr);
    const extended = parseJsonOut(more.stdout);
    assert.deepEqual(extended.session.started.sort(), ['robust__seed-1004', 'textgrad__seed-1004']);
    assert.equal(extended.session.skipped.length, 6);
    assert.deepEqual(extended.table.map((t) => t.runs), [4, 4]);
  });

  it('stops the whole grid cleanly at one grid budget', async () => {
    server = await startDlpoServer(10);
    ws = makeWorkspace();
    writeGridFile(ws, { parallelRuns: 3, maxConcurrency: 4 });
    const cap = 150;
    const r = await runCli(['experiment', 'dlpo.experiment.yaml', '--json', '--out', 'exp', '--no-cache', '--max-calls', String(cap), ...httpArgs(server)], {
      cwd: ws,
      env: { DLPO_TEST_KEY: KEY },
      timeoutMs: 180_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /budget/i);
    assert.match(r.stderr, /--resume/);
    const out = parseJsonOut(r.stdout);
    assert.equal(out.stoppedBy, 'budget');
    // One budget for the grid: the server saw at most `cap` requests in total, over several runs.
    const requests = server.chatRequests().length;
    assert.ok(requests <= cap, `${requests} requests > cap ${cap}`);
    assert.ok(requests >= cap * 0.8, `the budget was used (${requests} of ${cap})`);
    const dirs = runDirs(out.experimentDir);
    assert.ok(dirs.length >= 2 && dirs.length < 6, `${dirs.length} runs started before the budget ran out`);
    // Cleanly: every started run ended with done; those cut short by the budget say so and stay resumable.
    const stopped = dirs.map((d) => doneOf(d));
    for (const d of stopped) assert.ok(d, 'every started run has a done event');
    assert.ok(stopped.some((d) => d!.stoppedBy === 'budget-calls'));
    assert.ok(fs.existsSync(path.join(out.experimentDir, 'results.md')));
  });
});
