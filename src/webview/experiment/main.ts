// Bundled by esbuild into dist/webview/experiment.css (no CDN, allowed by the CSP's style-src).
import 'uplot/dist/uPlot.min.css';
import './experiment.css';
import type { VsCodeApi } from '../messenger';
import { ExperimentApp } from './experimentApp';

declare function acquireVsCodeApi(): VsCodeApi;

/** Browser entry of the experiment panel (bundled to dist/webview/experiment.js). */
const root = document.getElementById('app');
if (root) {
  const app = new ExperimentApp(root, acquireVsCodeApi());
  window.addEventListener('message', (event: MessageEvent) => app.receive(event.data));
  window.addEventListener('unload', () => app.dispose());
  app.start();
}
