import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, makeNonce, renderMessageHtml, renderPanelHtml } from '../../../src/extension/panel/panelHtml';

describe('run panel HTML', () => {
  const input = {
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/main.js',
    styleUris: ['https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/main.css', 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/panel.css'],
    nonce: 'abcDEF123456abcDEF123456',
    title: 'DLPO: <img src=x onerror=alert(1)>.prompt.md — run r1',
  };

  it('has the strict CSP: nothing by default, the nonce for scripts, the extension for styles, images and fonts', () => {
    assert.equal(
      contentSecurityPolicy(input.cspSource, input.nonce),
      `default-src 'none'; script-src 'nonce-${input.nonce}'; style-src ${input.cspSource}; img-src ${input.cspSource} data:; font-src ${input.cspSource}`,
    );
    const html = renderPanelHtml(input);
    assert.ok(html.includes(`content="default-src &#39;none&#39;; script-src &#39;nonce-${input.nonce}&#39;`));
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  });

  it('has one script, carrying the nonce, and no inline script, style or handler', () => {
    const html = renderPanelHtml({ ...input, title: 'DLPO: math.prompt.md — run r1' });
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0], new RegExp(`nonce="${input.nonce}" src="${input.scriptUri.replace(/[.+]/g, '\\$&')}"`));
    assert.match(html, /<script [^>]*><\/script>/, 'the script tag is empty');
    assert.doesNotMatch(html, /<style|\son\w+=/i);
  });

  it('escapes the title (a file name may contain markup)', () => {
    const html = renderPanelHtml(input);
    assert.ok(!html.includes('<img'));
    assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62;'));
    assert.ok(!renderMessageHtml(input.cspSource, input.title, '<script>x</script>').includes('<script>'));
  });

  it('makes a different nonce every time', () => {
    const nonces = new Set(Array.from({ length: 50 }, makeNonce));
    assert.equal(nonces.size, 50);
    for (const n of nonces) assert.match(n, /^[A-Za-z0-9]{16,}$/);
  });
});
