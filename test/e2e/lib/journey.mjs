// The UI journey: what a user does with DLPO, driven through the real workbench with
// Playwright against the extension installed from its .vsix. Every step is its own named
// check. A step whose feature is not in the shipped extension yet is `pending` with the
// reason (never a pass); a step whose feature is there but does not work fails; a step
// that needs an earlier failed step is `blocked`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newWorkbenchPage, openWorkbench } from './browser.mjs';
import { createProfile, installVsix, installedExtensions, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { REPO } from './env.mjs';
import { onCleanup, stopGroup } from './processes.mjs';
import { buildProbeVsix } from './probe.mjs';
import { sleep, waitFor, writeFile } from './util.mjs';
import * as wb from './workbench.mjs';

export const EXTENSION_ID = 'dlpo.dlpo-prompt-optimizer';
const PROMPT_FILE = 'math.prompt.md';
const DATA_FILE = 'gsm8k-sample.jsonl';

/** The latest run folder's journal (.dlpo/runs/<id>/events.jsonl), parsed leniently. */
export function latestRunEvents(workspace) {
  const runs = path.join(workspace, '.dlpo', 'runs');
  if (!fs.existsSync(runs)) return { runDir: undefined, events: [] };
  const dirs = fs.readdirSync(runs).map((d) => path.join(runs, d)).filter((d) => fs.existsSync(path.join(d, 'events.jsonl')));
  if (!dirs.length) return { runDir: undefined, events: [] };
  dirs.sort((a, b) => fs.statSync(path.join(b, 'events.jsonl')).mtimeMs - fs.statSync(path.join(a, 'events.jsonl')).mtimeMs);
  const events = [];
  for (const line of fs.readFileSync(path.join(dirs[0], 'events.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try { events.push(JSON.parse(line)); } catch { /* a line being written */ }
  }
  return { runDir: dirs[0], events };
}

function featureState(extensionDir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
  const commands = new Map((pkg.contributes?.commands ?? []).map((c) => [c.command, c.category ? `${c.category}: ${c.title}` : c.title]));
  const src = (rel) => fs.existsSync(path.join(REPO, rel));
  const needCommand = (id) => (commands.has(id) ? undefined : `the shipped package.json does not contribute ${id} yet`);
  const needSource = (rel, what) => (src(rel) ? undefined : `${what} is not built yet (${rel} does not exist)`);
  return {
    pkg,
    title: (id) => commands.get(id),
    optimize: needCommand('dlpo.optimizePrompt'),
    panel: needCommand('dlpo.optimizePrompt') ?? needSource('src/extension/panel/runPanel.ts', 'the run panel'),
    review: needCommand('dlpo.optimizePrompt') ?? needSource('src/extension/review/editorReviewer.ts', 'the inline candidate review'),
    stop: needCommand('dlpo.stopRun'),
    resume: needCommand('dlpo.resumeRun'),
    experiment: needCommand('dlpo.runExperiment'),
  };
}

/**
 * Quick picks come one after another; answer each by what it asks for (title or
 * placeholder), and report which kinds were seen.
 */
const PICK_RULES = [
  // Run Experiment's own questions come first: their wording also mentions "data".
  { kind: 'experiment', asks: /what to compare/i, choose: /Paper: robustness/ },
  { kind: 'seeds', asks: /\bseeds\b/i, choose: /^1 seed$/ },
  { kind: 'data', asks: /\b(data|dataset)\b/i, choose: new RegExp(DATA_FILE.replace('.', '\\.')) },
  // The metric the extension proposes for the data comes first, marked as the default.
  { kind: 'metric', asks: /\bmetric\b|score answers/i, choose: /default for this dataset/i },
  { kind: 'preset', asks: /\bpreset\b/i, choose: /best practice/i },
  { kind: 'estimate', asks: /\bestimate\b|start the run/i, choose: /^\W*Start\b/ },
];

async function answerQuickPicks(page, seen, { until, timeoutMs = 25_000, shot }) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && !seen.has(until)) {
    const qp = await wb.readQuickPick(page);
    if (qp && qp.rows.length) {
      const text = `${qp.title} ${qp.placeholder}`;
      const rule = PICK_RULES.find((r) => r.asks.test(text) && !seen.has(r.kind));
      if (rule) {
        if (shot) await shot(`pick-${rule.kind}`).catch(() => {});
        const picked = await wb.pickQuickPickItem(page, rule.choose).catch(async (e) => {
          // The metric's default may be worded differently: take the highlighted (first) row.
          if (rule.kind !== 'metric') throw e;
          await page.keyboard.press('Enter');
          return qp.rows[0];
        });
        seen.set(rule.kind, { title: qp.title, placeholder: qp.placeholder, picked, rows: qp.rows });
        await sleep(300);
        continue;
      }
      if (!PICK_RULES.some((r) => r.asks.test(text))) {
        throw new Error(`an unexpected quick pick appeared: ${JSON.stringify({ title: qp.title, placeholder: qp.placeholder, rows: qp.rows.slice(0, 6) })}`);
      }
    }
    await sleep(200);
  }
  if (!seen.has(until)) throw new Error(`no ${until} quick pick appeared within ${timeoutMs} ms (seen: ${[...seen.keys()].join(', ') || 'none'})`);
  return seen.get(until);
}

export async function runJourney({ env, browser, checks, vsix, runDir, fixtureDir, screenshotsDir, loadJourneyModel }) {
  const root = path.join(runDir, 'ui');
  const profile = createProfile(path.join(root, 'profile'));
  const markerDir = path.join(root, 'markers');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-e2e-ws-'));
  fs.cpSync(fixtureDir, workspace, { recursive: true });
  // Also cleaned up when the set-up below fails before the journey's own finally.
  onCleanup(() => { if (process.env.DLPO_E2E_KEEP !== '1') fs.rmSync(workspace, { recursive: true, force: true }); });
  const promptPath = path.join(workspace, PROMPT_FILE);
  const original = fs.readFileSync(promptPath);

  installVsix(env, profile, vsix);
  installVsix(env, profile, buildProbeVsix(path.join(root, 'probe'), EXTENSION_ID));
  const installed = installedExtensions(profile)[EXTENSION_ID];
  if (!installed) throw new Error(`${EXTENSION_ID} is not in ${profile.extensionsDir} after installing ${vsix}`);
  const f = featureState(installed);

  const model = await loadJourneyModel({ datasetFile: path.join(workspace, DATA_FILE) });
  onCleanup(() => model.server.close());
  writeFile(path.join(workspace, '.vscode', 'settings.json'), {
    'dlpo.provider': 'openai-compatible',
    'dlpo.baseUrl': model.server.baseUrl,
    'dlpo.forwardModel': 'e2e-forward',
    'dlpo.backwardModel': 'e2e-backward',
    'dlpo.apiKeyEnvironmentVariable': 'DLPO_E2E_API_KEY',
    'dlpo.reviewMode': 'manual',
    'dlpo.steps': 4,
    'dlpo.batchSize': 2,
    'dlpo.epochs': 1,
    'dlpo.seed': 7,
    'dlpo.maxConcurrency': 2,
    'dlpo.requestTimeoutSec': 30,
    'dlpo.cache.enabled': false,
    'dlpo.budget.maxCalls': 400,
    // So the screenshots show the whole prompt and the inline diff's ghost text.
    'editor.wordWrap': 'on',
    'editor.minimap.enabled': false,
  });

  const server = await startCodeServer(env, profile, {
    name: 'code-server(ui)', folder: workspace,
    // A placeholder key for the loopback server, which accepts anything; never a real one.
    extraEnv: { DLPO_E2E_MARKER_DIR: markerDir, DLPO_E2E_API_KEY: 'e2e-loopback-placeholder' },
  });
  const { page, context, consoleLines } = await newWorkbenchPage(browser, { viewport: { width: 1600, height: 1000 } });
  const shot = (name) => wb.screenshot(page, screenshotsDir, name);
  const activated = path.join(markerDir, 'activated.json');
  const journal = () => latestRunEvents(workspace);
  const C = (name) => `UI: ${name}`;
  // Every failing step leaves a screenshot and what the notifications said.
  const check = (name, fn, opts) => checks.check(name, async () => {
    try {
      return await fn();
    } catch (e) {
      const slug = name.replace(/^UI: /, '').replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 50).toLowerCase();
      await shot(`FAILED-${slug}`).catch(() => {});
      const notes = await wb.notifications(page).catch(() => []);
      if (notes.length) e.message += `\nnotifications: ${JSON.stringify(notes)}`;
      throw e;
    }
  }, opts);
  try {
    await check(C('the workbench opens with the sample workspace'), async () => {
      await openWorkbench(page, workbenchUrl(server));
      await waitFor('the explorer to list the sample files', () => page.locator('.explorer-folders-view .monaco-list-row', { hasText: PROMPT_FILE }).first().isVisible(), { timeoutMs: 30_000 });
    });

    await check(C(`open the prompt file ${PROMPT_FILE}`), async () => {
      await wb.focusWorkbench(page);
      await wb.quickOpen(page, PROMPT_FILE);
      await page.locator('.editor-group-container.active .view-lines', { hasText: 'careful math tutor' }).first().waitFor({ timeout: 15_000 });
      await shot('prompt-open');
    }, { needs: [C('the workbench opens with the sample workspace')] });

    await check(C('the extension activates by its own activation events'), async () => {
      const m = await waitFor('the probe extension to see DLPO active (activated.json)', () => fs.existsSync(activated) && JSON.parse(fs.readFileSync(activated, 'utf8')), { timeoutMs: 45_000 });
      if (!m.extensionPath.startsWith(profile.extensionsDir)) throw new Error(`active copy is ${m.extensionPath}, not the installed .vsix`);
      // VS Code marks an extension active even when its activate() threw: what shows a
      // working activation is that every contributed command got registered.
      const contributed = (f.pkg.contributes?.commands ?? []).map((c) => c.command);
      const missing = contributed.filter((c) => !m.commands.includes(c));
      if (missing.length) throw new Error(`active, but ${missing.length} of ${contributed.length} contributed commands are not registered (activation failed?): ${missing.slice(0, 5).join(', ')}`);
      return `all ${contributed.length} contributed commands registered`;
    }, { needs: [C(`open the prompt file ${PROMPT_FILE}`)] });

    const seen = new Map();
    const optimizeTitle = f.title('dlpo.optimizePrompt') ?? 'DLPO: Optimize Prompt';
    await check(C(`run "${optimizeTitle}" from the command palette`), async () => {
      await wb.focusWorkbench(page);
      await page.locator('.editor-group-container.active .view-lines').first().click();
      await wb.runCommand(page, optimizeTitle);
      // The command answers with its first quick pick (the data).
      await answerQuickPicks(page, seen, { until: 'data', shot });
    }, { pending: f.optimize, needs: [C('the extension activates by its own activation events')] });

    const optimizeStarted = C(`run "${optimizeTitle}" from the command palette`);
    await check(C('pick the dataset in the quick pick'), async () => {
      const d = seen.get('data');
      if (!d || !new RegExp(DATA_FILE.replace('.', '\\.')).test(d.picked)) throw new Error(`picked ${d?.picked}`);
      return `picked "${d.picked}"`;
    }, { pending: f.optimize, needs: [optimizeStarted] });

    await check(C('pick the metric in the quick pick'), async () => {
      const m = await answerQuickPicks(page, seen, { until: 'metric', shot });
      return `picked "${m.picked}"`;
    }, { pending: f.optimize, needs: [C('pick the dataset in the quick pick')] });

    await check(C('pick the preset in the quick pick'), async () => {
      const p = await answerQuickPicks(page, seen, { until: 'preset', shot });
      return `picked "${p.picked}"`;
    }, { pending: f.optimize, needs: [C('pick the metric in the quick pick')] });

    await check(C('the run starts (estimate confirmed, journal written)'), async () => {
      // The estimate (calls, tokens, cost) comes as a last quick pick with Start.
      const est = await answerQuickPicks(page, seen, { until: 'estimate', shot });
      await waitFor('run-start in the journal', () => journal().events.some((e) => e.type === 'run-start'), { timeoutMs: 20_000 })
        .catch(async (e) => { throw new Error(`${e.message}; notifications: ${JSON.stringify(await wb.notifications(page))}; estimate: ${JSON.stringify(est.rows)}`); });
      const { runDir, events } = journal();
      if (!events.some((e) => e.type === 'run-start')) throw new Error(`no run-start in a journal under ${workspace}/.dlpo/runs; notifications: ${JSON.stringify(await wb.notifications(page))}`);
      return path.relative(workspace, runDir);
    }, { pending: f.optimize, needs: [C('pick the preset in the quick pick')] });
    const runStarted = C('the run starts (estimate confirmed, journal written)');

    let panel;
    await check(C('the run panel webview appears beside the editor'), async () => {
      panel = await wb.webviewFrame(page, `DLPO: ${PROMPT_FILE}`, { has: '[data-testid="run-header"]', timeoutMs: 30_000 });
      await shot('panel');
    }, { pending: f.panel, needs: [runStarted] });

    await check(C('the panel streams the textual gradient'), async () => {
      // Streaming means the gradient's text is seen growing (or marked live) before it is
      // complete, not just present at the end.
      const section = panel.locator('[data-testid="section-gradient"]', { hasText: 'E2E gradient' }).first();
      const lengths = new Set();
      let sawLiveBadge = false;
      const end = Date.now() + 90_000;
      while (Date.now() < end && lengths.size < 3) {
        const text = await section.textContent({ timeout: 500 }).catch(() => undefined);
        if (text) lengths.add(text.length);
        if (!sawLiveBadge) sawLiveBadge = await panel.locator('[data-testid="badge-streaming"]').first().isVisible().catch(() => false);
        if (lengths.size >= 1 && sawLiveBadge && lengths.size >= 2) break;
        await sleep(80);
      }
      if (lengths.size === 0) throw new Error('no gradient section with the loopback model\'s gradient appeared in the panel');
      if (lengths.size < 2 && !sawLiveBadge) throw new Error('the gradient appeared complete at once: never seen streaming');
      await shot('panel-gradient');
      return `gradient text seen at ${lengths.size} lengths${sawLiveBadge ? ', "writing…" badge seen' : ''}`;
    }, { pending: f.panel, needs: [C('the run panel webview appears beside the editor')] });

    await check(C('the panel draws the score curves'), async () => {
      await waitFor('an eval event in the journal', () => journal().events.some((e) => e.type === 'eval'), { timeoutMs: 60_000 });
      const drawn = await waitFor('a drawn chart (a canvas with a size) in the panel\'s curves', async () => {
        const sizes = await panel.locator('[data-testid="curves"] canvas').evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return r.width * r.height; }));
        return sizes.filter((a) => a > 2000).length;
      }, { timeoutMs: 30_000 });
      await shot('panel-curves');
      return `${drawn} chart canvas(es)`;
    }, { pending: f.panel, needs: [C('the run panel webview appears beside the editor')] });

    const editorTab = () => wb.tab(page, PROMPT_FILE);
    await check(C('the candidate appears in the editor as an inline diff with CodeLens'), async () => {
      await waitFor('a candidate event in the journal', () => journal().events.some((e) => e.type === 'candidate'), { timeoutMs: 90_000 });
      await editorTab().click();
      await waitFor('Accept / Reject CodeLens in the prompt editor', async () => {
        const lenses = await wb.codeLenses(page);
        return lenses.some((l) => /^\W*Accept$/.test(l)) && lenses.some((l) => /^\W*Reject$/.test(l));
      }, { timeoutMs: 30_000 });
      const marker = model.candidateSentence(1).slice(0, 30);
      await waitFor('the candidate sentence shown inline in the editor', async () => (await wb.activeEditorRenderedText(page)).includes(marker), { timeoutMs: 15_000 });
      if (!fs.readFileSync(promptPath).equals(original)) throw new Error('the file on disk changed before anything was accepted');
      await shot('inline-diff');
      return `CodeLens: ${(await wb.codeLenses(page)).join(' · ')}`;
    }, { pending: f.review, needs: [runStarted] });
    const candidateShown = C('the candidate appears in the editor as an inline diff with CodeLens');

    await check(C('the whole candidate text is readable in place, with one status bar item and no progress notification over the panel'), async () => {
      const sentence = model.candidateSentence(1);
      // The suggestion thread (a zone between the lines) holds the whole new text, wrapped.
      const widget = await waitFor('a DLPO suggestion thread in the editor', async () => {
        const texts = await page.locator('.editor-group-container .review-widget').evaluateAll((els) => els.map((e) => (e.textContent || '').replace(/\s+/g, ' ')));
        return texts.find((t) => t.includes('Suggested') && t.includes(sentence));
      }, { timeoutMs: 15_000 });
      // The CodeLens row sits on the changed line, not at the top of the prompt body.
      // The status bar follows the run's events, which can arrive a moment after the editor
      // shows the candidate: wait for an item, then check that there is exactly one.
      const waitingItems = () => page.locator('.statusbar-item').evaluateAll((els) => els.map((e) => (e.textContent || '').trim()).filter((t) => /candidate waiting/.test(t)));
      await waitFor('a status bar item saying a candidate waits', async () => (await waitingItems()).length > 0, { timeoutMs: 15_000 }).catch(() => {});
      const statusItems = await waitingItems();
      if (statusItems.length !== 1) throw new Error(`expected one status bar item saying a candidate waits, saw ${JSON.stringify(statusItems)}`);
      const toasts = await page.locator('.notifications-toasts .notification-toast').evaluateAll((els) => els.map((e) => (e.textContent || '').trim()).filter((t) => /optimizing|resuming/i.test(t)));
      if (toasts.length) throw new Error(`a progress notification covers the panel: ${JSON.stringify(toasts)}`);
      if (panel) {
        const layout = await panel.locator('[data-testid="run-panel"]').evaluate((root) => {
          const y = (id) => root.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect().top ?? -1;
          const header = root.querySelector('[data-testid="run-header"]')?.getBoundingClientRect().height ?? -1;
          return { steps: y('steps'), charts: y('charts-box'), header };
        });
        if (!(layout.steps >= 0 && layout.charts > layout.steps)) throw new Error(`the steps are not above the charts: ${JSON.stringify(layout)}`);
        if (layout.header > 260) throw new Error(`the panel header takes ${layout.header} px`);
      }
      await shot('suggestion');
      return `suggestion "${widget.slice(0, 60)}…"; status bar: ${statusItems[0]}`;
    }, { pending: f.review, needs: [candidateShown] });

    await check(C('Accept writes the candidate to the file on disk'), async () => {
      await wb.clickCodeLens(page, /^\W*Accept$/);
      // An accepted candidate is one edit in the open editor; the user saves it.
      await waitFor('the accepted text in the editor', async () => {
        const lenses = await wb.codeLenses(page);
        return !lenses.some((l) => /^\W*Accept$/.test(l)) && (await wb.activeEditorRenderedText(page)).includes(model.candidateSentence(1).slice(0, 30));
      }, { timeoutMs: 15_000 });
      await page.locator('.editor-group-container.active .view-lines').first().click();
      await page.keyboard.press('Control+S');
      await waitFor('the candidate sentence in the file on disk', () => fs.readFileSync(promptPath, 'utf8').includes(model.candidateSentence(1)), { timeoutMs: 20_000 });
      const text = fs.readFileSync(promptPath, 'utf8');
      if (!text.startsWith('---\nmode: ask\n')) throw new Error('the front matter was not kept byte for byte');
      await shot('accepted');
    }, { pending: f.review, needs: [candidateShown] });

    await check(C('Undo brings the original bytes back'), async () => {
      await editorTab().click();
      await page.locator('.editor-group-container.active .view-lines').first().click();
      await page.keyboard.press('Control+Z');
      await sleep(300);
      await page.keyboard.press('Control+S');
      await waitFor('the original bytes on disk', () => fs.readFileSync(promptPath).equals(original), { timeoutMs: 15_000 });
    }, { pending: f.review, needs: [C('Accept writes the candidate to the file on disk')] });

    await check(C('Reject the next candidate (file untouched)'), async () => {
      const before = fs.readFileSync(promptPath);
      const reviews = () => journal().events.filter((e) => e.type === 'review');
      const n = reviews().length;
      await editorTab().click();
      // After the Undo the file no longer matches what the next candidate was made
      // from, so the review may offer "Discard" (a rejection) instead of Reject.
      const lens = await waitFor('the next candidate with a Reject (or Discard) CodeLens', async () => {
        const lenses = await wb.codeLenses(page);
        return lenses.find((l) => /^\W*Reject$/.test(l)) ?? lenses.find((l) => /^Discard$/.test(l));
      }, { timeoutMs: 90_000 });
      await shot('next-candidate');
      await wb.clickCodeLens(page, new RegExp(`^${lens.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      await waitFor('a user rejection in the journal', () => reviews().slice(n).some((e) => e.by === 'user' && e.accepted === false), { timeoutMs: 20_000 });
      if (!fs.readFileSync(promptPath).equals(before)) throw new Error('rejecting changed the file on disk');
      await shot('rejected');
      return `clicked "${lens}"`;
    }, { pending: f.review, needs: [candidateShown] });

    const stopTitle = f.title('dlpo.stopRun') ?? 'DLPO: Stop Run';
    await check(C(`Stop the run ("${stopTitle}")`), async () => {
      await wb.runCommand(page, stopTitle);
      // With several runs the command may ask which one.
      await sleep(500);
      const qp = await wb.readQuickPick(page);
      if (qp && qp.rows.length) await page.keyboard.press('Enter');
      const done = await waitFor('a done event in the journal', () => journal().events.find((e) => e.type === 'done'), { timeoutMs: 30_000 });
      if (done.stoppedBy !== 'cancelled') throw new Error(`the run ended with stoppedBy=${done.stoppedBy}, not cancelled`);
      await shot('stopped');
      return done.message;
    }, { pending: f.stop, needs: [runStarted] });

    const resumeTitle = f.title('dlpo.resumeRun') ?? 'DLPO: Resume Run';
    await check(C(`reload the window and Resume ("${resumeTitle}")`), async () => {
      const before = journal();
      const startsBefore = before.events.filter((e) => e.type === 'run-start').length;
      // What only a working trainer writes: a resumed run shows up as these after the stop.
      const TRAINER_EVENTS = new Set(['step-start', 'forward-result', 'loss', 'gradient', 'candidate', 'tsa-decision', 'eval']);
      fs.rmSync(activated, { force: true });
      await page.reload();
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await waitFor('the extension to be active again after the reload', () => fs.existsSync(activated), { timeoutMs: 45_000 });
      await wb.focusWorkbench(page);
      await wb.runCommand(page, resumeTitle);
      await sleep(500);
      const qp = await wb.readQuickPick(page);
      if (qp && qp.rows.length) {
        await shot('resume-pick');
        await page.keyboard.press('Enter');
      }
      await waitFor('the same run\'s journal to grow with trainer events after Resume', () => {
        const j = latestRunEvents(workspace);
        if (j.runDir !== before.runDir) return false;
        // Resuming appends a new run-start to the same journal (which may have been cut
        // back to its last checkpoint first); then the trainer must write again.
        const starts = j.events.flatMap((e, i) => (e.type === 'run-start' ? [i] : []));
        return starts.length > startsBefore && j.events.slice(starts.at(-1)).some((e) => TRAINER_EVENTS.has(e.type));
      }, { timeoutMs: 60_000 }).catch((e) => {
        const j = latestRunEvents(workspace);
        const tail = j.events.slice(-4).map((x) => x.type + (x.stoppedBy ? `(${x.stoppedBy})` : '')).join(', ');
        throw new Error(`${e.message}; resume quick pick: ${JSON.stringify(qp?.rows ?? null)}; journal ${path.relative(workspace, j.runDir ?? '')} ends with: ${tail}`);
      });
      await shot('resumed');
      const after = latestRunEvents(workspace).events;
      const resumed = after.slice(after.map((e) => e.type).lastIndexOf('run-start')).map((e) => e.type);
      return `after Resume: ${[...new Set(resumed)].join(', ')}`;
    }, { pending: f.resume ?? f.stop, needs: [C(`Stop the run ("${stopTitle}")`)] });

    await check(C('after Resume the panel shows the resumed run as running'), async () => {
      const resumedPanel = await wb.webviewFrame(page, `DLPO: ${PROMPT_FILE}`, { has: '[data-testid="run-status"]', timeoutMs: 20_000 });
      const status = resumedPanel.locator('[data-testid="run-status"]').first();
      let last = '';
      await waitFor('the panel\'s status to leave "Stopped"', async () => {
        last = ((await status.textContent({ timeout: 1000 }).catch(() => '')) ?? '').trim();
        return /running|waiting/i.test(last);
      }, { timeoutMs: 20_000 }).catch(() => { throw new Error(`the panel still says "${last}" while the resumed run is going`); });
      await shot('resumed-panel');
      return `status "${last}"`;
    }, { pending: f.panel, needs: [C(`reload the window and Resume ("${resumeTitle}")`)] });

    // Leave nothing running: stop the resumed run again.
    if (checks.status(C(`reload the window and Resume ("${resumeTitle}")`)) === 'passed') await wb.runCommand(page, stopTitle).catch(() => {});

    const experimentTitle = f.title('dlpo.runExperiment') ?? 'DLPO: Run Experiment';
    await check(C('run a small experiment and see its table'), async () => {
      // Experiments run many trainings: let the loopback model stream fast from here on.
      model.setStreamTokensPerSecond(2000);
      // A fresh start, as a user beginning another task: the experiment panel gets the width.
      await wb.closeAllEditors(page);
      await wb.focusWorkbench(page);
      await wb.runCommand(page, experimentTitle);
      const picks = new Map();
      await answerQuickPicks(page, picks, { until: 'estimate', shot, timeoutMs: 40_000 });
      const frame = await wb.webviewFrame(page, 'DLPO experiment:', { has: '[data-testid="experiment-table"]', timeoutMs: 30_000 });
      const rows = frame.locator('[data-testid="experiment-table"] tbody tr');
      await waitFor('configuration rows in the experiment table', async () => (await rows.count()) >= 2, { timeoutMs: 30_000 });
      // A table with numbers, not just headers: wait for the first results to arrive.
      const firstScore = await waitFor('a best-val score in the experiment table', async () => {
        const cells = await frame.locator('[data-testid$="-val"][data-testid^="experiment-row-"]').allTextContents();
        return cells.map((t) => t.trim()).find((t) => t && t !== '—');
      }, { timeoutMs: 150_000 });
      // A tiny grid (one step per run, one seed) finishes quickly: wait for the whole table.
      const progress = frame.locator('[data-testid="experiment-progress"]');
      const done = await waitFor('every run of the experiment to finish', async () => {
        const t = ((await progress.textContent().catch(() => '')) ?? '').trim();
        const m = /^(\d+) of (\d+) runs finished$/.exec(t);
        return m && m[1] === m[2] ? t : undefined;
      }, { timeoutMs: 150_000 });
      const n = await rows.count();
      const configs = await frame.locator('[data-testid="experiment-table"] tbody th').allTextContents();
      const empty = (await frame.locator('[data-testid$="-val"][data-testid^="experiment-row-"]').allTextContents()).filter((t) => t.trim() === '—');
      if (empty.length) throw new Error(`${empty.length} configuration(s) without a best-val score after "${done}"`);
      await shot('experiment-table');
      return `${n} configurations (${configs.join(', ')}); ${done}; first best val ${firstScore}; picked ${[...picks.keys()].join(' → ')}`;
    }, { pending: f.experiment, needs: [C('the extension activates by its own activation events')] });
  } finally {
    fs.writeFileSync(path.join(root, 'page-console.log'), consoleLines.join('\n') + '\n');
    fs.writeFileSync(path.join(root, 'loopback-requests.json'), JSON.stringify(model.countsByKind(), null, 2) + '\n');
    await context.close().catch(() => {});
    await stopGroup(server.proc);
    await model.server.close().catch(() => {});
    if (process.env.DLPO_E2E_KEEP !== '1') fs.rmSync(workspace, { recursive: true, force: true });
    else console.log(`[e2e] kept the UI workspace: ${workspace}`);
  }
}
