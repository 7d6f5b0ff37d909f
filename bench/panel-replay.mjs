#!/usr/bin/env node
// Replays a synthetic 10,000-event journal (500 steps) into the run panel and prints
// time to first paint, time to render everything, and peak memory.
//
// Where it runs: headless Chromium (playwright-core, /usr/bin/chromium or
// $CHROMIUM_PATH) loading the real bundle dist/webview/main.js under the panel's real
// CSP, with a fake `acquireVsCodeApi` playing the extension host. Without Chromium it
// falls back to happy-dom in Node (no canvas, so no charts; say so in the output).
//
// Two scenarios:
//   open-finished  the panel opens on a finished run: one snapshot with all events
//   watch-live     the panel opens on an empty run and the events arrive in batches of
//                  `--batch` (default 200) as fast as the page takes them, as the host's
//                  100 ms batching does for a fast run; includes streamed gradient tokens
//
// Usage: node bench/panel-replay.mjs [--steps 500] [--events-per-step 20] [--batch 200] [--dom chromium|happy]
// Writes bench/results/panel-replay.json. Figures are measurements of this machine; no
// threshold is asserted.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const steps = Number(arg('steps', 500));
const eventsPerStep = Number(arg('events-per-step', 20));
const batch = Number(arg('batch', 200));
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const domChoice = arg('dom', fs.existsSync(chromiumPath) ? 'chromium' : 'happy');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-panel-bench-'));
const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });

/** Bundles a TS module for Node into the temp folder and imports it. */
async function importTs(entry) {
  const outfile = path.join(tmp, `${path.basename(entry, '.ts')}.mjs`);
  await esbuild.build({ entryPoints: [path.join(root, entry)], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent', absWorkingDir: root });
  return import(pathToFileURL(outfile).href);
}

const { syntheticRunEvents } = await importTs('test/unit/shared/syntheticRun.ts');
const events = syntheticRunEvents({ steps, eventsPerStep, simulator: true, runId: 'bench-run' });
const meta = { runId: 'bench-run', runDir: '/bench/.dlpo/runs/bench-run', fileName: 'math.prompt.md', status: 'done', reviewMode: 'tsa' };
const journalBytes = Buffer.byteLength(events.map((e) => JSON.stringify(e)).join('\n'));
console.log(`journal: ${events.length.toLocaleString('en-US')} events, ${steps} steps, ${(journalBytes / 1024 / 1024).toFixed(1)} MiB as JSONL`);

async function runChromium() {
  const { chromium } = await import('playwright-core');
  // The real bundle, as the extension ships it.
  const dist = path.join(root, 'dist', 'webview');
  await esbuild.build({
    entryPoints: [path.join(root, 'src/webview/main.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    outfile: path.join(tmp, 'main.js'),
    loader: { '.css': 'css' },
    logLevel: 'silent',
    absWorkingDir: root,
  });
  const files = {
    '/main.js': ['application/javascript', fs.readFileSync(path.join(tmp, 'main.js'))],
    '/main.css': ['text/css', fs.readFileSync(path.join(tmp, 'main.css'))],
    '/panel.css': ['text/css', fs.readFileSync(path.join(root, 'src/webview/panel.css'))],
  };
  void dist;
  const nonce = 'benchNonce0123456789abcd';
  const origin = 'https://panel.bench';
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${origin}; img-src ${origin} data:; font-src ${origin}`;
  // The fake host: answers getSnapshot and, for the live scenario, streams batches.
  const hostScript = `
    window.__bench = { posted: 0, rejected: 0, firstPaint: null, allRendered: null, t0: performance.now(), longTasks: 0, longestTask: 0 };
    new PerformanceObserver((l) => { for (const e of l.getEntries()) { window.__bench.longTasks++; window.__bench.longestTask = Math.max(window.__bench.longestTask, e.duration); } }).observe({ type: 'longtask', buffered: true });
    window.acquireVsCodeApi = () => ({
      getState: () => undefined,
      setState: () => undefined,
      postMessage: (m) => {
        window.__bench.posted++;
        if (m.type === 'log') window.__bench.rejected++;
        if (m.type === 'request' && m.method === 'getSnapshot') {
          window.__bench.snapshotAt = performance.now();
          window.__onSnapshotRequest(m.id);
        }
      },
    });`;
  const html = (scenario) => `<!DOCTYPE html><html><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="${origin}/main.css"><link rel="stylesheet" href="${origin}/panel.css">
<script nonce="${nonce}" src="${origin}/host-${scenario}.js"></script></head>
<body class="vscode-dark"><div id="app"></div><script nonce="${nonce}" src="${origin}/main.js"></script></body></html>`;

  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--enable-precise-memory-info'] });
  const results = {};
  try {
    for (const scenario of ['open-finished', 'watch-live']) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const consoleErrors = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text().slice(0, 200));
      });
      const payload = JSON.stringify(events);
      const hostFor = scenario === 'open-finished'
        ? `${hostScript}
          window.__onSnapshotRequest = (id) => {
            const events = window.__events;
            setTimeout(() => window.postMessage({ type: 'reply', id, result: { meta: ${JSON.stringify(meta)}, events, nextSeq: events.length } }, '*'), 0);
          };`
        : `${hostScript}
          window.__onSnapshotRequest = (id) => {
            const events = window.__events;
            const live = Object.assign({}, ${JSON.stringify(meta)}, { status: 'running' });
            setTimeout(() => {
              window.postMessage({ type: 'reply', id, result: { meta: live, events: [], nextSeq: 0 } }, '*');
              let seq = 0;
              const pump = () => {
                if (seq >= events.length) return;
                const n = Math.min(${batch}, events.length - seq);
                window.postMessage({ type: 'events', fromSeq: seq, events: events.slice(seq, seq + n) }, '*');
                seq += n;
                requestAnimationFrame(pump);
              };
              requestAnimationFrame(pump);
            }, 0);
          };`;
      await page.route(`${origin}/**`, (route) => {
        const url = new URL(route.request().url());
        if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: html(scenario) });
        if (url.pathname.startsWith('/host-')) return route.fulfill({ contentType: 'application/javascript', body: `window.__events = ${payload};\n${hostFor}` });
        const f = files[url.pathname];
        return f ? route.fulfill({ contentType: f[0], body: f[1] }) : route.fulfill({ status: 404, body: '' });
      });
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      let peakHeap = 0;
      let peakNodes = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          try {
            const { metrics } = await cdp.send('Performance.getMetrics');
            const get = (n) => metrics.find((m) => m.name === n)?.value ?? 0;
            peakHeap = Math.max(peakHeap, get('JSHeapUsedSize'));
            peakNodes = Math.max(peakNodes, get('Nodes'));
          } catch {
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const started = Date.now();
      await page.goto(`${origin}/`);
      // First paint: the header shows the file and at least one step card is drawn.
      await page.waitForFunction(() => document.querySelector('[data-testid="step-card"]') && document.querySelector('[data-testid="file-name"]')?.textContent === 'math.prompt.md', null, { timeout: 120_000, polling: 'raf' });
      const firstPaint = await page.evaluate(() => performance.now());
      // Everything the panel shows by default: the newest cards (a page of 100), the curves
      // over all steps, the header with the outcome.
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid="step-card"]').length === n && document.querySelector('[data-testid="run-notice"]')?.textContent?.startsWith('Completed') && document.querySelectorAll('.chart-box canvas').length >= 3,
        Math.min(steps, 100),
        { timeout: 300_000, polling: 'raf' },
      );
      const allRendered = await page.evaluate(() => performance.now());
      const domAtDefault = await page.evaluate(() => document.getElementsByTagName('*').length);
      // Then every card: "Show earlier steps" until all are in the DOM.
      const expandMs = await page.evaluate(async (n) => {
        const t = performance.now();
        for (;;) {
          const more = document.querySelector('[data-testid="show-earlier-steps"]');
          if (!more || more.hidden) break;
          more.click();
          await new Promise((r) => requestAnimationFrame(() => r(undefined)));
        }
        await new Promise((r) => requestAnimationFrame(() => r(undefined)));
        return document.querySelectorAll('[data-testid="step-card"]').length === n ? performance.now() - t : -1;
      }, steps);
      // A little idle time so the last frame and GC settle, then one more memory sample.
      await page.waitForTimeout(300);
      sampling = false;
      await sampler;
      const { metrics } = await cdp.send('Performance.getMetrics');
      const finalHeap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
      const info = await page.evaluate(() => ({
        bench: window.__bench,
        domNodes: document.getElementsByTagName('*').length,
        cards: document.querySelectorAll('[data-testid="step-card"]').length,
        openCards: document.querySelectorAll('.step-card.open').length,
        canvases: document.querySelectorAll('.chart-box canvas').length,
      }));
      results[scenario] = {
        timeToFirstPaintMs: Math.round(firstPaint),
        timeToRenderAllMs: Math.round(allRendered),
        // The same, counted from the webview's snapshot request (excludes page and bundle load).
        firstPaintAfterSnapshotRequestMs: Math.round(firstPaint - info.bench.snapshotAt),
        renderAllAfterSnapshotRequestMs: Math.round(allRendered - info.bench.snapshotAt),
        wallMs: Date.now() - started,
        peakJsHeapMiB: +(peakHeap / 1024 / 1024).toFixed(1),
        finalJsHeapMiB: +(finalHeap / 1024 / 1024).toFixed(1),
        peakDomNodes: peakNodes,
        domElementsAtDefault: domAtDefault,
        showAllCardsMs: Math.round(expandMs),
        domElementsAtEnd: info.domNodes,
        stepCards: info.cards,
        openCards: info.openCards,
        charts: info.canvases,
        longTasks: info.bench.longTasks,
        longestTaskMs: Math.round(info.bench.longestTask),
        rejectedMessages: info.bench.rejected,
        consoleErrors: consoleErrors.slice(0, 5),
      };
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { dom: `chromium (${chromiumPath}, headless, real bundle under the panel CSP)`, results, includesJournalInPageHeap: true };
}

async function runHappyDom() {
  const { Window } = await import('happy-dom');
  const { RunPanelApp } = await importTs('src/webview/app.ts');
  const results = {};
  for (const scenario of ['open-finished', 'watch-live']) {
    const window = new Window({ url: 'https://panel.bench/', settings: { disableJavaScriptEvaluation: true, disableCSSFileLoading: true } });
    for (const name of ['window', 'document', 'HTMLElement', 'Element', 'Node', 'MutationObserver', 'getComputedStyle', 'navigator', 'MessageEvent']) {
      globalThis[name] = name === 'window' ? window : typeof window[name] === 'function' && name === 'getComputedStyle' ? window[name].bind(window) : window[name];
    }
    globalThis.gc?.();
    const baseHeap = process.memoryUsage().heapUsed;
    let peak = baseHeap;
    const sample = () => (peak = Math.max(peak, process.memoryUsage().heapUsed));
    const frames = [];
    const root = window.document.createElement('div');
    window.document.body.appendChild(root);
    const posted = [];
    const api = { postMessage: (m) => posted.push(m), getState: () => undefined, setState: () => undefined };
    const t0 = performance.now();
    const app = new RunPanelApp(root, api, { charts: false, schedule: (fn) => frames.push(fn) });
    app.start();
    const req = posted.find((m) => m.type === 'request');
    const flush = () => {
      while (frames.length) frames.shift()();
      sample();
    };
    let firstPaint = null;
    if (scenario === 'open-finished') {
      app.receive({ type: 'reply', id: req.id, result: { meta, events, nextSeq: events.length } });
      await new Promise((r) => setTimeout(r, 0));
      flush();
      firstPaint = performance.now() - t0;
    } else {
      app.receive({ type: 'reply', id: req.id, result: { meta: { ...meta, status: 'running' }, events: [], nextSeq: 0 } });
      await new Promise((r) => setTimeout(r, 0));
      for (let seq = 0; seq < events.length; seq += batch) {
        app.receive({ type: 'events', fromSeq: seq, events: events.slice(seq, seq + batch) });
        flush();
        if (firstPaint === null && root.querySelector('[data-testid="step-card"]')) firstPaint = performance.now() - t0;
      }
      app.receive({ type: 'status', status: 'done' });
      flush();
    }
    const all = performance.now() - t0;
    results[scenario] = {
      timeToFirstPaintMs: Math.round(firstPaint),
      timeToRenderAllMs: Math.round(all),
      note: 'render all = the default view (newest 100 cards, header); no charts without canvas',
      peakHeapGrowthMiB: +((peak - baseHeap) / 1024 / 1024).toFixed(1),
      domElementsAtEnd: root.getElementsByTagName('*').length,
      stepCards: root.querySelectorAll('[data-testid="step-card"]').length,
      charts: 0,
    };
    app.dispose();
    await window.happyDOM.close();
  }
  return { dom: 'happy-dom in Node (no canvas: charts not drawn; DOM timings are not a browser’s)', results };
}

try {
  const measured = domChoice === 'chromium' ? await runChromium() : await runHappyDom();
  const out = {
    benchmark: 'panel-replay',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version },
    journal: { events: events.length, steps, eventsPerStep, bytes: journalBytes, liveBatch: batch },
    ...measured,
  };
  fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench', 'results', 'panel-replay.json'), JSON.stringify(out, null, 2) + '\n');
  console.log(`dom: ${out.dom}`);
  for (const [name, r] of Object.entries(out.results)) {
    const mem = r.peakJsHeapMiB !== undefined ? `peak JS heap ${r.peakJsHeapMiB} MiB (after: ${r.finalJsHeapMiB} MiB), peak DOM nodes ${r.peakDomNodes}` : `peak heap growth ${r.peakHeapGrowthMiB} MiB`;
    console.log(`${name.padEnd(14)} first paint ${String(r.timeToFirstPaintMs).padStart(6)} ms · render all ${String(r.timeToRenderAllMs).padStart(6)} ms · ${mem} · ${r.domElementsAtDefault ?? r.domElementsAtEnd} elements${r.showAllCardsMs !== undefined ? ` (all ${r.stepCards} cards: +${r.showAllCardsMs} ms, ${r.domElementsAtEnd} elements)` : ''}${r.longTasks !== undefined ? ` · ${r.longTasks} long tasks (longest ${r.longestTaskMs} ms)` : ''}`);
    if (r.consoleErrors?.length) console.log(`  console: ${r.consoleErrors.join(' | ')}`);
  }
  console.log('wrote bench/results/panel-replay.json');
} finally {
  cleanup();
}
