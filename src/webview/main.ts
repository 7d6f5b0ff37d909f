// Bundled by esbuild into dist/webview/main.css (no CDN, allowed by the CSP's style-src).
import 'uplot/dist/uPlot.min.css';
import { RunPanelApp } from './app';
import type { VsCodeApi } from './messenger';

declare function acquireVsCodeApi(): VsCodeApi;

/** Browser entry of the run panel (bundled to dist/webview/main.js). */
const root = document.getElementById('app');
if (root) {
  const app = new RunPanelApp(root, acquireVsCodeApi());
  window.addEventListener('message', (event: MessageEvent) => app.receive(event.data));
  window.addEventListener('unload', () => app.dispose());
  app.start();
}
