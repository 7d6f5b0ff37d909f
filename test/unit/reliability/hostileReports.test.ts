import * as assert from 'node:assert/strict';
import { Window } from 'happy-dom';
import MarkdownIt from 'markdown-it';
import type { RunEvent } from '../../../src/core/run/events';
import { buildTable, recordFromEvents } from '../../../src/core/experiment/results';
import { tableToCsv, tableToMarkdown } from '../../../src/core/experiment/exportTable';
import { visibleControls } from '../../../src/core/report/escape';
import { renderHtmlReport, renderMarkdownReport } from '../../../src/core/report/runReport';
import { buildReport, renderReportMarkdown } from '../../../src/core/run/report';
import { summaryLines } from '../../../src/core/run/summary';
import { syntheticRunEvents } from '../shared/syntheticRun';

/**
 * Reports are safe for any model text (issue 17 item 8): the hostile payloads below —
 * a line of three backticks that used to close report.md's fence, raw HTML with scripts
 * and event handlers, javascript: links, bidi overrides — go through every report format
 * (report.md, the Markdown and HTML run reports, the experiment table in Markdown and
 * CSV, the terminal summary). Markdown is rendered with raw HTML allowed (the most
 * permissive renderer a user might open it in) and the resulting document is checked.
 */

const PAYLOADS = [
  'Before the fence.\n```\n## Injected heading\n<script>alert(1)</script>\n```\nAfter the fence.',
  '<img src=x onerror=alert(2)>',
  '~~~\n<iframe src="javascript:alert(3)"></iframe>\n~~~',
  '   ````\n``````````',
  'bidi \u202Eevil\u202C \u2066isolate\u2069 mark\u200F',
  '[click](javascript:alert(4)) ![i](x" onerror="alert(5))',
  '<!-- hidden --> <a href="javascript:alert(6)">a</a> | cell | break',
  '<details open><summary>s</summary><style>body{display:none}</style></details>',
];
const HOSTILE = PAYLOADS.join('\n');

function parseHtml(html: string): Document {
  const window = new Window({ settings: { disableJavaScriptEvaluation: true, disableJavaScriptFileLoading: true, disableCSSFileLoading: true } } as never);
  window.document.write(`<!doctype html><html><body>${html}</body></html>`);
  return window.document as unknown as Document;
}

/** No element, attribute, link or style that came from the payloads; no raw bidi control. */
function assertInert(doc: Document, source: string, what: string): void {
  for (const tag of ['script', 'img', 'iframe', 'details', 'object', 'embed', 'link']) assert.equal(doc.querySelectorAll(tag).length, 0, `${what}: <${tag}>`);
  // Stylesheets only where the report itself puts one (the HTML report's head).
  for (const style of [...doc.querySelectorAll('style')]) assert.ok(!style.textContent!.includes('display:none'), `${what}: a model-written <style>`);
  for (const node of [...doc.querySelectorAll('*')]) {
    for (const attr of [...node.attributes]) {
      assert.ok(!/^on/i.test(attr.name), `${what}: attribute ${attr.name}`);
      assert.ok(!/javascript:/i.test(attr.value), `${what}: ${attr.name}=${attr.value}`);
    }
  }
  assert.ok(!/[\u202A-\u202E\u2066-\u2069\u200F]/.test(source), `${what}: a raw bidi control`);
}

const md = new MarkdownIt({ html: true, linkify: false });
const renderMd = (text: string) => parseHtml(md.render(text));

function hostileRun(): RunEvent[] {
  const events = syntheticRunEvents({ steps: 2, modelText: HOSTILE, simulator: false });
  const i = events.findIndex((e) => e.type === 'done');
  const done = events[i];
  if (done.type !== 'done') throw new Error('no done');
  events[i] = { ...done, message: HOSTILE, bestPrompt: `Best. ${HOSTILE}`, finalPrompt: `Final. ${HOSTILE}` };
  events.splice(i, 0, { type: 'error', message: HOSTILE, kind: 'server', action: HOSTILE, fatal: false });
  return events;
}

describe('reliability: hostile model text in every report format', () => {
  it('report.md: prompts and the diff stay inside their fences, every heading survives, nothing else is markup', () => {
    const report = buildReport(hostileRun());
    const text = renderReportMarkdown(report);
    const doc = renderMd(text);
    assertInert(doc, text, 'report.md');
    // A fence broken by the payload would turn "## Injected heading" into a heading and cut the ones after it.
    const headings = [...doc.querySelectorAll('h1, h2')].map((h) => h.textContent!.trim());
    assert.deepEqual(
      headings.filter((h) => !h.startsWith('DLPO run')),
      ['Scores', 'Usage', 'Prompt length', 'Final prompt: changes from the start (sentence diff)', 'Final prompt', 'Best prompt (step 2)', 'Errors'].filter((h) => h !== 'Best prompt (step 2)' || report.bestPrompt !== report.finalPrompt),
    );
    const blocks = [...doc.querySelectorAll('pre > code')].map((c) => c.textContent!);
    assert.ok(blocks.some((b) => b.trimEnd() === visibleControls(report.finalPrompt)), 'the final prompt is one intact code block, as written (controls made visible)');
    assert.ok(blocks.some((b) => b.includes('<script>alert(1)</script>')), 'shown literally');
    const outside = doc.body.textContent!;
    assert.ok(outside.includes('<img src=x onerror=alert(2)>'), 'the error message is shown as text');
    // The terminal summary: no raw controls either (an ESC could drive the terminal).
    const lines = summaryLines({ ...report, stopMessage: `${HOSTILE}\u001b]0;title\u0007` }, '/runs/r').join('\n');
    assert.ok(!/[\u001b\u0007\u202E]/.test(lines), 'summary lines carry no raw control characters');
  });

  it('the Markdown and HTML run reports (src/core/report): inert under a permissive renderer', () => {
    const mdText = renderMarkdownReport(hostileRun());
    assertInert(renderMd(mdText), mdText, 'run report (Markdown)');
    const html = renderHtmlReport(hostileRun());
    const doc = parseHtml(html.replace(/^[\s\S]*?<body>/, '').replace(/<\/body>[\s\S]*$/, ''));
    assertInert(doc, html, 'run report (HTML)');
    assert.ok(doc.body.textContent!.includes('<script>alert(1)</script>'));
  });

  it('the experiment table (Markdown and CSV): a hostile config name is text in its own cell', () => {
    const done: RunEvent = {
      type: 'done', stoppedBy: 'completed', message: HOSTILE, steps: 1, bestStep: 1, bestPrompt: HOSTILE, finalPrompt: HOSTILE,
      scores: { start: { val: 0.4, test: 0.4 }, best: { val: 0.6, test: 0.5 }, final: { val: 0.6, test: 0.5 } },
      usage: { calls: 3, cachedCalls: 0, promptTokens: 10, completionTokens: 5, costUsd: 0.01 },
    };
    const name = PAYLOADS.join(' ').replace(/\n/g, ' ');
    const rows = buildTable([recordFromEvents(name, 1, 'r1', [done])!], [name], name);
    const mdText = tableToMarkdown(rows, { title: HOSTILE });
    const doc = renderMd(mdText);
    assertInert(doc, mdText, 'experiment table (Markdown)');
    const cells = [...doc.querySelectorAll('tbody tr')].map((tr) => tr.querySelectorAll('td').length);
    assert.deepEqual(cells, [13], 'one row, 13 cells: no "|" of the name split it');
    assert.ok(doc.querySelector('tbody td')!.textContent!.includes('<script>alert(1)</script>'));

    // CSV: the name round-trips as one field.
    const csv = tableToCsv(rows);
    const fields = parseCsv(csv)[1];
    assert.equal(fields.length, 25);
    assert.equal(fields[0], name);
  });
});

/** RFC 4180 fields, enough to check quoting. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  return rows;
}
