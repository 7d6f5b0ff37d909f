import { randomBytes } from 'node:crypto';

/** A fresh nonce per render: a script from an old render (or anywhere else) cannot run. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 24).padEnd(16, '0');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface PanelHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `asWebviewUri` of dist/webview/main.js. */
  scriptUri: string;
  /** `asWebviewUri` of the stylesheets, in order (dist/webview/main.css, panel.css). */
  styleUris: string[];
  nonce: string;
  title: string;
  /** `data-testid` of the root element (each panel kind has its own). */
  rootTestId?: string;
}

/**
 * The strict policy of style point 10: nothing loads unless it is the bundle (nonce) or
 * from the extension's own resource roots; no inline script, no inline style, no eval,
 * no network.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function renderPanelHtml(input: PanelHtmlInput): string {
  const csp = contentSecurityPolicy(input.cspSource, input.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${input.styleUris.map((u) => `<link rel="stylesheet" href="${escapeHtml(u)}">`).join('\n')}
<title>${escapeHtml(input.title)}</title>
</head>
<body>
<div id="app" data-testid="${escapeHtml(input.rootTestId ?? 'run-panel-root')}"></div>
<script nonce="${escapeHtml(input.nonce)}" src="${escapeHtml(input.scriptUri)}"></script>
</body>
</html>`;
}

/** A page with no script at all, for a panel whose run cannot be reopened. */
export function renderMessageHtml(cspSource: string, title: string, message: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(`default-src 'none'; style-src ${cspSource}`)}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<p data-testid="run-panel-message">${escapeHtml(message)}</p>
</body>
</html>`;
}
