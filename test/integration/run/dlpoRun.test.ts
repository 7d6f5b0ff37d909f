import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEvent, RunEventOf } from '../../../src/core/run/events';
import type { LoopbackServer } from '../../support/loopbackServer';
import { buildCli, eventsOf, filesUnder, httpArgs, makeWorkspace, runCli, startDlpoServer } from './runSupport';

/**
 * `dlpo run` end to end: the bundled CLI in a child process, the real OpenAI-compatible
 * provider and the `openai` SDK, a loopback server answering forward calls from gold
 * (wrong for a fraction keyed on the system prompt) and backward calls in kind.
 */

const KEY = 'sk-test-DLPO-secret-7f3a9c21e4b8';
const B = 3;
const SIZES = ['--train-size', '6', '--val-size', '4', '--test-size', '4'];
const N_TRAIN = 6;
const N_VAL = 4;

function sha(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function only<T extends RunEvent['type']>(events: RunEvent[], type: T): RunEventOf<T>[] {
  return events.filter((e): e is RunEventOf<T> => e.type === type);
}

/** The journal's event types with the chatter (usage, deltas) left out, consecutive repeats collapsed. */
function skeleton(events: RunEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.type === 'usage' || e.type === 'request' || e.type === 'gradient-delta' || (e.type === 'error' && !e.fatal)) continue;
    const label = e.type === 'eval' ? `eval:${e.split}` : e.type;
    if (out.at(-1) !== label || !['forward-result', 'technique-applied', 'eval:test'].includes(label)) out.push(label);
  }
  return out;
}

describe('dlpo run over HTTP (loopback server)', function () {
  this.timeout(120_000);
  let server: LoopbackServer;
  let ws: string;

  before(async () => {
    await buildCli();
  });
  beforeEach(async () => {
    server = await startDlpoServer();
    ws = makeWorkspace();
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('journals the expected event sequence and makes exactly the calls method.md counts per step', async () => {
    const promptFile = path.join(ws, 'gsm8k.prompt.md');
    const before = sha(promptFile);
    const r = await runCli(
      ['run', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', ...SIZES, '--batch-size', String(B), '--preset', 'best', '--no-cache', '--out', 'runs', ...httpArgs(server)],
      { cwd: ws, env: { DLPO_TEST_KEY: KEY } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha(promptFile), before, 'the prompt file is byte-identical after the run');
    assert.match(r.stdout, /start\s+\d+\.\d%/);
    assert.doesNotMatch(r.stdout, /offline simulator/, 'a real provider run is not labelled as the simulator');

    const runDir = path.join(ws, 'runs', fs.readdirSync(path.join(ws, 'runs'))[0]);
    for (const f of ['config.json', 'events.jsonl', 'checkpoint.json', 'report.json', 'report.md', 'best.prompt.md', 'final.prompt.md']) {
      assert.ok(fs.existsSync(path.join(runDir, f)), `${f} written`);
    }
    const events = eventsOf(runDir);
    const steps = Math.ceil(N_TRAIN / B);

    // The journal's grammar: run-start, step 0 evaluation, then per step the loop of method.md, then test scores and done.
    const sk = skeleton(events);
    assert.deepEqual(sk.slice(0, 4), ['run-start', 'eval:val', 'eval:train', 'prompt-length']);
    const perStep = ['step-start', 'forward-result', 'loss'];
    let i = 4;
    for (let s = 1; s <= steps; s++) {
      assert.deepEqual(sk.slice(i, i + 3), perStep, `step ${s} starts with forward and loss`);
      const end = sk.indexOf('checkpoint', i);
      const body = sk.slice(i + 3, end);
      assert.ok(body.includes('update-skipped') || (body.includes('gradient') && body.includes('candidate') && body.includes('tsa-decision') && body.includes('review')), body.join(','));
      assert.deepEqual(body.slice(-3), ['eval:val', 'eval:train', 'prompt-length'], `step ${s} ends with evaluation`);
      i = end + 1;
    }
    assert.deepEqual(sk.slice(i), ['eval:test', 'checkpoint', 'done']);
    assert.equal(only(events, 'checkpoint').length, steps + 1);

    // Calls per step, from the usage events between step-start k and checkpoint k, against method.md:
    // backward 2B + 2 (critique and feedback per example, one summary, one update); forward B for the
    // batch, N_train for TSA, N_val + N_train for the evaluation — minus prompts already scored (memo).
    const scoredTrain = new Set<string>();
    const scoredVal = new Set<string>();
    const start = only(events, 'run-start')[0];
    scoredTrain.add(start.prompt);
    scoredVal.add(start.prompt);
    let current = start.prompt;
    let step = 0;
    let counts: Record<string, number> = {};
    let expected: Record<string, number> = {};
    let candidate: RunEventOf<'candidate'> | undefined;
    for (const e of events) {
      if (e.type === 'step-start') {
        step = e.step;
        counts = {};
        expected = { forward: B, critique: B, feedback: B, summary: B > 1 ? 1 : 0, update: 1, 'evaluate-train': 0, 'evaluate-val': 0 };
        candidate = undefined;
      } else if (step > 0 && e.type === 'usage') {
        counts[e.purpose] = (counts[e.purpose] ?? 0) + 1;
      } else if (step > 0 && e.type === 'update-skipped') {
        expected.critique = expected.feedback = expected.summary = expected.update = 0;
      } else if (step > 0 && e.type === 'candidate') {
        candidate = e;
      } else if (step > 0 && e.type === 'tsa-decision' && candidate) {
        if (!scoredTrain.has(candidate.after)) expected['evaluate-train'] += N_TRAIN;
        scoredTrain.add(candidate.after);
      } else if (step > 0 && e.type === 'review') {
        if (e.accepted) current = e.prompt ?? candidate!.after;
      } else if (step > 0 && e.type === 'checkpoint' && e.step === step) {
        if (!scoredVal.has(current)) expected['evaluate-val'] += N_VAL;
        if (!scoredTrain.has(current)) expected['evaluate-train'] += N_TRAIN;
        scoredVal.add(current);
        scoredTrain.add(current);
        const got = { forward: 0, critique: 0, feedback: 0, summary: 0, update: 0, 'evaluate-train': 0, 'evaluate-val': 0, ...counts };
        assert.deepEqual(got, expected, `calls of step ${step}`);
        step = 0;
      }
    }

    // Every HTTP request is accounted for in the journal, and backward requests are 2B + 2 per step.
    const usage = only(events, 'usage');
    assert.equal(server.chatRequests().length, usage.length);
    const done = only(events, 'done')[0];
    assert.equal(done.usage.calls, usage.length);
    const backwardRequests = server.chatRequests().filter((q) => /^You (are a critical|give feedback|summarise|improve)/.test(q.chat!.system)).length;
    const gradientSteps = only(events, 'gradient').length;
    assert.equal(backwardRequests, gradientSteps * (2 * B + 2));

    // Every request carried the key; no file the run wrote contains it.
    assert.ok(server.chatRequests().every((q) => q.auth.present && q.auth.sha256 === createHash('sha256').update(KEY).digest('hex')));
    for (const file of filesUnder(ws)) assert.ok(!fs.readFileSync(file, 'utf8').includes(KEY), `${file} must not contain the API key`);
    assert.ok(!r.stdout.includes(KEY) && !r.stderr.includes(KEY));

    // best/final files are the whole document with only the body replaced.
    const original = fs.readFileSync(promptFile, 'utf8');
    const final = fs.readFileSync(path.join(runDir, 'final.prompt.md'), 'utf8');
    const frontMatter = original.slice(0, original.indexOf('---', 3) + 3);
    assert.ok(final.startsWith(frontMatter), 'front matter intact');
    assert.ok(final.includes(done.finalPrompt));
    const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    assert.equal(report.simulator, false);
    assert.deepEqual(report.scores, done.scores);
  });

  it('--json prints exactly one JSON object with the documented shape', async () => {
    const r = await runCli(['run', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', ...SIZES, '--batch-size', String(B), '--steps', '1', '--json', '--out', 'runs', ...httpArgs(server)], {
      cwd: ws,
      env: { DLPO_TEST_KEY: KEY },
    });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, r.stdout);
    const out = JSON.parse(lines[0]);
    assert.deepEqual(Object.keys(out).sort(), ['runDir', 'scores', 'simulator', 'steps', 'stoppedBy', 'usage']);
    assert.equal(out.simulator, false);
    assert.ok(fs.existsSync(path.join(out.runDir, 'events.jsonl')));
    for (const k of ['start', 'best', 'final']) {
      assert.deepEqual(Object.keys(out.scores[k]).sort(), ['test', 'val']);
      assert.equal(typeof out.scores[k].val, 'number');
      assert.equal(typeof out.scores[k].test, 'number');
    }
    assert.deepEqual(Object.keys(out.usage).sort(), ['calls', 'completionTokens', 'costUsd', 'promptTokens']);
    assert.equal(out.steps, 1);
    assert.equal(out.stoppedBy, 'completed');
    const done = only(eventsOf(out.runDir), 'done')[0];
    assert.equal(out.usage.calls, done.usage.calls);
    assert.deepEqual(out.scores, done.scores);
  });

  it('--max-cost stops the run before the cap is passed, with stoppedBy budget-cost', async () => {
    // Prices for the loopback model ($100 per million tokens) so calls cost real-looking money.
    fs.writeFileSync(path.join(ws, 'dlpo.config.json'), JSON.stringify({ prices: { 'test-model': { input: 100, output: 100 } } }));
    const args = ['run', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', ...SIZES, '--batch-size', String(B), '--json', '--no-cache', '--out', 'runs', ...httpArgs(server)];
    const full = await runCli(args, { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
    assert.equal(full.code, 0, full.stderr);
    const fullCost = JSON.parse(full.stdout).usage.costUsd as number;
    assert.ok(fullCost > 0);
    server.reset();
    const cap = Number((fullCost / 2).toFixed(4));
    const r = await runCli([...args, '--max-cost', String(cap)], { cwd: ws, env: { DLPO_TEST_KEY: KEY } });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.stoppedBy, 'budget-cost');
    assert.ok(out.usage.costUsd <= cap, `spent ${out.usage.costUsd} of ${cap}`);
    assert.ok(out.usage.costUsd > 0);
    assert.match(r.stderr, /--resume/);
    const report = fs.readFileSync(path.join(out.runDir, 'report.md'), 'utf8');
    assert.match(report, /cost cap|--max-cost|Budget reached/);
    // Every request the server saw was metered; none was made after the cap refused one.
    assert.equal(server.chatRequests().length, out.usage.calls);
  });

  it('--simulator runs offline and labels every figure "offline simulator"', async () => {
    const text = await runCli(['run', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', '--simulator', '--out', 'runs'], { cwd: ws });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout.split('\n')[0], /offline simulator/);
    assert.match(text.stdout, /\[offline simulator\]/);
    assert.match(text.stderr, /\[offline simulator\] step 1\//);
    const json = await runCli(['run', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', '--simulator', '--json', '--quiet', '--out', 'runs'], { cwd: ws });
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout);
    assert.equal(out.simulator, true);
    const events = eventsOf(out.runDir);
    assert.equal(only(events, 'run-start')[0].simulator, true);
    assert.match(fs.readFileSync(path.join(out.runDir, 'report.md'), 'utf8'), /offline simulator/);
    assert.equal(JSON.parse(fs.readFileSync(path.join(out.runDir, 'report.json'), 'utf8')).notice.startsWith('offline simulator'), true);
    assert.equal(server.chatRequests().length, 0, 'no network');
    // Same seed, same simulator: the same run.
    const first = path.join(ws, 'runs', fs.readdirSync(path.join(ws, 'runs')).sort()[0]);
    assert.equal(only(eventsOf(first), 'done')[0].finalPrompt, only(events, 'done')[0].finalPrompt);
  });

  it('rejects bad input with exit 2 and a message that names the fix', async () => {
    const cases: [string[], RegExp][] = [
      [['--techniques', 'tlr,warp'], /Unknown technique "warp"\. Valid techniques: tlr, tlrd, tdo, tmnt, tcl, tregu, tsa/],
      [['--dropout', '1.5'], /techniques\.dropout: must be ≤ 1 \(got 1\.5\) — set --dropout/],
      [['--max-cost=-1'], /--max-cost must be greater than 0/],
      [['--batch-size', '0'], /batchSize: must be ≥ 1 \(got 0\)/],
      [['--preset', 'fastest'], /preset: must be one of best, robust, textgrad, reference, all, custom/],
    ];
    for (const [extra, message] of cases) {
      const r = await runCli(['run', 'gsm8k.prompt.md', '--data', 'gsm8k-sample.jsonl', '--simulator', '--out', 'runs', ...extra], { cwd: ws });
      assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    const missingData = await runCli(['run', 'gsm8k.prompt.md', '--data', 'nope.jsonl', '--simulator', '--out', 'runs'], { cwd: ws });
    assert.equal(missingData.code, 2, missingData.stderr);
    assert.match(missingData.stderr, /nope\.jsonl/);
    assert.ok(!fs.existsSync(path.join(ws, 'runs')) || fs.readdirSync(path.join(ws, 'runs')).length === 0, 'bad input leaves no run folder behind');
  });
});
