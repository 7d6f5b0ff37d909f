// Debian's Chromium driven by playwright-core (which never downloads a browser).
import { loadPlaywright } from './env.mjs';
import { onCleanup } from './processes.mjs';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export async function launchBrowser(env) {
  const { chromium } = loadPlaywright(env);
  const browser = await chromium.launch({ executablePath: env.chromium, headless: true, args: CHROMIUM_ARGS });
  onCleanup(() => browser.close());
  return browser;
}

/**
 * A new page that records its console (the extension host's console is forwarded to
 * it) and page errors, and that catches window.codeAutomationExit, which the web
 * workbench calls when an extension-tests run ends.
 */
export async function newWorkbenchPage(browser, { viewport = { width: 1440, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  let resolveExit;
  const automationExit = new Promise((resolve) => { resolveExit = resolve; });
  await page.exposeFunction('codeAutomationExit', (code) => { resolveExit(code); });
  return { page, context, consoleLines, automationExit };
}

export async function openWorkbench(page, url, { timeoutMs = 60_000 } = {}) {
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
}
