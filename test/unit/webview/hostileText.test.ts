import * as assert from 'node:assert/strict';
import type { RunEvent } from '../../../src/core/run/events';
import { RunPanelApp } from '../../../src/webview/app';
import { visibleText } from '../../../src/webview/dom';
import { installDom, FakeVsCodeApi, type DomEnv } from './domEnv';
import { syntheticRunEvents } from '../shared/syntheticRun';

/**
 * Model output is hostile input: it reaches the panel as text and must stay text.
 * Each string below is fed as every model-written field of a run (inputs, answers,
 * gold, reasons, gradient tokens, candidate sentences, messages), every card is opened
 * and expanded, and the DOM is searched for anything those strings could have created.
 */
const LONG_LINE = 'A'.repeat(200_000);
const HOSTILE = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 2">',
  '<a href="javascript:alert(1)">click me</a>',
  '"><svg onload="window.__pwned=3"></svg>',
  '<iframe srcdoc="<script>parent.__pwned=4</script>"></iframe>',
  '[click](javascript:alert(5)) **bold** <style>body{display:none}</style>',
  'evil\u202Etxt.exe \u2066isolated\u2069',
  'pay\u200Bpal.com zero\u200Dwidth \uFEFFbom',
  LONG_LINE,
];

describe('webview: hostile model output is rendered as text only', () => {
  let env: DomEnv;
  beforeEach(() => {
    env = installDom();
  });
  afterEach(() => env.restore());

  async function render(events: RunEvent[]): Promise<HTMLElement> {
    const root = env.document.createElement('div');
    root.id = 'app';
    env.document.body.appendChild(root);
    const api = new FakeVsCodeApi();
    const app = new RunPanelApp(root, api, { charts: false, schedule: (fn) => fn(), now: () => Date.parse('2026-11-23T10:05:00Z') });
    app.start();
    const request = api.posted.find((m) => (m as { type: string }).type === 'request') as { id: number };
    app.receive({
      type: 'reply',
      id: request.id,
      result: { meta: { runId: 'run-hostile', runDir: '/runs/run-hostile', fileName: 'math.prompt.md', status: 'running' }, events: events.slice(0, 20), nextSeq: 20 },
    });
    await new Promise((r) => setTimeout(r, 0));
    // The rest arrives live, in batches, as from the host.
    for (let i = 20; i < events.length; i += 7) app.receive({ type: 'events', fromSeq: i, events: events.slice(i, i + 7) });
    // Open every card, then press every "Show more".
    for (const t of [...root.querySelectorAll<HTMLElement>('[data-testid="step-toggle"]')]) {
      if (t.getAttribute('aria-expanded') !== 'true') t.click();
    }
    for (const b of [...root.querySelectorAll<HTMLElement>('[data-testid="show-more"]')]) b.click();
    app.dispose();
    return root;
  }

  for (const hostile of HOSTILE) {
    const label = hostile.length > 100 ? `a ${hostile.length.toLocaleString('en-US')}-character line` : JSON.stringify(hostile);
    it(`keeps ${label} as text`, async () => {
      const events = syntheticRunEvents({ steps: 3, modelText: hostile, unfinished: true });
      // A candidate waits for review at the end, so the review buttons are drawn too.
      events.push({ type: 'waiting', reason: 'review', seconds: 0, message: hostile });
      events.push({ type: 'error', message: hostile, kind: 'model', action: hostile, fatal: false });
      const root = await render(events);
      const doc = env.document;

      for (const tag of ['script', 'img', 'a', 'iframe', 'style', 'object', 'embed', 'form', 'link', 'meta', 'base']) {
        assert.equal(doc.querySelectorAll(tag).length, 0, `no <${tag}> element may exist`);
      }
      // Only code-made SVG icons: <svg> with <path> children, nothing else.
      for (const svg of [...doc.querySelectorAll('svg')]) {
        for (const child of [...svg.children]) assert.equal(child.tagName.toLowerCase(), 'path');
      }
      for (const node of [...doc.querySelectorAll('*')]) {
        for (const attr of [...node.attributes]) {
          assert.ok(!/^on/i.test(attr.name), `no event-handler attribute (${attr.name})`);
          assert.ok(!/javascript:|<|pwned/i.test(attr.value), `attribute ${attr.name} must not carry model text`);
          assert.ok(!attr.value.includes('\u202E'), 'no RTL override in attributes');
        }
      }
      assert.equal((env.window as unknown as { __pwned?: number }).__pwned, undefined);

      const text = root.textContent ?? '';
      assert.ok(!/[\u202A-\u202E\u2066-\u2069]/.test(text), 'bidi controls are shown as visible markers, not applied');
      assert.ok(!/[\u200B-\u200D\uFEFF]/.test(text), 'zero-width characters are shown as visible markers');
      if (hostile.includes('\u200B')) assert.ok(text.includes('pay⟨U+200B⟩pal.com'), 'the zero-width space is made visible');
      if (hostile.includes('\u202E')) assert.ok(text.includes('⟨U+202E⟩'), 'the override is made visible');
      if (hostile === LONG_LINE) {
        // Stored clipped (20k) and shown as a preview until expanded; the page says so.
        assert.ok(text.length < 40 * 20_000, `text stays bounded (${text.length})`);
        assert.match(text, /characters in all/);
      } else {
        const probe = visibleText(hostile.slice(0, 12));
        assert.ok(text.includes(probe), 'the hostile string is visible as literal text');
      }
    });
  }
});
