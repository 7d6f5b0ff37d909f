import * as assert from 'node:assert/strict';
import { Window } from 'happy-dom';
import type { RunEvent } from '../../../src/core/run/events';
import { escapeMarkdownInline, markdownCodeBlock } from '../../../src/core/report/escape';
import { renderHtmlReport, renderMarkdownReport } from '../../../src/core/report/runReport';
import { lineChartSvg } from '../../../src/core/report/svgChart';
import { syntheticRunEvents } from '../shared/syntheticRun';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) ``` \u202Eevil | cell';

function hostileRun(): RunEvent[] {
  const events = syntheticRunEvents({ steps: 3, modelText: HOSTILE, simulator: true });
  events.splice(events.length - 1, 0, { type: 'error', message: HOSTILE, kind: 'model', action: HOSTILE, fatal: false });
  return events;
}

function parseHtml(html: string): Document {
  const window = new Window({ settings: { disableJavaScriptEvaluation: true, disableJavaScriptFileLoading: true, disableCSSFileLoading: true } } as never);
  window.document.write(html);
  return window.document as unknown as Document;
}

describe('run report', () => {
  it('HTML: escapes every model text: no element, attribute or script comes from it', () => {
    const html = renderHtmlReport(hostileRun());
    const doc = parseHtml(html);
    for (const tag of ['script', 'img', 'a', 'iframe', 'object', 'embed', 'link']) assert.equal(doc.querySelectorAll(tag).length, 0, `<${tag}>`);
    for (const node of [...doc.querySelectorAll('*')]) {
      for (const attr of [...node.attributes]) {
        assert.ok(!/^on/i.test(attr.name), attr.name);
        assert.ok(!/javascript:/i.test(attr.value), `${attr.name}=${attr.value}`);
      }
    }
    assert.ok(doc.body.textContent!.includes('<script>alert(1)</script>'), 'shown as literal text');
    assert.ok(!html.includes('\u202E') && html.includes('⟨U+202E⟩'), 'the RTL override is made visible');
    const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')!;
    assert.match(csp, /^default-src 'none'; style-src 'unsafe-inline'; img-src data:$/);
  });

  it('Markdown: model text cannot become markup, links or break out of a code block', () => {
    const full = renderMarkdownReport(hostileRun());
    // Code blocks show their content literally; outside them no model text may be markup.
    const blocks = full.match(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm) ?? [];
    assert.equal(blocks.length, 2, 'the diff and the best prompt, each one intact block');
    for (const b of blocks) assert.ok(b.includes('<script>alert(1)</script>') && b.startsWith('````'), 'the fence outgrew the ``` inside');
    const md = blocks.reduce((rest, b) => rest.replace(b, ''), full);
    assert.ok(!md.includes('<script') && !md.includes('<img'), 'no raw HTML outside code blocks');
    assert.ok(!/(?<!\\)\]\(javascript:/i.test(md), "no link to javascript: (every ] is escaped)");
    assert.ok(!md.includes('\u202E'));
    // Every table row keeps its column count: a "|" in model text is escaped.
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Step'));
    for (const row of rows) {
      const cells = row.replace(/\\\|/g, '').split('|').length;
      assert.ok(cells === 4 || cells === 10, `row keeps its columns: ${row.slice(0, 80)}`);
    }
    const block = markdownCodeBlock('a ``` b ```` c');
    assert.ok(block.startsWith('`````text\n') && block.endsWith('\n`````'), 'the fence outgrows the text');
    assert.equal(escapeMarkdownInline('[x](javascript:y) *a* <b>'), '\\[x\\](javascript:y) \\*a\\* &lt;b&gt;');
  });

  it('contains the summary, scores, cost, simulator warning, curves and the start → best diff', () => {
    const events = syntheticRunEvents({ steps: 5, simulator: true });
    const done = events.at(-1) as Extract<RunEvent, { type: 'done' }>;
    const html = renderHtmlReport(events, { generatedAt: '2026-11-23T12:00:00Z' });
    const doc = parseHtml(html);
    const text = doc.body.textContent!;
    assert.match(text, /Offline simulator — figures are not from a real model\./);
    assert.match(text, /forward gpt-4o-mini, backward gpt-4o \(offline simulator\)/);
    assert.ok(text.includes(`best ${(done.scores.best.val! * 100).toFixed(1)}%`));
    assert.ok(text.includes(`${done.usage.calls.toLocaleString('en-US')} calls`));
    assert.ok(text.includes(`$${done.usage.costUsd.toFixed(done.usage.costUsd < 0.01 ? 4 : 2)}`));
    assert.equal(doc.querySelectorAll('figure svg').length, 3);
    assert.ok(doc.querySelectorAll('figure svg path').length >= 3, 'curves drawn');
    const added = [...doc.querySelectorAll('.diff li.added')].map((li) => li.textContent);
    assert.deepEqual(added, ['+ Check each calculation.']);
    assert.equal(doc.querySelectorAll('table')[1].querySelectorAll('tr').length, 1 + 5, 'one row per step');

    const md = renderMarkdownReport(events);
    assert.match(md, /^# DLPO run run-synthetic — math\.prompt\.md/);
    assert.equal((md.match(/!\[[^\]]*\]\(data:image\/svg\+xml;base64,/g) ?? []).length, 3);
    assert.match(md, /\+ Check each calculation\./);
  });

  it('reports an unfinished run without inventing an outcome', () => {
    const md = renderMarkdownReport(syntheticRunEvents({ steps: 2, unfinished: true }));
    assert.match(md, /not finished \(2 steps so far\)/);
    assert.doesNotMatch(md, /Best prompt/);
  });

  it('draws charts from numbers only and escapes labels', () => {
    const svg = lineChartSvg({ title: '<b>t</b>', series: [{ label: '"><script>', color: 'red;background:url(x)', style: 'line', points: [[1, 0.5], [2, null], [3, 0.7]] }] });
    assert.ok(!svg.includes('<script') && !svg.includes('<b>'));
    assert.ok(!svg.includes('url(x)'), 'colours outside #hex are replaced');
    assert.match(svg, /<path d='M[\d.]+ [\d.]+L[\d.]+ [\d.]+'/);
    // No tag repeats an attribute (an SVG image with one is not drawn at all).
    for (const tag of svg.match(/<[a-z]+\s[^>]*>/g) ?? []) {
      const names = [...tag.matchAll(/\s([a-z-]+)=/g)].map((m) => m[1]);
      assert.equal(new Set(names).size, names.length, tag);
    }
  });
});
