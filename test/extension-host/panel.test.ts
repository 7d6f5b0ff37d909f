// The run panel inside a real extension host: one panel per run with the right title,
// a singleton per run id, a strict CSP with a fresh nonce, resources limited to the
// bundle and media, and the real bundle (dist/webview/main.js) running in the real
// webview: it says `ready` and asks for its snapshot, and asks again after the panel
// was hidden (retainContextWhenHidden is off) — which is how it restores.
//
// The panel module is bundled into this test (next to the installed extension's copy),
// fed a scripted RunSession: what is tested is the panel, not the run controller.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../../src/extension/ctx';
import { RunPanel } from '../../src/extension/panel/runPanel';
import { TrackedRunSession } from '../../src/extension/run/trackedRunSession';
import { extensionUri, until } from './hostTools';

// A webview loads in about a second, but the CI machine is shared: under load the first
// load took over 15 s once, so the wait is generous (a real hang still fails).
const PANEL_TIMEOUT_MS = 45_000;

describe('run panel (real extension host)', function () {
  this.timeout(150_000);
  const disposables: vscode.Disposable[] = [];
  let ctx: Ctx;
  let logged: string[];

  before(() => {
    logged = [];
    const output = vscode.window.createOutputChannel('DLPO panel test', { log: true });
    disposables.push(output);
    ctx = {
      extensionContext: { extensionUri: extensionUri(), subscriptions: disposables },
      output: new Proxy(output, {
        get: (target, prop) =>
          prop === 'warn' || prop === 'info' ? (m: string) => logged.push(`${String(prop)}: ${m}`) : Reflect.get(target, prop),
      }),
      runs: { get: () => undefined, open: async () => Promise.reject(new Error('not in this test')) },
      registerCommand: () => undefined,
      pushCleanup: (d: vscode.Disposable) => disposables.push(d),
    } as unknown as Ctx;
  });

  after(async () => {
    for (const d of disposables.splice(0).reverse()) d.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  function session(runId: string): TrackedRunSession {
    const s = new TrackedRunSession(runId, `/tmp/dlpo-panel-test/${runId}`, vscode.Uri.file('/tmp/dlpo-panel-test/math.prompt.md'), 'running');
    s.push({
      type: 'run-start',
      runId,
      time: new Date().toISOString(),
      promptFile: '/tmp/dlpo-panel-test/math.prompt.md',
      prompt: 'Solve the problem. Give "Answer: N".',
      preset: 'best',
      techniques: ['tlrd', 'tsa', 'tcl', 'tregu'],
      forwardModel: 'sim-forward',
      backwardModel: 'sim-backward',
      simulator: true,
      seed: 1,
      totalSteps: 3,
      sizes: { train: 5, val: 5, test: 5 },
      budget: {},
    });
    return s;
  }

  it('opens one panel per run, titled with the file and run id, and reveals it again instead of a second one', () => {
    const s = session('panel-test-1');
    const a = RunPanel.createOrShow(ctx, s);
    const b = RunPanel.createOrShow(ctx, s);
    assert.equal(a, b);
    assert.equal(a.panel.title, 'DLPO: math.prompt.md — run panel-test-1');
    assert.equal(a.panel.viewType, 'dlpo.runPanel');
    const other = RunPanel.createOrShow(ctx, session('panel-test-2'));
    assert.notEqual(other, a);
    other.dispose();
    assert.equal(RunPanel.get('panel-test-2'), undefined);
  });

  it('limits the webview: scripts by nonce only, resources from dist/webview and media only', () => {
    const p = RunPanel.createOrShow(ctx, session('panel-test-3'));
    const q = RunPanel.createOrShow(ctx, session('panel-test-4'));
    const options = p.panel.webview.options;
    assert.equal(options.enableScripts, true);
    const roots = (options.localResourceRoots ?? []).map((u) => path.relative(extensionUri().fsPath, u.fsPath)).sort();
    assert.deepEqual(roots, [path.join('dist', 'webview'), 'media']);
    const html = p.panel.webview.html;
    const nonce = /script-src 'nonce-([A-Za-z0-9]+)'/.exec(html.replace(/&#39;/g, "'"))?.[1];
    assert.ok(nonce, 'a nonce in the CSP');
    assert.match(html.replace(/&#39;/g, "'"), new RegExp(`default-src 'none'; script-src 'nonce-${nonce}'; style-src [^;]+; img-src [^;]+ data:; font-src [^;"]+"`));
    assert.equal((html.match(/<script /g) ?? []).length, 1);
    assert.ok(html.includes(`<script nonce="${nonce}" src="`));
    assert.ok(!q.panel.webview.html.includes(nonce), 'each render has its own nonce');
    p.dispose();
    q.dispose();
  });

  it('runs the real bundle: the webview asks for its snapshot, and again after being hidden', async () => {
    const s = session('panel-test-5');
    const panel = RunPanel.createOrShow(ctx, s, { preserveFocus: false });
    const received: { type?: string; method?: string }[] = [];
    disposables.push(panel.panel.webview.onDidReceiveMessage((m) => received.push(m)));
    await until('the webview to ask for its snapshot', () => received.some((m) => m.type === 'request' && m.method === 'getSnapshot'), PANEL_TIMEOUT_MS);
    assert.ok(received.some((m) => m.type === 'ready'));
    assert.deepEqual(logged.filter((l) => /malformed/.test(l)), [], 'the webview accepted every host message');

    // Hide it (another editor in its column), then show it again: a fresh page asks again.
    const before = received.filter((m) => m.method === 'getSnapshot').length;
    const doc = await vscode.workspace.openTextDocument({ content: 'other', language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { viewColumn: panel.panel.viewColumn, preview: false });
    await until('the panel to be hidden', () => !panel.panel.visible, PANEL_TIMEOUT_MS);
    panel.panel.reveal(undefined, false);
    await until('the webview to ask for a snapshot again', () => received.filter((m) => m.method === 'getSnapshot').length > before, PANEL_TIMEOUT_MS);
    panel.dispose();
  });
});
