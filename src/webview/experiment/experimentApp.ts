import {
  parseExperimentHostMessage,
  type ExperimentHostToWebview,
  type ExperimentView,
  type ExperimentWebviewToHost,
  type ExportFormat,
  type RunSummaryView,
  type TableRowView,
} from '../../shared/experimentProtocol';
import { button, clear, el, setText } from '../dom';
import { formatCount, formatScore, formatUsd } from '../format';
import type { VsCodeApi } from '../messenger';
import { ExperimentCurves } from './experimentCurves';

type Summary = TableRowView['val'];

/** `62.0 ± 3.1%` (mean ± sample std over seeds), or `—`. */
export function meanStd(s: Summary): string {
  if (s.mean === null) return '—';
  // One seed has no spread: a `± 0.0` would claim a precision nobody measured.
  if (s.n < 2) return `${(s.mean * 100).toFixed(1)}% (1 run)`;
  return `${(s.mean * 100).toFixed(1)} ± ${((s.std ?? 0) * 100).toFixed(1)}%`;
}

function minMax(s: Summary): string {
  return s.min === null || s.max === null ? '' : `min ${formatScore(s.min)}, max ${formatScore(s.max)} over ${s.n} run${s.n === 1 ? '' : 's'}`;
}

function signedPoints(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;
}

/** `+4.2 pts [−1.0, +9.5] · p 0.031`, `baseline`, or `—`. */
export function comparisonText(row: TableRowView): string {
  const c = row.comparison;
  if (!c) return 'baseline';
  const d = c.testDiff;
  const ci = d ? `${signedPoints(d.mean)} pts [${signedPoints(d.low)}, ${signedPoints(d.high)}]` : '—';
  const p = c.perExample ? ` · p ${c.perExample.pValue < 0.001 ? '<0.001' : c.perExample.pValue.toFixed(3)}` : '';
  return ci + p;
}

const STATUS_LABEL: Record<RunSummaryView['status'], string> = {
  pending: 'queued',
  running: 'running',
  finished: 'finished',
  stopped: 'stopped',
  failed: 'failed',
};

/**
 * The experiment panel: header (title, simulator label, progress, Stop, exports), the
 * table (configuration × start/best/final val and test as mean ± std, Δ vs baseline with
 * its CI and paired p, steps to best, calls, cost, prompt length), the runs per
 * configuration (one cell per seed with its progress; a click opens the run), and the
 * mean validation curves overlaid per configuration. All text goes in as text.
 */
export class ExperimentApp {
  private view: ExperimentView | null = null;
  private running = false;
  private readonly title = el('h1', { class: 'exp-title', testid: 'experiment-title' });
  private readonly simulator = el('span', { class: 'simulator-badge', testid: 'experiment-simulator', text: 'Offline simulator' });
  private readonly progress = el('span', { class: 'muted', testid: 'experiment-progress' });
  private readonly stopButton: HTMLButtonElement;
  private readonly resumeButton: HTMLButtonElement;
  private readonly table = el('table', { class: 'exp-table', testid: 'experiment-table' });
  private readonly runsBox = el('div', { class: 'exp-runs', testid: 'experiment-runs' });
  private readonly curves: ExperimentCurves;
  private readonly empty = el('p', { class: 'muted', testid: 'experiment-empty', text: 'Waiting for the first results…' });
  private readonly simulatorNote = el('p', {
    class: 'simulator-note',
    testid: 'experiment-simulator-note',
    text: 'Offline simulator: these figures come from a deterministic stand-in model, not from a real LLM. They show how the optimizer behaves, not how a model scores.',
  });

  constructor(
    private readonly root: HTMLElement,
    private readonly api: VsCodeApi,
    canvas = true,
  ) {
    this.stopButton = button('Stop', { icon: 'stop', testid: 'experiment-stop', secondary: true, title: 'Stop every run (each keeps a checkpoint; resume later)', onClick: () => this.send({ type: 'stop' }) });
    this.resumeButton = button('Resume', { icon: 'resume', testid: 'experiment-resume', title: 'Finish the runs that did not finish (finished runs are kept), or extend to more seeds', onClick: () => this.send({ type: 'resume' }) });
    const exports = (['csv', 'json', 'markdown'] as ExportFormat[]).map((f) =>
      button(f === 'markdown' ? 'Markdown' : f.toUpperCase(), { icon: 'export', testid: `experiment-export-${f}`, secondary: true, title: `Save the table as ${f === 'markdown' ? 'Markdown' : f.toUpperCase()}`, onClick: () => this.send({ type: 'export', format: f }) }),
    );
    this.curves = new ExperimentCurves(canvas);
    this.simulator.hidden = true;
    this.simulatorNote.hidden = true;
    root.appendChild(
      el(
        'div',
        { class: 'experiment-panel', testid: 'experiment-panel' },
        el('header', { class: 'exp-header' }, el('div', { class: 'title-row' }, this.title, this.simulator), el('div', { class: 'exp-actions' }, this.progress, this.stopButton, this.resumeButton, ...exports)),
        this.simulatorNote,
        this.empty,
        el('section', { class: 'exp-section' }, el('h2', { text: 'Results by configuration' }), el('div', { class: 'table-scroll' }, this.table)),
        el('section', { class: 'exp-section' }, el('h2', { text: 'Runs' }), this.runsBox),
        el('section', { class: 'exp-section' }, el('h2', { text: 'Mean validation per step' }), this.curves.root),
      ),
    );
    this.stopButton.hidden = true;
    this.resumeButton.hidden = true;
  }

  start(): void {
    this.curves.attach();
    this.send({ type: 'ready' });
  }

  receive(data: unknown): void {
    const parsed = parseExperimentHostMessage(data);
    if (!parsed.ok) {
      this.send({ type: 'log', level: 'warn', message: `Ignored a malformed message from the extension: ${parsed.error}`.slice(0, 2000) });
      return;
    }
    this.apply(parsed.message);
  }

  apply(message: ExperimentHostToWebview): void {
    switch (message.type) {
      case 'results':
        this.view = message.results;
        this.running = message.running;
        this.api.setState({ experimentDir: message.results.experimentDir });
        this.render();
        break;
      case 'runProgress': {
        const run = this.view?.runs.find((r) => r.key === message.key);
        if (!run) return;
        run.status = message.status;
        run.step = message.step;
        run.totalSteps = message.totalSteps;
        run.bestVal = message.bestVal;
        this.renderRunCell(run);
        this.renderProgress();
        break;
      }
      default: {
        const never: never = message;
        return never;
      }
    }
  }

  private send(message: ExperimentWebviewToHost): void {
    this.api.postMessage(message);
  }

  private render(): void {
    const v = this.view;
    if (!v) return;
    setText(this.title, v.title);
    this.simulator.hidden = !v.simulator;
    this.simulatorNote.hidden = !v.simulator;
    this.empty.hidden = v.rows.some((r) => r.runs > 0);
    this.renderProgress();
    this.renderTable(v);
    this.renderRuns(v);
    this.curves.update(v.curves, v.simulator);
  }

  private renderProgress(): void {
    const v = this.view;
    if (!v) return;
    const finished = v.runs.filter((r) => r.status === 'finished').length;
    const running = v.runs.filter((r) => r.status === 'running').length;
    const stopped = v.runs.filter((r) => r.status === 'stopped' || r.status === 'failed').length;
    const parts = [`${finished} of ${v.runs.length} runs finished`];
    if (running) parts.push(`${running} running`);
    if (stopped) parts.push(`${stopped} stopped`);
    setText(this.progress, parts.join(' · '));
    this.stopButton.hidden = !this.running;
    this.resumeButton.hidden = this.running || v.runs.length === 0;
    setText(this.resumeButton.querySelector('span')!, finished < v.runs.length ? 'Resume' : 'Add seeds');
  }

  private renderTable(v: ExperimentView): void {
    clear(this.table);
    // The comparison sits next to the score it compares, so it is in view in a narrow panel.
    const head = ['Configuration', 'Runs', 'Best test', `Δ test vs ${v.baseline} [95% CI] · p`, 'Best val', 'Start val', 'Final val', 'Final test', 'Steps to best', 'Calls', 'Tokens', 'Cost', 'Prompt length'];
    this.table.appendChild(el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { text: h, ...(h.startsWith('Δ') ? { title: 'Best-prompt test score minus the baseline’s, paired by seed, percentile bootstrap over seeds; p: exact sign test on per-example test outcomes paired by seed and example.' } : {}) })))));
    const body = el('tbody');
    v.rows.forEach((r, i) => {
      const cell = (text: string, title?: string, testid?: string) => el('td', { text, title, testid });
      const tr = el(
        'tr',
        { testid: `experiment-row-${i}`, class: r.comparison ? '' : 'baseline-row' },
        el('th', { text: r.config, class: 'config-name' }),
        // A configuration summarised on fewer runs than asked says so, in the table itself.
        (() => {
          const asked = v.runs.filter((x) => x.config === r.config).length;
          if (asked <= r.runs) return cell(String(r.runs), undefined, `experiment-row-${i}-runs`);
          const td = cell(`${r.runs} of ${asked} ⚠`, `Only ${r.runs} of the ${asked} runs asked for finished: these figures are over ${r.runs} run${r.runs === 1 ? '' : 's'}.`, `experiment-row-${i}-runs`);
          td.classList.add('fewer-runs');
          return td;
        })(),
        cell(meanStd(r.scores.best.test), minMax(r.scores.best.test), `experiment-row-${i}-test`),
        cell(comparisonText(r), r.comparison?.perExample ? `${r.comparison.perExample.better} examples better, ${r.comparison.perExample.worse} worse, of ${r.comparison.perExample.pairs} pairs` : undefined, `experiment-row-${i}-delta`),
        cell(meanStd(r.scores.best.val), minMax(r.scores.best.val), `experiment-row-${i}-val`),
        cell(meanStd(r.scores.start.val), minMax(r.scores.start.val)),
        cell(meanStd(r.scores.final.val), minMax(r.scores.final.val)),
        cell(meanStd(r.scores.final.test), minMax(r.scores.final.test)),
        cell(r.stepsToBest.mean === null ? '—' : r.stepsToBest.mean.toFixed(1)),
        cell(formatCount(r.calls)),
        cell(formatCount(r.tokens)),
        cell(v.simulator ? '$0 (simulator)' : formatUsd(r.costUsd)),
        cell(r.finalPromptSentences.mean === null ? '—' : `${r.finalPromptSentences.mean.toFixed(1)} sentences`),
      );
      body.appendChild(tr);
    });
    this.table.appendChild(body);
  }

  private readonly runCells = new Map<string, HTMLButtonElement>();

  private renderRuns(v: ExperimentView): void {
    clear(this.runsBox);
    this.runCells.clear();
    v.configs.forEach((config, ci) => {
      const cells = v.runs.filter((r) => r.config === config).map((r) => this.makeRunCell(r));
      this.runsBox.appendChild(el('div', { class: 'exp-run-row', testid: `experiment-runs-${ci}` }, el('span', { class: 'config-name', text: config }), el('div', { class: 'exp-run-cells' }, ...cells)));
    });
  }

  private makeRunCell(run: RunSummaryView): HTMLButtonElement {
    const b = el('button', { class: 'exp-run', testid: `experiment-run-${run.key}` });
    b.type = 'button';
    b.addEventListener('click', () => this.send({ type: 'openRun', key: run.key }));
    this.runCells.set(run.key, b);
    this.fillRunCell(b, run);
    return b;
  }

  private renderRunCell(run: RunSummaryView): void {
    const b = this.runCells.get(run.key);
    if (b) this.fillRunCell(b, run);
  }

  private fillRunCell(b: HTMLButtonElement, run: RunSummaryView): void {
    clear(b);
    b.dataset.status = run.status;
    const steps = run.totalSteps ? `${run.step}/${run.totalSteps}` : run.step ? String(run.step) : '';
    b.appendChild(el('span', { class: 'exp-run-seed', text: `seed ${run.seed}` }));
    b.appendChild(el('span', { class: 'exp-run-status', text: STATUS_LABEL[run.status] + (run.status === 'stopped' && run.stoppedBy ? ` (${run.stoppedBy})` : '') }));
    if (steps) b.appendChild(el('span', { class: 'exp-run-steps muted', text: `step ${steps}` }));
    b.appendChild(el('span', { class: 'exp-run-score', text: `val ${formatScore(run.bestVal)}${run.bestTest !== null ? ` · test ${formatScore(run.bestTest)}` : ''}` }));
    b.title = `Open run ${run.key} in the run panel`;
    if (run.status === 'running' && run.totalSteps) {
      const bar = el('span', { class: 'exp-run-bar' });
      const fill = el('span', { class: 'exp-run-bar-fill' });
      fill.style.width = `${Math.min(100, Math.round((100 * run.step) / run.totalSteps))}%`;
      bar.appendChild(fill);
      b.appendChild(bar);
    }
  }

  dispose(): void {
    this.curves.dispose();
  }
}
