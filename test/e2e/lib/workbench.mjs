// Driving the VS Code workbench the way a user does: palette, quick picks, editors,
// notifications, CodeLens, webviews. Selectors are VS Code 1.100's DOM.
import fs from 'node:fs';
import path from 'node:path';
import { sleep, waitFor } from './util.mjs';

const QUICK_INPUT = '.quick-input-widget';
const QUICK_ROWS = '.quick-input-widget .quick-input-list .monaco-list-row';

export async function focusWorkbench(page) {
  // A click on the editor area gives the workbench keyboard focus without side effects.
  await page.locator('.monaco-workbench .part.editor').first().click({ position: { x: 400, y: 300 } }).catch(() => {});
}

async function openQuickInput(page, key, prefix, text) {
  await page.keyboard.press('Escape').catch(() => {});
  await page.keyboard.press(key);
  const input = page.locator(`${QUICK_INPUT} input`);
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(prefix + text);
  return input;
}

/** Runs a command from the command palette by its title as shown ("DLPO: Optimize Prompt"). */
export async function runCommand(page, title, { timeoutMs = 15_000 } = {}) {
  await openQuickInput(page, 'F1', '>', title);
  const row = page.locator(QUICK_ROWS).filter({ has: page.locator('.label-name', { hasText: title }) }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  const label = (await row.locator('.label-name').first().textContent())?.trim();
  if (label !== title) {
    // Fuzzy filtering may put another command first; pick ours explicitly.
    const exact = page.locator(QUICK_ROWS).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(title)}$`) }) }).first();
    await exact.click();
  } else {
    await page.keyboard.press('Enter');
  }
}

/** Opens a workspace file by name through Quick Open (Ctrl+P). */
export async function quickOpen(page, fileName) {
  await openQuickInput(page, 'Control+P', '', fileName);
  await page.locator(QUICK_ROWS, { hasText: fileName }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: fileName }).first().waitFor({ state: 'visible', timeout: 15_000 });
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The visible quick pick, if any: its title, placeholder and row labels. */
export async function readQuickPick(page) {
  const widget = page.locator(QUICK_INPUT);
  if (!(await widget.isVisible().catch(() => false))) return undefined;
  const title = ((await page.locator(`${QUICK_INPUT} .quick-input-title`).textContent().catch(() => '')) ?? '').trim();
  const placeholder = (await page.locator(`${QUICK_INPUT} input`).getAttribute('placeholder').catch(() => '')) ?? '';
  const rows = await page.locator(QUICK_ROWS).evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') || e.textContent || '').trim()));
  return { title, placeholder, rows };
}

/** Waits for a quick pick whose title or placeholder matches `kind`. */
export async function waitForQuickPick(page, kind, { timeoutMs = 20_000 } = {}) {
  return waitFor(`a quick pick matching ${kind}`, async () => {
    const qp = await readQuickPick(page);
    if (qp && qp.rows.length > 0 && (kind.test(qp.title) || kind.test(qp.placeholder))) return qp;
    return undefined;
  }, { timeoutMs });
}

/**
 * Chooses the first row of the visible quick pick whose label (codicons stripped) matches
 * `item`; failing that, the first whose whole accessible text (label, description,
 * detail) does.
 */
export async function pickQuickPickItem(page, item) {
  const rows = page.locator(QUICK_ROWS);
  const texts = await rows.evaluateAll((els) => els.map((e) => ({
    label: (e.querySelector('.label-name')?.textContent || '').replace(/\s+/g, ' ').trim(),
    full: (e.getAttribute('aria-label') || e.textContent || '').trim(),
  })));
  const test = (t) => (item instanceof RegExp ? item.test(t) : t.includes(item));
  let i = texts.findIndex((t) => test(t.label));
  if (i < 0) i = texts.findIndex((t) => test(t.full));
  if (i < 0) throw new Error(`no quick pick row matches ${item}; rows: ${JSON.stringify(texts.map((t) => t.full))}`);
  await rows.nth(i).click();
  return texts[i].full;
}

/** Text of the visible notification toasts. */
export async function notifications(page) {
  return page.locator('.notifications-toasts .notification-toast').evaluateAll((els) => els.map((e) => (e.innerText || '').replace(/\s+/g, ' ').trim()));
}

/** Clicks a button on a notification toast (or modal dialog) whose text matches. */
export async function clickNotificationButton(page, buttonText, { timeoutMs = 20_000 } = {}) {
  const selector = `.notifications-toasts .notification-toast .monaco-button, .monaco-dialog-box .monaco-button`;
  const button = page.locator(selector, { hasText: buttonText }).first();
  await button.waitFor({ state: 'visible', timeout: timeoutMs });
  await button.click();
}

/** CodeLens titles shown in the active editor. */
export async function codeLenses(page) {
  return page.locator('.editor-group-container.active .codelens-decoration a')
    .evaluateAll((els) => els.map((e) => (e.textContent || '').trim()).filter(Boolean));
}

export async function clickCodeLens(page, text, { timeoutMs = 20_000 } = {}) {
  const lens = page.locator('.codelens-decoration a', { hasText: text }).first();
  await lens.waitFor({ state: 'visible', timeout: timeoutMs });
  await lens.click();
}

/** The tab of an editor or webview by (part of) its title. */
export function tab(page, title) {
  return page.locator('.tabs-container .tab', { hasText: title }).first();
}

/**
 * The document inside the webview whose tab title contains `title` and which holds an
 * element matching `has`: a webview's content lives two iframes deep
 * (iframe.webview > iframe#active-frame), and with editors side by side several webviews
 * are visible at once, so the one we mean is found by its content.
 */
export async function webviewFrame(page, title, { has = 'body', timeoutMs = 30_000 } = {}) {
  await tab(page, title).waitFor({ state: 'visible', timeout: timeoutMs });
  await tab(page, title).click();
  const outer = page.locator('iframe.webview.ready');
  return waitFor(`a webview for "${title}" containing ${has}`, async () => {
    const n = await outer.count();
    for (let i = 0; i < n; i++) {
      if (!(await outer.nth(i).isVisible().catch(() => false))) continue;
      const inner = outer.nth(i).contentFrame().locator('#active-frame').contentFrame();
      if ((await inner.locator(has).count().catch(() => 0)) > 0) return inner;
    }
    return undefined;
  }, { timeoutMs });
}

let shotCounter = 0;
/** Saves a screenshot as test/e2e/screenshots/NN-name.png and returns its path. */
export async function screenshot(page, dir, name) {
  shotCounter += 1;
  const file = path.join(dir, `${String(shotCounter).padStart(2, '0')}-${name}.png`);
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: file });
  return file;
}

export async function closeAllEditors(page) {
  await runCommand(page, 'View: Close All Editors').catch(() => {});
  await sleep(200);
}

/**
 * Text the active editor shows, including decoration text that VS Code renders through
 * CSS ::before/::after content (ghost text of an inline diff is not in the DOM text).
 */
export async function activeEditorRenderedText(page) {
  return page.locator('.editor-group-container.active .view-lines').first().evaluate((root) => {
    const parts = [];
    const pseudo = (el, which) => {
      const c = getComputedStyle(el, which).content;
      return c && c !== 'none' && c !== 'normal' ? c.replace(/^"|"$/g, '').replace(/\\"/g, '"') : '';
    };
    for (const line of root.querySelectorAll('.view-line')) {
      let text = '';
      for (const span of line.querySelectorAll('span')) {
        text += pseudo(span, '::before');
        if (!span.children.length) text += span.textContent ?? '';
        text += pseudo(span, '::after');
      }
      parts.push(text);
    }
    return parts.join('\n').replace(/\u00a0/g, ' ');
  });
}
