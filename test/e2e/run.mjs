#!/usr/bin/env node
// The end-to-end suite: DLPO installed from its .vsix into a real VS Code (code-server
// 4.100.3 = VS Code 1.100.3), driven through the real UI by Playwright in Debian's
// Chromium. Exits non-zero when any check fails.
//
//   node test/e2e/run.mjs [--vsix FILE] [--skip-build] [--only in-host|ui] [--dev] [--grep REGEX]
//
// 1. set-up: scripts/e2e-setup.sh when the cache (${DLPO_E2E_CACHE:-~/.cache/dlpo-e2e}) is missing
// 2. build: `npm run package` (-> dist/dlpo-prompt-optimizer.vsix) and scripts/build-tests.mjs
//    (--vsix FILE tests that package instead and skips the build; --skip-build reuses dist/)
// 3. the extension-host mocha suites (test/extension-host/*.test.ts) inside the real
//    extension host, against the installed .vsix (and with --dev also against the
//    repository folder as the development path; --no-dev is accepted and is the default)
//    (--grep REGEX runs only the in-host tests whose full title matches)
// 4. the UI journey (test/e2e/lib/journey.mjs), screenshots in test/e2e/screenshots/
// Env: DLPO_E2E_KEEP=1 keeps the temporary workspaces; DLPO_E2E_UPDATE_DOCS_IMAGES=1
// copies the panel / inline diff / experiment screenshots to docs/images/; DLPO_E2E_TIMEOUT_SEC bounds the
// whole suite (default 900); DLPO_E2E_CACHE moves the cache.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { launchBrowser } from './lib/browser.mjs';
import { Checks } from './lib/checks.mjs';
import { CACHE, REPO, ensureE2eEnv } from './lib/env.mjs';
import { runInHostSuite } from './lib/inHostTests.mjs';
import { runJourney } from './lib/journey.mjs';
import { installSignalHandlers, ourProcessGroups, stopAll } from './lib/processes.mjs';
import { sh } from './lib/util.mjs';

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const flag = (name) => args.includes(name);
const only = opt('--only');
const givenVsix = opt('--vsix') && path.resolve(opt('--vsix'));

const SCREENSHOTS = path.join(REPO, 'test', 'e2e', 'screenshots');
const FIXTURE = path.join(REPO, 'test', 'e2e', 'fixtures', 'workspace');
// One folder per run, so runs started at the same time (several people on one machine)
// never share profiles, reports or the package under test.
const RUNS = path.join(CACHE, 'runs');
const RUN_DIR = path.join(RUNS, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
const DEFAULT_VSIX = path.join(REPO, 'dist', 'dlpo-prompt-optimizer.vsix');

const checks = new Checks();
installSignalHandlers();
// A bound on the whole suite: a hang anywhere ends in a failure, never a stuck CI job.
const WATCHDOG_MS = Number(process.env.DLPO_E2E_TIMEOUT_SEC || 900) * 1000;
const watchdog = setTimeout(async () => {
  console.error(`\n[e2e] the suite exceeded ${WATCHDOG_MS / 1000} s: stopping everything it started`);
  await stopAll();
  checks.results.push({ name: 'e2e watchdog', status: 'failed', ms: WATCHDOG_MS, detail: 'suite timed out' });
  checks.printSummary();
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();
const tempDirs = [];

function freshWorkspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-e2e-ws-'));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  tempDirs.push(dir);
  return dir;
}

/** Processes of ours still alive: anything in a process group we created, any Chromium child of ours. */
function leftoverProcesses() {
  const left = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue; // already dead, waiting to be reaped
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (ourProcessGroups.has(Number(pgrp)) || (Number(ppid) === process.pid && /chrom/i.test(cmd))) left.push(`${pid} ${cmd.slice(0, 120)}`);
    } catch { /* the process went away while we looked */ }
  }
  return left;
}

/** Keeps the last few runs' folders (logs, reports) and removes older ones no live run uses. */
function pruneOldRuns(keep = 4) {
  if (!fs.existsSync(RUNS)) return;
  const dirs = fs.readdirSync(RUNS).sort().reverse();
  for (const d of dirs.slice(keep)) {
    const pid = Number(d.split('-').pop());
    let alive = false;
    try { process.kill(pid, 0); alive = true; } catch { /* not running */ }
    if (!alive) fs.rmSync(path.join(RUNS, d), { recursive: true, force: true });
  }
}

// The README's screenshots come from this suite: with DLPO_E2E_UPDATE_DOCS_IMAGES=1 each
// image is copied to docs/images/ from the first of its stages the run reached (the panel
// after a few steps, with accepted and rejected candidates on its curves, reads better
// than after one).
const DOCS_IMAGES = {
  'panel.png': ['resumed-panel', 'stopped', 'panel-curves'],
  'inline-diff.png': ['inline-diff'],
  'panel-end.png': ['stopped'],
  'experiment-table.png': ['experiment-table'],
};
function copyDocsImages(shots) {
  const dir = path.join(REPO, 'docs', 'images');
  for (const [target, stages] of Object.entries(DOCS_IMAGES)) {
    const shot = stages.map((stage) => shots.find((f) => f.replace(/^\d+-/, '') === `${stage}.png`)).find(Boolean);
    if (!shot) { console.log(`[e2e] docs image ${target}: none of the stages ${stages.join(', ')} was reached, not updated`); continue; }
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(SCREENSHOTS, shot), path.join(dir, target));
    console.log(`[e2e] docs image updated: docs/images/${target} (from ${shot})`);
  }
}

let env;
try {
  // Screenshots are per stage of the UI journey: start that folder afresh only when the
  // journey runs (an in-host-only run replaces just its own in-host-*.png).
  if (only !== 'in-host') fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  pruneOldRuns();
  fs.mkdirSync(RUN_DIR, { recursive: true });

  ({ env } = await checks.phase('set-up (scripts/e2e-setup.sh when the cache is missing)', () => ensureE2eEnv()));

  // The package under test is copied into this run's folder at once, so a build started
  // elsewhere meanwhile cannot swap it out.
  const vsix = path.join(RUN_DIR, 'dlpo-prompt-optimizer.vsix');
  if (givenVsix) fs.copyFileSync(givenVsix, vsix);
  else {
    if (!flag('--skip-build')) {
      await checks.phase('build + package the extension (npm run package)', () => {
        sh('npm', ['run', '--silent', 'package'], { cwd: REPO });
      });
    }
    if (!fs.existsSync(DEFAULT_VSIX)) throw new Error(`no .vsix at ${DEFAULT_VSIX} (run npm run package)`);
    fs.copyFileSync(DEFAULT_VSIX, vsix);
  }
  const testsOut = path.join(RUN_DIR, 'extension-host-tests');
  if (only !== 'ui') {
    await checks.phase('build the extension-host tests (scripts/build-tests.mjs)', () =>
      sh(process.execPath, [path.join(REPO, 'scripts', 'build-tests.mjs'), '--outdir', testsOut], { cwd: REPO }));
  }

  const browser = await checks.phase('launch chromium', () => launchBrowser(env));

  if (only !== 'ui') {
    // The .vsix as shipped is what users get; the development path (the repository as
    // the extension folder) is the inner loop's, added with --dev.
    const modes = flag('--dev') && !givenVsix ? ['vsix', 'dev'] : ['vsix'];
    for (const mode of modes) {
      const label = mode === 'vsix' ? 'the installed .vsix' : 'the extension folder (development path)';
      await checks.phase(`extension-host mocha suites against ${label}`, async () => {
        const r = await runInHostSuite({ env, browser, mode, vsix, testsOut, runDir: RUN_DIR, workspace: freshWorkspace(), screenshotsDir: SCREENSHOTS, grep: opt('--grep') });
        checks.addMochaReport(`[in-host ${mode}]`, r.report);
        console.log(`    exit code ${r.code}; ${r.report.passes.length} passing, ${r.report.failures.length} failing, ${r.report.pending.length} pending (VS Code ${r.report.host.vscodeVersion}); console: ${r.consoleFile}`);
        if (r.code !== 0 && r.report.failures.length === 0) {
          checks.results.push({ name: `[in-host ${mode}] extension host exit code`, status: 'failed', ms: 0, detail: `exit ${r.code} without a failing test (see ${r.consoleFile})` });
        }
      }).catch((e) => checks.results.push({ name: `[in-host ${mode}] run the suite`, status: 'failed', ms: 0, detail: String(e?.message ?? e) }));
    }
  }

  if (only !== 'in-host') {
    const loadJourneyModel = async (o) => (await tsImport(path.join(REPO, 'test', 'e2e', 'lib', 'journeyModel.ts'), import.meta.url)).startJourneyModel(o);
    await checks.phase('UI journey (Playwright, installed .vsix)', () =>
      runJourney({ env, browser, checks, vsix, runDir: RUN_DIR, fixtureDir: FIXTURE, screenshotsDir: SCREENSHOTS, loadJourneyModel }),
    ).catch((e) => checks.results.push({ name: 'UI: journey set-up', status: 'failed', ms: 0, detail: String(e?.stack ?? e) }));
  }
} catch (e) {
  checks.results.push({ name: 'e2e harness', status: 'failed', ms: 0, detail: String(e?.message ?? e) });
} finally {
  await stopAll();
  for (const d of tempDirs) if (process.env.DLPO_E2E_KEEP !== '1') fs.rmSync(d, { recursive: true, force: true });
  const left = leftoverProcesses();
  if (left.length) checks.results.push({ name: 'no process left behind', status: 'failed', ms: 0, detail: left.join('\n') });
  const shots = fs.existsSync(SCREENSHOTS) ? fs.readdirSync(SCREENSHOTS).filter((f) => f.endsWith('.png')).sort() : [];
  if (process.env.DLPO_E2E_UPDATE_DOCS_IMAGES === '1') copyDocsImages(shots);
  console.log(`\n[e2e] screenshots (${shots.length}): ${path.relative(process.cwd(), SCREENSHOTS) || SCREENSHOTS}/`);
  for (const s of shots) console.log(`  ${s}`);
  console.log(`[e2e] logs and reports: ${RUN_DIR}`);
  checks.printSummary();
  fs.writeFileSync(path.join(RUN_DIR, 'summary.json'), JSON.stringify({ counts: checks.counts(), phases: checks.phases, results: checks.results }, null, 2) + '\n');
}
process.exit(checks.ok() ? 0 : 1);

