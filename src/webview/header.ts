import type { PanelCommand, PanelReviewMode, RunMeta } from '../shared/protocol';
import { resultTable } from '../shared/runResults';
import { budgetBars, type BudgetBar, type RunView } from '../shared/runView';
import { button, clear, el, icon, setText } from './dom';
import { formatCount, formatDuration, formatInt, formatScore, formatUsd, plural } from './format';

const STATUS_LABEL: Record<RunMeta['status'], string> = {
  running: 'Running',
  'waiting-review': 'Waiting for review',
  done: 'Finished',
  stopped: 'Stopped',
  failed: 'Failed',
  interrupted: 'Interrupted',
};

const REVIEW_MODES: { mode: PanelReviewMode; label: string; title: string }[] = [
  { mode: 'manual', label: 'Manual', title: 'You accept or reject every candidate' },
  { mode: 'tsa', label: 'TSA', title: 'Simulated annealing decides' },
  { mode: 'auto', label: 'Auto', title: 'Every candidate is accepted' },
];

const STOPPED_BY: Record<string, string> = {
  completed: 'Completed',
  'budget-calls': 'Stopped: call cap reached',
  'budget-tokens': 'Stopped: token cap reached',
  'budget-cost': 'Stopped: cost cap reached',
  'budget-time': 'Stopped: time cap reached',
  cancelled: 'Stopped by you',
  error: 'Stopped by an error',
  'early-stopping': 'Stopped early (no improvement)',
};

function formatBudgetValue(bar: BudgetBar, n: number): string {
  switch (bar.key) {
    case 'calls':
      return `${formatInt(n)} calls`;
    case 'tokens':
      return formatCount(n, 'tokens');
    case 'cost':
      return formatUsd(n);
    case 'time':
      return formatDuration(n);
  }
}

/**
 * The panel's header: what runs, with which models, how much of the budget is left,
 * and the run's buttons. Built once; `update` rewrites text and state in place so the
 * header never changes height while a run streams.
 */
export class RunHeader {
  readonly root: HTMLElement;
  private readonly fileName = el('h1', { class: 'file-name', testid: 'file-name' });
  private readonly status = el('span', { class: 'status-badge', testid: 'run-status' });
  private readonly simulatorBadge = el('span', { class: 'simulator-badge', testid: 'simulator-badge' });
  private readonly runId = el('span', { class: 'muted run-id', testid: 'run-id' });
  private readonly chips = el('div', { class: 'chips', testid: 'technique-chips' });
  private readonly facts = el('dl', { class: 'facts', testid: 'run-facts' });
  private readonly budget = el('div', { class: 'budget', testid: 'budget-bars' });
  private readonly scores = el('div', { class: 'scores', testid: 'score-summary' });
  private readonly notice = el('div', { class: 'notice', testid: 'run-notice', role: 'status' });
  /** One line that says how the run stands; the rest of the header folds away under it. */
  private readonly compact = el('span', { class: 'header-compact', testid: 'header-compact' });
  private readonly details = el('details', { class: 'header-details', testid: 'header-details' }) as HTMLDetailsElement;
  private readonly buttons: Record<'stop' | 'resume' | 'applyBest' | 'openBest' | 'openFinal' | 'exportReport', HTMLButtonElement>;
  private readonly modeButtons = new Map<PanelReviewMode, HTMLButtonElement>();
  /** What the chips and facts were last drawn from (kept out of the DOM on purpose). */
  private chipsKey: string | null = null;
  private factsKey: string | null = null;
  private transientNotice: { text: string; kind: 'error' | 'info' } | null = null;

  constructor(private readonly onCommand: (command: PanelCommand) => void) {
    this.buttons = {
      stop: button('Stop', { icon: 'stop', testid: 'btn-stop', onClick: () => onCommand({ command: 'stop' }) }),
      resume: button('Resume', { icon: 'resume', testid: 'btn-resume', onClick: () => onCommand({ command: 'resume' }) }),
      applyBest: button('Apply best', { icon: 'best', testid: 'btn-apply-best', onClick: () => onCommand({ command: 'applyBest' }) }),
      openBest: button('Open best', { icon: 'best', testid: 'btn-open-best', secondary: true, onClick: () => onCommand({ command: 'openBest' }) }),
      openFinal: button('Open final', { icon: 'final', testid: 'btn-open-final', secondary: true, onClick: () => onCommand({ command: 'openFinal' }) }),
      exportReport: button('Export report', { icon: 'export', testid: 'btn-export-report', secondary: true, onClick: () => onCommand({ command: 'exportReport' }) }),
    };
    const modeGroup = el('div', { class: 'segmented', role: 'radiogroup', ariaLabel: 'Review mode', testid: 'review-mode' });
    for (const m of REVIEW_MODES) {
      const b = el('button', { class: 'segment', title: m.title, text: m.label, role: 'radio', testid: `review-mode-${m.mode}` });
      b.type = 'button';
      b.addEventListener('click', () => onCommand({ command: 'setReviewMode', mode: m.mode }));
      this.modeButtons.set(m.mode, b);
      modeGroup.appendChild(b);
    }
    this.simulatorBadge.appendChild(icon('beaker'));
    this.simulatorBadge.appendChild(el('span', { text: 'Offline simulator — figures are not from a real model' }));
    this.simulatorBadge.hidden = true;

    this.details.append(el('summary', { class: 'header-summary' }, this.compact), this.chips, this.facts, el('div', { class: 'header-grid' }, this.budget, this.scores));
    this.root = el(
      'header',
      { class: 'run-header', testid: 'run-header', id: 'run-header' },
      el('div', { class: 'title-row' }, this.fileName, this.status, this.runId, this.simulatorBadge),
      this.details,
      el(
        'div',
        { class: 'actions', testid: 'run-actions' },
        this.buttons.stop,
        this.buttons.resume,
        el('span', { class: 'divider' }),
        this.buttons.applyBest,
        this.buttons.openBest,
        this.buttons.openFinal,
        this.buttons.exportReport,
        el('span', { class: 'spacer' }),
        el('span', { class: 'muted label', text: 'Review' }),
        modeGroup,
      ),
      this.notice,
    );
  }

  get detailsOpen(): boolean {
    return this.details.open;
  }

  /** Restores whether the header's details are unfolded, and reports the user's changes. */
  setDetailsOpen(open: boolean, onChange: (open: boolean) => void): void {
    this.details.open = open;
    this.details.addEventListener('toggle', () => onChange(this.details.open));
  }

  showNotice(text: string, kind: 'error' | 'info'): void {
    this.transientNotice = { text, kind };
  }

  update(view: RunView, meta: RunMeta | null, nowMs: number): void {
    const m = view.meta;
    setText(this.fileName, meta?.fileName || (m ? baseName(m.promptFile) : 'Loading run…'));
    const status = meta?.status ?? (view.done ? 'done' : 'running');
    setText(this.status, STATUS_LABEL[status]);
    this.status.dataset.status = status;
    setText(this.runId, meta ? `run ${meta.runId}` : '');
    this.simulatorBadge.hidden = !m?.simulator;

    this.renderChips(view);
    this.renderFacts(view);
    const live = status === 'running' || status === 'waiting-review';
    const startedMs = m ? Date.parse(m.time) : NaN;
    const elapsed = live && Number.isFinite(startedMs) ? Math.max(0, (nowMs - startedMs) / 1000) : null;
    this.renderBudget(budgetBars(view, elapsed), elapsed !== null);
    this.renderScores(view);
    this.renderCompact(view, elapsed);

    // The host knows whether a checkpoint exists; without it, Resume would only say there is nothing to resume.
    const resumable =
      meta?.resumable !== false &&
      (status === 'stopped' || status === 'interrupted' || status === 'failed' ||
        (view.done !== null && view.done.stoppedBy !== 'completed' && view.done.stoppedBy !== 'early-stopping'));
    this.buttons.stop.disabled = !live;
    this.buttons.resume.disabled = live || !resumable;
    this.buttons.resume.hidden = !live && !resumable;
    this.buttons.resume.title =
      meta?.resumable === false && !live && status !== 'done' ? 'Nothing to resume: the run stopped before it saved a checkpoint. Start a new run instead.' : '';
    this.buttons.openBest.disabled = view.steps.length === 0 && view.done === null;
    this.buttons.openFinal.disabled = view.done === null;
    // Offered once the run is over and its best prompt is not the one the file ends with.
    this.buttons.applyBest.hidden = view.done === null || resultTable(view).bestIsFinal !== false;
    this.buttons.exportReport.disabled = m === null;
    for (const [mode, b] of this.modeButtons) {
      const on = meta?.reviewMode === mode;
      b.setAttribute('aria-checked', on ? 'true' : 'false');
      b.classList.toggle('selected', on);
      b.disabled = !live;
    }
    this.renderNotice(view, meta);
  }

  private renderChips(view: RunView): void {
    const m = view.meta;
    const key = m ? `${m.preset}|${m.techniques.join(',')}` : '';
    if (this.chipsKey === key) return;
    this.chipsKey = key;
    clear(this.chips);
    if (!m) return;
    this.chips.appendChild(el('span', { class: 'chip chip-preset', testid: 'preset-chip', text: m.preset }));
    for (const t of m.techniques) this.chips.appendChild(el('span', { class: 'chip', testid: 'technique-chip', text: t.toUpperCase() }));
    if (m.techniques.length === 0) this.chips.appendChild(el('span', { class: 'chip chip-muted', text: 'no techniques' }));
  }

  private renderFacts(view: RunView): void {
    const m = view.meta;
    const step = view.currentStep;
    const facts: [string, string][] = m
      ? [
          ['Forward', m.forwardModel],
          ['Backward', m.backwardModel],
          ['Seed', String(m.seed)],
          ['Data', `${formatInt(m.sizes.train)} train · ${formatInt(m.sizes.val)} val · ${formatInt(m.sizes.test)} test`],
          // A finished run says how many steps it completed, the same number as its notice.
          ['Step', view.done ? `${formatInt(view.done.steps)} of ${formatInt(m.totalSteps)} done` : step === null ? `— of ${formatInt(m.totalSteps)}` : `${formatInt(step)} of ${formatInt(m.totalSteps)}`],
        ]
      : [];
    if (m?.resumedFromStep !== undefined) facts.push(['Resumed', `from step ${m.resumedFromStep}`]);
    const key = JSON.stringify(facts);
    if (this.factsKey === key) return;
    this.factsKey = key;
    clear(this.facts);
    for (const [k, v] of facts) {
      this.facts.appendChild(el('div', { class: 'fact' }, el('dt', { text: k }), el('dd', { text: v })));
    }
  }

  private renderBudget(bars: BudgetBar[], live: boolean): void {
    if (this.budget.childElementCount === 0) {
      for (const b of bars) {
        const fill = el('div', { class: 'bar-fill' });
        this.budget.appendChild(
          el(
            'div',
            { class: `budget-bar budget-${b.key}`, testid: `budget-${b.key}` },
            el('div', { class: 'bar-label' }, el('span', { class: 'bar-name', text: b.label }), el('span', { class: 'bar-percent muted' })),
            el('div', { class: 'bar-track', role: 'progressbar', ariaLabel: `${b.label} budget` }, fill),
            el('div', { class: 'bar-value' }),
            el('div', { class: 'bar-remaining muted' }),
          ),
        );
      }
    }
    bars.forEach((b, i) => {
      const row = this.budget.children[i] as HTMLElement;
      const q = (sel: string) => row.querySelector(sel) as HTMLElement;
      const usedText = b.key === 'time' && !live ? '—' : formatBudgetValue(b, b.used);
      const valueText = b.max === null ? usedText : `${usedText} of ${formatBudgetValue(b, b.max)}`;
      setText(q('.bar-value'), valueText);
      q('.bar-value').title = valueText;
      const frac = b.fraction ?? 0;
      setText(q('.bar-percent'), b.max === null || (b.key === 'time' && !live) ? '' : `${Math.floor(frac * 100)}%`);
      q('.bar-fill').style.width = `${(frac * 100).toFixed(1)}%`;
      row.classList.toggle('uncapped', b.max === null);
      row.classList.toggle('warn', frac >= 0.8 && frac < 1);
      row.classList.toggle('full', frac >= 1);
      const track = q('.bar-track');
      if (b.max !== null) {
        track.setAttribute('aria-valuemin', '0');
        track.setAttribute('aria-valuemax', '100');
        track.setAttribute('aria-valuenow', (frac * 100).toFixed(0));
      }
      setText(
        q('.bar-remaining'),
        b.max === null
          ? 'no cap'
          : b.key === 'time' && !live
            ? 'not running'
            : `${formatBudgetValue(b, b.remaining ?? 0)} left`,
      );
    });
  }

  /** `Step 3 of 10 · val 62% (best 71%) · 120 of 400 calls · $0.04 of $1.00`: the header folded. */
  private renderCompact(view: RunView, elapsedSec: number | null): void {
    const m = view.meta;
    if (!m) {
      setText(this.compact, 'Details');
      return;
    }
    const t = resultTable(view);
    const step = view.done ? `${formatInt(view.done.steps)} of ${formatInt(m.totalSteps)} steps done` : `Step ${view.currentStep ?? '—'} of ${formatInt(m.totalSteps)}`;
    const score = `val ${formatScore(t.val.last)}${t.val.best !== null && t.val.best !== t.val.last ? ` (best ${formatScore(t.val.best)})` : ''}`;
    const parts = [step, score];
    for (const b of budgetBars(view, elapsedSec)) {
      if (b.key === 'time') continue;
      if (b.key === 'tokens' && b.max === null) continue;
      if (b.key === 'calls') parts.push(b.max === null ? `${formatInt(b.used)} calls` : `${formatInt(b.used)} of ${formatInt(b.max)} calls`);
      else parts.push(b.max === null ? formatBudgetValue(b, b.used) : `${formatBudgetValue(b, b.used)} of ${formatBudgetValue(b, b.max)}`);
    }
    setText(this.compact, parts.join(' · '));
  }

  /** Start → best → final (or now) on validation and test, as a 3 × 2 table. */
  private renderScores(view: RunView): void {
    const t = resultTable(view);
    if (this.scores.childElementCount === 0) {
      const head = el('tr', {}, el('th', {}), el('th', { text: 'start' }), el('th', { testid: 'score-head-best' }), el('th', { testid: 'score-head-last' }));
      const row = (split: 'val' | 'test') =>
        el(
          'tr',
          {},
          el('th', { text: split === 'val' ? 'val' : 'test' }),
          ...(['start', 'best', 'last'] as const).map((c) => el('td', { testid: `score-${split}-${c}` })),
        );
      this.scores.appendChild(el('table', { class: 'score-table' }, el('thead', {}, head), el('tbody', {}, row('val'), row('test'))));
    }
    const q = (id: string) => this.scores.querySelector(`[data-testid="${id}"]`) as HTMLElement;
    setText(q('score-head-best'), t.bestStep === null ? 'best' : `best (step ${t.bestStep})`);
    setText(q('score-head-last'), t.last === 'final' ? (t.bestIsFinal ? 'final (= best)' : 'final') : 'now');
    for (const split of ['val', 'test'] as const) {
      for (const c of ['start', 'best', 'last'] as const) setText(q(`score-${split}-${c}`), formatScore(t[split][c]));
    }
  }

  private renderNotice(view: RunView, meta: RunMeta | null): void {
    let text = '';
    let kind = 'info';
    if (this.transientNotice) {
      text = this.transientNotice.text;
      kind = this.transientNotice.kind;
    } else if (view.done) {
      const base = STOPPED_BY[view.done.stoppedBy] ?? view.done.stoppedBy;
      const t = resultTable(view);
      const file =
        t.bestIsFinal === false
          ? ` The file has the final prompt; Apply best puts step ${view.done.bestStep}'s prompt in it (one undo).`
          : '';
      text = `${base} after ${plural(view.done.steps, 'step')}. Best: step ${view.done.bestStep}, val ${formatScore(view.done.scores.best.val)}. ${view.done.message}${file}`;
      kind = view.done.stoppedBy === 'error' ? 'error' : 'info';
    } else if (meta?.status === 'interrupted' && meta.resumable === false) {
      text = 'The run stopped before it saved a checkpoint (no step was complete and no candidate waited): there is nothing to resume. Start a new run.';
      kind = 'warn';
    } else if (meta?.status === 'waiting-review') {
      text = 'A candidate is waiting for your review: accept or reject it in the editor or in its step card below.';
      kind = 'warn';
    } else if (view.waiting) {
      const what = { 'rate-limit': 'rate limit', 'server-error': 'server error', review: 'review' }[view.waiting.reason];
      text = view.waiting.reason === 'review' ? 'Waiting for your review of the candidate.' : `Waiting ${formatDuration(view.waiting.seconds)} (${what}). ${view.waiting.message}`;
    } else if (view.errors.length > 0) {
      const e = view.errors[view.errors.length - 1];
      text = `${e.fatal ? 'Error' : 'Warning'}: ${e.message}${e.action ? ` ${e.action}` : ''}`;
      kind = e.fatal ? 'error' : 'warn';
    }
    setText(this.notice, text);
    this.notice.dataset.kind = kind;
    this.notice.hidden = text === '';
  }
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}
