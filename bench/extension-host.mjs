#!/usr/bin/env node
// The extension measured in the real VS Code (issue 12): code-server 4.100.3 (VS Code
// 1.100.3) + Debian's Chromium, the harness of test/e2e/lib, the extension installed from
// its packaged .vsix.
//
// (a) Activation time. A bench-only companion extension (activationEvents "*", installed
//     next to the .vsix) calls `vscode.extensions.getExtension(ID).activate()` as soon as
//     its own activate() runs and times that promise in the extension host with
//     performance.now(): from the moment activation is triggered to the extension's
//     `activate()` having returned (VS Code loads dist/extension.js, calls activate(),
//     awaits what it returns). The workspace holds no prompt file at that point, so
//     nothing else activates DLPO first (its activation events are prompt files, runs,
//     experiments, webviews). One sample per extension host: the window is reloaded,
//     which starts a new extension host, ACTIVATION_SAMPLES times in all. VS Code's own
//     record (Developer: Show Running Extensions) is read once as a cross-check.
// (b) Extension-host memory during a 500-step run. The prompt file is then written, opened
//     and "DLPO: Optimize Prompt" is run from the command palette; the workspace
//     dlpo.config.yaml answers every question (offline simulator, `best`, B = 3,
//     20/20/5, 500 steps) except the estimate, which is confirmed with Start. Review mode
//     is `tsa` (the run decides). The extension host's RSS is read from /proc/<pid>/status
//     every 0.5 s (pid reported by the companion: it runs in the same process) from
//     before the start until a few seconds after the journal's `done` event. Before the
//     run and after it the companion forces a full GC in the host on request and reports
//     process.memoryUsage() around it: retained memory vs garbage not yet collected.
//
// Prints a table, writes bench/results/extension-host.json. Exit code 0 with a "skipped"
// line when the e2e cache (scripts/e2e-setup.sh) is missing. Stops every process it
// started (code-server's process group, Chromium) and checks none is left.
//
//   node bench/extension-host.mjs [--build]     --build: `npm run package` first
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { launchBrowser, newWorkbenchPage, openWorkbench } from '../test/e2e/lib/browser.mjs';
import { createProfile, installVsix, installedExtensions, startCodeServer, workbenchUrl } from '../test/e2e/lib/codeServer.mjs';
import { CACHE, REPO } from '../test/e2e/lib/env.mjs';
import { installSignalHandlers, ourProcessGroups, stopAll } from '../test/e2e/lib/processes.mjs';
import { sh, sleep, waitFor, writeFile } from '../test/e2e/lib/util.mjs';
import * as wb from '../test/e2e/lib/workbench.mjs';

const EXTENSION_ID = 'dlpo.dlpo-prompt-optimizer';
const VSIX = path.join(REPO, 'dist', 'dlpo-prompt-optimizer.vsix');
const RESULT_FILE = path.join(REPO, 'bench', 'results', 'extension-host.json');
const ACTIVATION_SAMPLES = Number(process.env.BENCH_ACTIVATION_SAMPLES ?? 3);
const RUN_STEPS = Number(process.env.BENCH_HOST_STEPS ?? 500);
const SAMPLE_EVERY_MS = 500;
const MiB = 2 ** 20;
const round = (n, d = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : n);

function envOrSkip() {
  let env;
  try { env = JSON.parse(fs.readFileSync(path.join(CACHE, 'env.json'), 'utf8')); } catch { /* missing */ }
  const ok = env && [env.codeServerEntry, env.chromium, env.playwrightCore].every((p) => p && fs.existsSync(p));
  if (!ok) {
    console.log(`extension host: skipped — no e2e cache at ${CACHE} (run \`npm run test:e2e:setup\`, i.e. scripts/e2e-setup.sh, to install code-server and Chromium)`);
    process.exit(0);
  }
  return env;
}

/** The bench-only companion: times DLPO's activation from inside the extension host. */
function buildCompanionVsix(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  writeFile(path.join(dir, 'package.json'), {
    name: 'dlpo-bench-activation', publisher: 'dlpo-bench', version: '0.0.1', license: 'MIT',
    description: 'Benchmark-only companion: times the DLPO extension\'s activation in the extension host.',
    engines: { vscode: '^1.100.0' }, main: './extension.js', activationEvents: ['*'],
  });
  writeFile(path.join(dir, 'README.md'), '# dlpo-bench-activation\nBenchmark-only companion of bench/extension-host.mjs.\n');
  writeFile(path.join(dir, 'LICENSE'), 'MIT\n');
  writeFile(path.join(dir, 'extension.js'), `
const vscode = require('vscode');
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');
exports.activate = async function (context) {
  const dir = process.env.DLPO_BENCH_MARKER_DIR;
  if (!dir) return;
  const ext = vscode.extensions.getExtension(${JSON.stringify(EXTENSION_ID)});
  const record = { pid: process.pid, at: Date.now(), found: !!ext, wasActive: !!(ext && ext.isActive) };
  if (ext) {
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    try { await ext.activate(); } catch (e) { record.error = String(e && e.message || e); }
    record.activateMs = performance.now() - t0;
    record.rssBeforeMiB = rssBefore / 1048576;
    record.rssAfterMiB = process.memoryUsage().rss / 1048576;
    record.extensionPath = ext.extensionPath;
    record.dlpoCommands = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('dlpo.')).length;
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'activation-' + process.pid + '.json'), JSON.stringify(record));
  // On request (a file gc-<pid>.request from the driver): a full GC, then the heap, so the
  // driver can tell what the host retains after a run from what is merely not collected yet.
  const request = path.join(dir, 'gc-' + process.pid + '.request');
  const timer = setInterval(() => {
    if (!fs.existsSync(request)) return;
    fs.rmSync(request, { force: true });
    const v8 = require('v8');
    const vm = require('vm');
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    const before = process.memoryUsage();
    gc();
    const after = process.memoryUsage();
    fs.writeFileSync(path.join(dir, 'gc-' + process.pid + '-' + Date.now() + '.json'), JSON.stringify({ before, after }));
  }, 200);
  context.subscriptions.push({ dispose: () => clearInterval(timer) });
};
exports.deactivate = function () {};
`);
  const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const out = path.join(path.dirname(dir), 'dlpo-bench-activation.vsix');
  sh(process.execPath, [vsce, 'package', '--allow-missing-repository', '--skip-license', '-o', out], { cwd: dir });
  return out;
}

function makeWorkspace(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const rows = fs.readFileSync(path.join(REPO, 'data', 'benchmarks', 'gsm8k', 'train.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).slice(0, 45);
  fs.writeFileSync(path.join(dir, 'gsm8k-45.jsonl'), rows.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'dlpo.config.yaml'), `# bench/extension-host.mjs: a long run on the offline simulator
data:
  source: gsm8k-45.jsonl
  trainSize: 20
  valSize: 20
  testSize: 5
metric: numeric
preset: best
forward:
  provider: simulator
  model: simulator
backward:
  provider: simulator
  model: simulator
batchSize: 3
steps: ${RUN_STEPS}
seed: 1001
`);
  writeFile(path.join(dir, '.vscode', 'settings.json'), { 'dlpo.reviewMode': 'tsa', 'editor.minimap.enabled': false });
}

const PROMPT = `---
description: 'Solve a grade-school math word problem'
---

You will answer a math word problem. Think step by step.
`;

function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch { return NaN; }
}

function journal(workspace) {
  const runs = path.join(workspace, '.dlpo', 'runs');
  if (!fs.existsSync(runs)) return [];
  const dirs = fs.readdirSync(runs).map((d) => path.join(runs, d, 'events.jsonl')).filter((f) => fs.existsSync(f));
  if (!dirs.length) return [];
  const events = [];
  for (const line of fs.readFileSync(dirs[0], 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try { events.push(JSON.parse(line)); } catch { /* a line being written */ }
  }
  return events;
}

function markers(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.startsWith('activation-')).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
}

/** Asks the companion for a forced GC in the extension host; returns its memoryUsage() before and after, in MiB. */
async function gcInHost(markerDir, pid) {
  const known = new Set(fs.readdirSync(markerDir));
  fs.writeFileSync(path.join(markerDir, `gc-${pid}.request`), '');
  const file = await waitFor('the companion\'s GC report', () => fs.readdirSync(markerDir).find((f) => f.startsWith(`gc-${pid}-`) && !known.has(f)), { timeoutMs: 20_000 });
  const r = JSON.parse(fs.readFileSync(path.join(markerDir, file), 'utf8'));
  const mib = (m) => ({ rssMiB: round(m.rss / MiB), heapUsedMiB: round(m.heapUsed / MiB), externalMiB: round(m.external / MiB), arrayBuffersMiB: round(m.arrayBuffers / MiB) });
  return { before: mib(r.before), after: mib(r.after) };
}

function stats(values) {
  const v = [...values].sort((a, b) => a - b);
  const med = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  return { min: v[0], median: med, max: v.at(-1) };
}

/** VS Code's own figure for DLPO from the Running Extensions editor (best effort). */
async function runningExtensionsText(page) {
  await wb.runCommand(page, 'Developer: Show Running Extensions');
  const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'DLPO' }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  const text = (await row.innerText()).replace(/\s+/g, ' ').trim();
  const title = (await row.locator('[title*="ctivat"], .activation-time').first().getAttribute('title').catch(() => null)) ?? '';
  return { text, title };
}

async function main() {
  const env = envOrSkip();
  installSignalHandlers();
  const startedAt = new Date();
  const loadStart = os.loadavg();
  if (process.argv.includes('--build') || !fs.existsSync(VSIX)) {
    console.log('npm run package …');
    const r = spawnSync('npm', ['run', 'package'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0 || !fs.existsSync(VSIX)) throw new Error(`npm run package failed (exit ${r.status})`);
  }
  const vsixStat = fs.statSync(VSIX);

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-bench-host-'));
  const markerDir = path.join(root, 'markers');
  const workspace = path.join(root, 'ws');
  makeWorkspace(workspace);
  const profile = createProfile(path.join(root, 'profile'));
  installVsix(env, profile, VSIX);
  installVsix(env, profile, buildCompanionVsix(path.join(root, 'companion')));
  if (!installedExtensions(profile)[EXTENSION_ID]) throw new Error(`${EXTENSION_ID} not installed from ${VSIX}`);

  const result = { vsix: { file: path.relative(REPO, VSIX), bytes: vsixStat.size, modified: vsixStat.mtime.toISOString() } };
  let leftovers = [];
  try {
    const server = await startCodeServer(env, profile, { name: 'code-server(bench)', folder: workspace, extraEnv: { DLPO_BENCH_MARKER_DIR: markerDir } });
    const browser = await launchBrowser(env);
    const { page, consoleLines } = await newWorkbenchPage(browser, { viewport: { width: 1600, height: 1000 } });

    // (a) activation, one sample per extension host
    const seenPids = new Set();
    const activations = [];
    for (let i = 0; i < ACTIVATION_SAMPLES; i++) {
      if (i === 0) await openWorkbench(page, workbenchUrl(server));
      else { await page.reload(); await page.waitForSelector('.monaco-workbench', { timeout: 60_000 }); }
      const m = await waitFor(`the companion's activation record #${i + 1}`, () => markers(markerDir).find((x) => !seenPids.has(x.pid)), { timeoutMs: 90_000 });
      seenPids.add(m.pid);
      if (m.error) throw new Error(`DLPO's activate() failed in the extension host: ${m.error}`);
      if (m.wasActive) throw new Error('DLPO was already active when the companion started: the timing would be partial');
      if (!m.extensionPath?.startsWith(profile.extensionsDir)) throw new Error(`active copy is ${m.extensionPath}, not the installed .vsix`);
      activations.push(m);
      console.log(`activation #${i + 1}: ${m.activateMs.toFixed(0)} ms (extension host pid ${m.pid}, ${m.dlpoCommands} dlpo.* commands registered)`);
    }
    let vscodeOwn;
    try {
      vscodeOwn = await runningExtensionsText(page);
      const ms = /Activation:\s*(\d+)\s*ms/i.exec(vscodeOwn.text);
      if (ms) vscodeOwn.activationMs = Number(ms[1]);
      console.log(`Running Extensions says: ${vscodeOwn.text}`);
    } catch (e) { vscodeOwn = { error: e.message.split('\n')[0] }; }
    await wb.closeAllEditors(page);

    // (b) memory during a long run
    const hostPid = activations.at(-1).pid;
    const samples = [];
    let sampling = true;
    const t0 = performance.now();
    const sampler = (async () => {
      while (sampling) {
        samples.push({ t: (performance.now() - t0) / 1000, rssMiB: rssMiB(hostPid), events: journal.count ?? 0 });
        await sleep(SAMPLE_EVERY_MS);
      }
    })();
    await sleep(3000); // idle baseline: the extension active, no run
    const gcIdle = await gcInHost(markerDir, hostPid);
    fs.writeFileSync(path.join(workspace, 'math.prompt.md'), PROMPT);
    await wb.focusWorkbench(page);
    await waitFor('the prompt file in Quick Open', async () => { try { await wb.quickOpen(page, 'math.prompt.md'); return true; } catch { return false; } }, { timeoutMs: 30_000 });
    await wb.runCommand(page, 'DLPO: Optimize Prompt');
    const estimate = await wb.waitForQuickPick(page, /estimate|start the run/i, { timeoutMs: 30_000 });
    const tStartClick = (performance.now() - t0) / 1000;
    await wb.pickQuickPickItem(page, /^\W*Start\b/);
    let events = [];
    const done = await waitFor('the run\'s done event in the journal', () => {
      events = journal(workspace);
      journal.count = events.length;
      return events.find((e) => e.type === 'done');
    }, { timeoutMs: 10 * 60_000, everyMs: 500 });
    const tDone = (performance.now() - t0) / 1000;
    await sleep(4000); // settle: what the host keeps after the run
    const gcAfter = await gcInHost(markerDir, hostPid);
    await sleep(1500);
    sampling = false;
    await sampler;
    fs.writeFileSync(path.join(root, 'page-console.log'), consoleLines.join('\n') + '\n');

    const during = samples.filter((s) => s.t >= tStartClick && s.t <= tDone + 0.5);
    const idle = samples.filter((s) => s.t < tStartClick - 0.5);
    const after = samples.filter((s) => s.t > tDone + 2 && s.t < tDone + 4);
    const rssOf = (xs) => xs.map((s) => s.rssMiB).filter(Number.isFinite);
    const steps = done.steps;
    result.activation = {
      method: 'companion extension in the same extension host: performance.now() around vscode.extensions.getExtension(id).activate() (loads dist/extension.js, calls and awaits activate())',
      samplesMs: activations.map((a) => round(a.activateMs)),
      ...Object.fromEntries(Object.entries(stats(activations.map((a) => a.activateMs))).map(([k, v]) => [`${k}Ms`, round(v)])),
      hostRssBeforeMiB: activations.map((a) => round(a.rssBeforeMiB)),
      hostRssAfterMiB: activations.map((a) => round(a.rssAfterMiB)),
      dlpoCommandsRegistered: activations.at(-1).dlpoCommands,
      vscodeRunningExtensions: vscodeOwn,
    };
    result.memory = {
      method: `RSS of the extension-host process (pid from the companion) from /proc/<pid>/status every ${SAMPLE_EVERY_MS} ms`,
      run: {
        provider: 'offline simulator', preset: 'best', batchSize: 3, sizes: '20/20/5', stepsRequested: RUN_STEPS,
        stepsCompleted: steps, stoppedBy: done.stoppedBy, journalEvents: events.length, reviewMode: 'tsa',
        estimateTitle: estimate.title, wallSec: round(tDone - tStartClick, 2),
      },
      samples: samples.length,
      samplesDuringRun: during.length,
      idleRssMiB: round(Math.max(...rssOf(idle))),
      peakRssMiB: round(Math.max(...rssOf(during))),
      afterRunRssMiB: round(rssOf(after).at(-1)),
      afterRunGcRssMiB: round(rssOf(samples.filter((s) => s.t > tDone + 4.5)).at(-1)),
      heapAfterGc: { idle: gcIdle, afterRun: gcAfter },
      series: samples.map((s) => [round(s.t, 2), round(s.rssMiB)]),
    };
  } finally {
    await stopAll();
    // A killed group can take a moment to be reaped: look again for up to 10 s.
    const alive = () => [...ourProcessGroups].filter((pgid) => { try { process.kill(-pgid, 0); return true; } catch { return false; } });
    for (let i = 0; i < 20 && alive().length; i++) await sleep(500);
    leftovers = alive();
    fs.rmSync(root, { recursive: true, force: true });
  }
  result.leftoverProcessGroups = leftovers;
  if (leftovers.length) throw new Error(`process groups still alive after stopping: ${leftovers.join(', ')}`);

  const a = result.activation;
  const m = result.memory;
  const table = [
    ['activation (trigger → activate() returned), median of ' + a.samplesMs.length, `${a.medianMs} ms`, `samples ${a.samplesMs.join(', ')} ms`],
    ['VS Code\'s own figure (Running Extensions), last window', a.vscodeRunningExtensions.activationMs !== undefined ? `${a.vscodeRunningExtensions.activationMs} ms` : 'n/a', a.vscodeRunningExtensions.error ? `not read: ${a.vscodeRunningExtensions.error}` : 'load code + call activate() (VS Code does not count awaiting its promise)'],
    ['extension host RSS, idle (extension active)', `${m.idleRssMiB} MiB`, ''],
    [`extension host RSS, peak during ${m.run.stepsCompleted}-step run`, `${m.peakRssMiB} MiB`, `${m.samplesDuringRun} samples over ${m.run.wallSec} s, ${m.run.journalEvents} events`],
    ['extension host RSS, 4 s after the run', `${m.afterRunRssMiB} MiB`, ''],
    ['extension host JS heap after a forced GC: idle → after the run', `${m.heapAfterGc.idle.after.heapUsedMiB} → ${m.heapAfterGc.afterRun.after.heapUsedMiB} MiB`, `RSS after that GC ${m.heapAfterGc.afterRun.after.rssMiB} MiB (all extensions of the host, VS Code's API included)`],
  ];
  const w0 = Math.max(...table.map((r) => r[0].length));
  const w1 = Math.max(...table.map((r) => String(r[1]).length));
  console.log(`\nExtension in the real VS Code (code-server ${env.codeServerVersion.split(' ')[0]}, ${env.chromiumVersion.split(' built')[0]}); offline simulator run`);
  for (const r of table) console.log(`${r[0].padEnd(w0)}  ${String(r[1]).padStart(w1)}  ${r[2]}`);

  const body = {
    benchmark: 'extension-host',
    date: startedAt.toISOString(),
    durationSec: round((Date.now() - startedAt.getTime()) / 1000, 2),
    machine: {
      cpuModel: os.cpus()[0]?.model.trim(), cores: os.cpus().length, memoryGiB: round(os.totalmem() / 1024 ** 3),
      node: process.version, platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      loadAvgStart: loadStart.map((x) => round(x, 2)), loadAvgEnd: os.loadavg().map((x) => round(x, 2)),
    },
    codeServer: env.codeServerVersion, chromium: env.chromiumVersion,
    ...result,
  };
  fs.mkdirSync(path.dirname(RESULT_FILE), { recursive: true });
  fs.writeFileSync(RESULT_FILE, JSON.stringify(body, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(REPO, RESULT_FILE)}; no code-server/Chromium process left`);
  console.log(`extension host: activation ${a.medianMs} ms (median) · RSS ${m.idleRssMiB} MiB idle, ${m.peakRssMiB} MiB peak during a ${m.run.stepsCompleted}-step run (offline simulator)`);
}

main().catch(async (e) => {
  console.error(e.stack ?? e);
  await stopAll();
  process.exit(1);
});
