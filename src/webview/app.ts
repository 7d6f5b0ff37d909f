import { PanelStateSchema, type PanelCommand, type PanelState, type RunMeta, type Snapshot } from '../shared/protocol';
import { applyRunEvents, createRunView, type RunView } from '../shared/runView';
import type { RunEvent } from '../core/run/events';
import { CurvesView } from './charts';
import { el, setText } from './dom';
import { RunHeader } from './header';
import { Messenger, type HostPush, type VsCodeApi } from './messenger';
import { StepCard } from './stepCard';

/** Cards added per "Show earlier steps": keeps the DOM bounded whatever the number of steps. */
export const CARD_PAGE = 100;

export interface AppOptions {
  /** Draw uPlot charts (off in DOM-only tests and benchmarks without canvas). */
  charts?: boolean;
  /** Frame scheduler; tests pass a synchronous one. */
  schedule?: (fn: () => void) => void;
  now?: () => number;
}

/**
 * The run panel in the webview: receives the snapshot and event batches, folds them
 * into the view model and draws at most once per animation frame, whatever the rate
 * of incoming tokens.
 */
export class RunPanelApp {
  readonly messenger: Messenger;
  private view: RunView = createRunView();
  private meta: RunMeta | null = null;
  /** Sequence number of the next event expected; null until a snapshot arrived. */
  private nextSeq: number | null = null;
  private snapshotInFlight = false;
  private readonly header: RunHeader;
  private readonly curves: CurvesView;
  private readonly list = el('div', { class: 'step-list', testid: 'step-list', id: 'steps' });
  private readonly chartsBox = el('details', { class: 'charts-box', testid: 'charts-box' }) as HTMLDetailsElement;
  private readonly followBox = el('input', { testid: 'follow-live' }) as HTMLInputElement;
  private readonly emptyNote = el('div', { class: 'empty muted', testid: 'empty-note', text: 'Waiting for the first step…' });
  private readonly cards = new Map<number, StepCard>();
  /** How many of the newest steps have a card in the DOM; older ones behind "Show earlier steps". */
  private cardLimit = CARD_PAGE;
  private readonly earlierButton = el('button', { class: 'btn btn-secondary show-earlier', testid: 'show-earlier-steps' });
  private readonly expanded = new Set<string>();
  private ui: PanelState | null = null;
  private frameQueued = false;
  private renderedHeaderRev = -1;
  private renderedCurvesRev = -1;
  private renderedListRev = -1;
  private renderedNewest: number | null = null;
  private readonly dirtyCards = new Set<number>();
  private restoredScroll = false;
  private clock: ReturnType<typeof setInterval> | null = null;
  private readonly schedule: (fn: () => void) => void;
  private readonly now: () => number;
  /** Frames drawn; the benchmark reads it. */
  frames = 0;

  constructor(
    readonly root: HTMLElement,
    private readonly api: VsCodeApi,
    options: AppOptions = {},
  ) {
    this.schedule = options.schedule ?? ((fn) => requestAnimationFrame(() => fn()));
    this.now = options.now ?? (() => Date.now());
    this.messenger = new Messenger(api, (m) => this.onPush(m));
    this.header = new RunHeader((c) => this.runCommand(c));
    this.curves = new CurvesView(options.charts ?? true);
    this.earlierButton.type = 'button';
    this.earlierButton.hidden = true;
    this.earlierButton.addEventListener('click', () => {
      this.cardLimit += CARD_PAGE;
      this.renderedListRev = -1;
      this.queueFrame();
    });
    this.followBox.type = 'checkbox';
    this.followBox.checked = true;
    this.followBox.addEventListener('change', () => {
      if (this.ui) this.ui.follow = this.followBox.checked;
      this.saveState();
      if (this.followBox.checked) this.followLive(true);
    });
    const followLabel = el('label', { class: 'follow-toggle muted', title: 'Keep the live step in view as the run moves on; untick to stay where you are' });
    followLabel.append(this.followBox, el('span', { text: 'Follow live step' }));
    const stepsSection = el(
      'section',
      { class: 'steps', testid: 'steps' },
      el('div', { class: 'section-heading-row' }, el('h2', { class: 'section-heading', text: 'Steps' }), followLabel),
      this.emptyNote,
      this.list,
      this.earlierButton,
    );
    // Charts under the steps and collapsible: the live step, its gradient and its candidate come first.
    this.chartsBox.appendChild(el('summary', { class: 'charts-summary', text: 'Charts' }));
    this.chartsBox.appendChild(this.curves.root);
    this.chartsBox.addEventListener('toggle', () => {
      if (this.ui) this.ui.chartsOpen = this.chartsBox.open;
      this.saveState();
    });
    root.classList.add('run-panel');
    root.setAttribute('data-testid', 'run-panel');
    root.append(this.header.root, stepsSection, this.chartsBox);
    const saved = PanelStateSchema.safeParse(api.getState());
    if (saved.success) this.ui = saved.data;
    this.chartsBox.open = this.ui?.chartsOpen ?? true;
    this.followBox.checked = this.ui?.follow ?? true;
    this.header.setDetailsOpen(this.ui?.headerOpen ?? false, (open) => {
      if (this.ui) this.ui.headerOpen = open;
      this.saveState();
    });
  }

  /** Scrolls the live step's card into view (below the sticky header) when following. */
  private followLive(force = false): void {
    if (!force && !this.followBox.checked) return;
    const newest = this.newestStep();
    const card = newest === null ? undefined : this.cards.get(newest);
    if (card && typeof card.root.scrollIntoView === 'function') card.root.scrollIntoView({ block: 'nearest' });
  }

  /** Starts talking to the host: asks for the snapshot. */
  start(): void {
    this.curves.attach();
    this.messenger.send({ type: 'ready' });
    void this.requestSnapshot();
    if (typeof window !== 'undefined') {
      let t: ReturnType<typeof setTimeout> | null = null;
      window.addEventListener('scroll', () => {
        if (t) clearTimeout(t);
        t = setTimeout(() => this.saveState(), 200);
      });
    }
  }

  /** For `window.addEventListener('message', …)`. */
  receive(data: unknown): void {
    this.messenger.receive(data);
  }

  get currentView(): RunView {
    return this.view;
  }

  private async requestSnapshot(): Promise<void> {
    if (this.snapshotInFlight) return;
    this.snapshotInFlight = true;
    try {
      this.loadSnapshot(await this.messenger.request('getSnapshot', {}));
    } catch (error) {
      this.header.showNotice(`Could not load the run: ${error instanceof Error ? error.message : String(error)}`, 'error');
      this.queueFrame();
    } finally {
      this.snapshotInFlight = false;
    }
  }

  private onPush(m: HostPush): void {
    switch (m.type) {
      case 'snapshot':
        this.loadSnapshot(m.snapshot);
        return;
      case 'events':
        this.onEvents(m.fromSeq, m.events);
        return;
      case 'status':
        if (this.meta) {
          this.meta = { ...this.meta, status: m.status, reviewMode: m.reviewMode ?? this.meta.reviewMode, resumable: m.resumable ?? this.meta.resumable };
          this.renderedHeaderRev = -1;
          // "Waiting for review" is a session status, not an event: redraw the step it concerns.
          const newest = this.newestStep();
          if (newest !== null) {
            this.cards.get(newest)?.invalidate();
            this.dirtyCards.add(newest);
          }
          this.syncClock();
          this.queueFrame();
        }
        return;
      default: {
        const never: never = m;
        void never;
      }
    }
  }

  private loadSnapshot(s: Snapshot): void {
    if (this.meta && this.meta.runId !== s.meta.runId) this.resetCards();
    this.meta = s.meta;
    this.view = applyRunEvents(createRunView(), s.events);
    this.nextSeq = s.nextSeq;
    if (!this.ui || this.ui.runId !== s.meta.runId) {
      this.ui = {
        runId: s.meta.runId,
        runDir: s.meta.runDir,
        openSteps: [],
        closedSteps: [],
        scrollY: 0,
        headerOpen: this.header.detailsOpen,
        chartsOpen: this.chartsBox.open,
        follow: this.followBox.checked,
      };
    }
    this.saveState();
    this.renderedHeaderRev = this.renderedCurvesRev = this.renderedListRev = -1;
    for (const c of this.cards.values()) c.invalidate();
    this.syncClock();
    this.queueFrame();
  }

  private onEvents(fromSeq: number, events: RunEvent[]): void {
    if (this.nextSeq === null) return; // the snapshot on its way includes these
    if (fromSeq > this.nextSeq) {
      // A gap (the panel was hidden, or a batch was lost): start again from a snapshot.
      void this.requestSnapshot();
      return;
    }
    const skip = this.nextSeq - fromSeq;
    if (skip >= events.length) return; // already seen
    const fresh = skip > 0 ? events.slice(skip) : events;
    applyRunEvents(this.view, fresh);
    this.nextSeq += fresh.length;
    this.queueFrame();
  }

  private runCommand(command: PanelCommand): void {
    this.messenger.request('command', command).then(
      () => {
        if (command.command === 'setReviewMode' && this.meta) {
          this.meta = { ...this.meta, reviewMode: command.mode };
          this.renderedHeaderRev = -1;
          this.queueFrame();
        }
      },
      (error: unknown) => {
        this.header.showNotice(error instanceof Error ? error.message : String(error), 'error');
        this.renderedHeaderRev = -1;
        this.queueFrame();
      },
    );
  }

  private queueFrame(): void {
    if (this.frameQueued) return;
    this.frameQueued = true;
    this.schedule(() => {
      this.frameQueued = false;
      this.render();
    });
  }

  /** Draws what changed since the last frame. */
  render(): void {
    this.frames++;
    const v = this.view;
    if (v.headerRev !== this.renderedHeaderRev) {
      this.header.update(v, this.meta, this.now());
      this.renderedHeaderRev = v.headerRev;
    }
    if (v.curvesRev !== this.renderedCurvesRev) {
      this.curves.update(v);
      this.renderedCurvesRev = v.curvesRev;
    }
    this.renderSteps();
    if (!this.restoredScroll && this.meta && this.ui) {
      this.restoredScroll = true;
      if (this.ui.scrollY > 0 && typeof window !== 'undefined' && typeof window.scrollTo === 'function') window.scrollTo(0, this.ui.scrollY);
    }
  }

  private newestStep(): number | null {
    return this.view.steps.length ? this.view.steps[this.view.steps.length - 1].step : null;
  }

  private isOpen(step: number): boolean {
    if (this.ui?.closedSteps.includes(step)) return false;
    if (this.ui?.openSteps.includes(step)) return true;
    return step === this.newestStep();
  }

  private renderSteps(): void {
    const v = this.view;
    this.emptyNote.hidden = v.steps.length > 0;
    const newest = this.newestStep();
    const first = Math.max(0, v.steps.length - this.cardLimit);
    if (v.listRev !== this.renderedListRev) {
      // Newest first: the live step stays at the top, under the curves.
      let anchor: Element | null = null;
      const shown = new Set<number>();
      for (let i = v.steps.length - 1; i >= first; i--) {
        const s = v.steps[i];
        shown.add(s.step);
        let card = this.cards.get(s.step);
        if (!card) {
          card = new StepCard(s.step, {
            expanded: this.expanded,
            onCommand: (c) => this.runCommand(c),
            onToggleOpen: (step, open) => this.toggle(step, open),
            requestRedraw: (step) => {
              this.cards.get(step)?.invalidate();
              this.dirtyCards.add(step);
              this.queueFrame();
            },
          });
          this.cards.set(s.step, card);
        }
        const expected: Element | null = anchor ? anchor.nextElementSibling : this.list.firstElementChild;
        if (expected !== card.root) this.list.insertBefore(card.root, expected);
        anchor = card.root;
      }
      // Cards that fell off the bottom (or whose step is gone) leave the DOM and memory.
      for (const [step, card] of this.cards) {
        if (!shown.has(step)) {
          card.root.remove();
          this.cards.delete(step);
        }
      }
      const hidden = first;
      this.earlierButton.hidden = hidden === 0;
      if (hidden > 0) setText(this.earlierButton, `Show ${Math.min(CARD_PAGE, hidden)} earlier steps (${hidden} not shown)`);
      this.renderedListRev = v.listRev;
    }
    const newestChanged = newest !== this.renderedNewest;
    const pending = this.pendingReviewStep();
    for (let i = first; i < v.steps.length; i++) {
      const s = v.steps[i];
      const card = this.cards.get(s.step);
      if (!card) continue;
      const open = this.isOpen(s.step);
      if (open !== card.open || newestChanged || this.dirtyCards.has(s.step)) card.open = open;
      card.render(s.step === pending && !s.awaitingReview ? { ...s, awaitingReview: true } : s);
    }
    this.dirtyCards.clear();
    // A new step started: keep it in view unless the user unticked "Follow live step".
    if (newestChanged && this.renderedNewest !== null) this.followLive();
    this.renderedNewest = newest;
  }

  /**
   * The step whose candidate waits for the user: the run controller says so with the
   * session status `waiting-review` (there is no event for it); it is the newest step
   * with a candidate and no decision yet.
   */
  private pendingReviewStep(): number | null {
    if (this.meta?.status !== 'waiting-review') return null;
    for (let i = this.view.steps.length - 1; i >= 0; i--) {
      const s = this.view.steps[i];
      if (s.candidate && !s.review) return s.step;
      if (s.review) return null;
    }
    return null;
  }

  private toggle(step: number, open: boolean): void {
    if (!this.ui) return;
    const newest = step === this.newestStep();
    this.ui.openSteps = this.ui.openSteps.filter((s) => s !== step);
    this.ui.closedSteps = this.ui.closedSteps.filter((s) => s !== step);
    if (open && !newest) this.ui.openSteps.push(step);
    if (!open && newest) this.ui.closedSteps.push(step);
    // Bounded: the state holds at most the last 200 choices.
    this.ui.openSteps = this.ui.openSteps.slice(-200);
    this.ui.closedSteps = this.ui.closedSteps.slice(-200);
    this.saveState();
    this.dirtyCards.add(step);
    this.queueFrame();
  }

  private saveState(): void {
    if (!this.ui) return;
    if (typeof window !== 'undefined' && this.restoredScroll) this.ui.scrollY = Math.max(0, Math.round(window.scrollY || 0));
    this.api.setState(this.ui);
  }

  /** While a run is live the time budget bar moves: redraw the header once a second. */
  private syncClock(): void {
    const live = this.meta?.status === 'running' || this.meta?.status === 'waiting-review';
    if (live && !this.clock) {
      this.clock = setInterval(() => {
        this.renderedHeaderRev = -1;
        this.queueFrame();
      }, 1000);
    } else if (!live && this.clock) {
      clearInterval(this.clock);
      this.clock = null;
    }
  }

  private resetCards(): void {
    for (const c of this.cards.values()) c.root.remove();
    this.cards.clear();
    this.expanded.clear();
  }

  dispose(): void {
    if (this.clock) clearInterval(this.clock);
    this.clock = null;
    this.curves.dispose();
    this.messenger.dispose();
  }
}

