import type { PanelCommand } from '../shared/protocol';
import {
  decisionLine,
  techniqueChip,
  tsaLine,
  type ClippedText,
  type EditView,
  type RevertedBy,
  type StepView,
} from '../shared/runView';
import { decisionLabel, tsaExplanation } from '../shared/decisionText';
import { button, clear, el, icon, setText } from './dom';
import { formatCount, formatInt, formatScore, formatUsd, plural } from './format';
import { fillTextBlock, textBlock } from './textBlock';

export interface CardContext {
  /** Keys of expanded "show more" blocks, shared by all cards. */
  expanded: Set<string>;
  onCommand(command: PanelCommand): void;
  onToggleOpen(step: number, open: boolean): void;
  /** A "show more" changed: the card must redraw that block. */
  requestRedraw(step: number): void;
}

/** A gradient is the card's main text: a longer preview than other fields (it scrolls in its box). */
const GRADIENT_PREVIEW = 8_000;

type SectionName = 'batch' | 'failures' | 'gradient' | 'techniques' | 'candidate' | 'tsa' | 'decision' | 'evals';
const SECTION_ORDER: SectionName[] = ['batch', 'failures', 'gradient', 'techniques', 'candidate', 'tsa', 'decision', 'evals'];

/**
 * One step as a collapsible card. Closed, it is a one-line summary (a handful of
 * nodes, so 500 steps stay light); open, its sections are drawn and redrawn one by one
 * when their content changes, and streaming text is updated in place.
 */
export class StepCard {
  readonly root: HTMLElement;
  private readonly summary: HTMLButtonElement;
  private readonly summaryText = el('span', { class: 'summary-main' });
  private readonly summaryBadges = el('span', { class: 'summary-badges' });
  private readonly chevron = el('span', { class: 'chevron' });
  private body: HTMLElement | null = null;
  private readonly sections = new Map<SectionName, { node: HTMLElement; key: string }>();
  private renderedRev = -1;
  private renderedOpen = false;
  private forceRedraw = false;
  private redraws = 0;
  open = false;

  constructor(
    readonly step: number,
    private readonly ctx: CardContext,
  ) {
    this.summary = el('button', { class: 'step-summary', testid: 'step-toggle' }, this.chevron, this.summaryText, this.summaryBadges);
    this.summary.type = 'button';
    this.summary.addEventListener('click', () => ctx.onToggleOpen(this.step, !this.open));
    this.root = el('article', { class: 'step-card', testid: 'step-card' }, this.summary);
    this.root.dataset.step = String(step);
    this.root.id = `step-${step}`;
  }

  /** Marks the card for a full redraw (e.g. after "show more"). */
  invalidate(): void {
    this.forceRedraw = true;
  }

  render(s: StepView): void {
    if (s.rev === this.renderedRev && this.open === this.renderedOpen && !this.forceRedraw) return;
    this.renderSummary(s);
    if (this.open) this.renderBody(s);
    else if (this.body) {
      this.body.remove();
      this.body = null;
      this.sections.clear();
    }
    this.root.classList.toggle('open', this.open);
    this.summary.setAttribute('aria-expanded', this.open ? 'true' : 'false');
    this.renderedRev = s.rev;
    this.renderedOpen = this.open;
    this.forceRedraw = false;
  }

  private renderSummary(s: StepView): void {
    clear(this.chevron);
    this.chevron.appendChild(icon(this.open ? 'chevronDown' : 'chevronRight'));
    const parts = [`Step ${s.step}`];
    if (s.epoch > 0) parts.push(`epoch ${s.epoch}`);
    setText(this.summaryText, parts.join(' · '));
    clear(this.summaryBadges);
    const badge = (text: string, cls: string, testid?: string) => this.summaryBadges.appendChild(el('span', { class: `badge ${cls}`, text, testid }));
    if (s.loss) badge(`batch ${formatScore(s.loss.batchScore)}`, 'badge-muted');
    const val = s.evals.find((e) => e.split === 'val' && e.prompt === 'current');
    if (val) badge(`val ${formatScore(val.score)}`, 'badge-muted');
    if (s.streamingPart) badge('writing…', 'badge-live', 'badge-streaming');
    if (s.awaitingReview) badge('review', 'badge-warn', 'badge-review');
    else if (decisionLabel(s)) {
      // Labelled as it happened: who decided, and whether the text was edited first.
      const label = decisionLabel(s)!;
      const ok = !label.endsWith('rejected');
      badge(`${ok ? '●' : '○'} ${label}`, ok ? 'badge-ok' : 'badge-bad', 'badge-decision');
    } else if (s.skipped !== null) badge('skipped', 'badge-muted');
    if (s.usage.costUsd > 0) badge(formatUsd(s.usage.costUsd), 'badge-muted');
  }

  private renderBody(s: StepView): void {
    if (!this.body) {
      this.body = el('div', { class: 'step-body', testid: 'step-body' });
      this.root.appendChild(this.body);
    }
    for (const name of SECTION_ORDER) {
      const base = sectionKey(name, s);
      const key = this.forceRedraw && base !== '' ? `${base}#${++this.redraws}` : base;
      const existing = this.sections.get(name);
      if (key === '') {
        if (existing) {
          existing.node.remove();
          this.sections.delete(name);
        }
        continue;
      }
      if (existing && existing.key === key) continue;
      if (existing && name === 'gradient' && this.updateGradientInPlace(existing.node, s)) {
        existing.key = key;
        continue;
      }
      const node = this.buildSection(name, s);
      node.dataset.section = name;
      if (existing) existing.node.replaceWith(node);
      else this.insertSection(name, node);
      this.sections.set(name, { node, key });
    }
  }

  private insertSection(name: SectionName, node: HTMLElement): void {
    const after = SECTION_ORDER.slice(SECTION_ORDER.indexOf(name) + 1);
    for (const n of after) {
      const next = this.sections.get(n);
      if (next) {
        this.body!.insertBefore(node, next.node);
        return;
      }
    }
    this.body!.appendChild(node);
  }

  private block(value: ClippedText, key: string, className?: string, testid?: string, extra: { previewChars?: number; tail?: boolean } = {}): HTMLElement {
    return textBlock(value, {
      key: `${this.step}:${key}`,
      expanded: this.ctx.expanded,
      className,
      testid,
      onToggle: () => this.ctx.requestRedraw(this.step),
      ...extra,
    });
  }

  private buildSection(name: SectionName, s: StepView): HTMLElement {
    switch (name) {
      case 'batch':
        return this.batchSection(s);
      case 'failures':
        return this.failuresSection(s);
      case 'gradient':
        return this.gradientSection(s);
      case 'techniques':
        return section('Techniques', 'techniques', el('div', { class: 'chips' }, ...s.techniques.map((t) => el('span', { class: `chip chip-${t.technique}`, testid: 'step-technique-chip', text: techniqueChip(t) }))));
      case 'candidate':
        return this.candidateSection(s);
      case 'tsa':
        return this.tsaSection(s);
      case 'decision':
        return this.decisionSection(s);
      case 'evals':
        return this.evalsSection(s);
    }
  }

  private batchSection(s: StepView): HTMLElement {
    const parts = [plural(s.batchSize, 'example')];
    if (s.lr !== null) parts.push(`edit budget ${plural(s.lr, 'sentence')}`);
    if (s.promptLength) parts.push(`prompt ${plural(s.promptLength.sentences, 'sentence')}, ${formatCount(s.promptLength.tokens, 'tokens')}`);
    if (s.usage.calls > 0) parts.push(`${plural(s.usage.calls, 'call')}, ${formatCount(s.usage.tokens, 'tokens')}, ${formatUsd(s.usage.costUsd)}`);
    const ids = s.batch.join(', ') + (s.batchSize > s.batch.length ? `, … (${formatInt(s.batchSize - s.batch.length)} more)` : '');
    return section('Batch', 'batch', el('div', { class: 'muted', text: parts.join(' · ') }), ids ? el('div', { class: 'ids mono', text: ids }) : null);
  }

  private failuresSection(s: StepView): HTMLElement {
    const shown = [...s.results].sort((a, b) => Number(b.failed) - Number(a.failed));
    const title = s.loss
      ? `Results: ${formatInt(s.loss.failures)} of ${formatInt(s.loss.n)} failed (batch score ${formatScore(s.loss.batchScore)})`
      : `Results: ${formatInt(s.failureCount)} of ${formatInt(s.resultCount)} failed so far`;
    const list = el('div', { class: 'results' });
    shown.forEach((r, i) => {
      list.appendChild(
        el(
          'div',
          { class: `result ${r.failed ? 'failed' : 'passed'}`, testid: 'forward-result' },
          el('div', { class: 'result-head' }, el('span', { class: 'mono', text: r.exampleId }), el('span', { class: `badge ${r.failed ? 'badge-bad' : 'badge-ok'}`, text: `score ${r.score.toFixed(2)}` })),
          field('Input', this.block(r.input, `r${i}:${r.exampleId}:in`)),
          field('Model answer', this.block(r.output, `r${i}:${r.exampleId}:out`, 'mono')),
          field('Gold', this.block(r.gold, `r${i}:${r.exampleId}:gold`, 'mono')),
          field("Metric's reason", this.block(r.reason, `r${i}:${r.exampleId}:why`)),
        ),
      );
    });
    const rest = s.resultCount - s.results.length;
    return section(
      title,
      'failures',
      list,
      rest > 0 ? el('div', { class: 'muted', text: `${plural(rest, 'more result')} not shown (the panel keeps ${s.results.length} per step, failures first).` }) : null,
    );
  }

  private gradientParts(s: StepView): { label: string; value: ClippedText; live: boolean } {
    if (s.gradient) return { label: `Gradient (${plural(s.gradient.critiques, 'critique')})`, value: s.gradient.text, live: false };
    const { critique, summary } = s.stream;
    const live = s.streamingPart === 'critique' || s.streamingPart === 'summary';
    if (summary.length === 0) return { label: 'Gradient: writing critiques', value: critique, live };
    // The summary follows the critiques it summarises: show both, in the order written.
    const separator = critique.length > 0 ? '\n\n— Summary —\n' : '';
    return {
      label: 'Gradient: summarising critiques',
      value: { text: critique.text + separator + summary.text, length: critique.length + separator.length + summary.length },
      live,
    };
  }

  private gradientSection(s: StepView): HTMLElement {
    const g = this.gradientParts(s);
    const title = el('span', { class: 'section-title-text', text: g.label });
    const live = el('span', { class: 'live-dot', title: 'streaming' });
    live.hidden = !g.live;
    const node = el('section', { class: 'card-section', testid: 'section-gradient' }, el('h3', { class: 'section-title' }, title, live));
    node.appendChild(this.block(g.value, 'gradient', 'gradient-text', 'gradient-text', { previewChars: GRADIENT_PREVIEW, tail: g.live }));
    return node;
  }

  /** Streaming: rewrite the text node only (one DOM write per frame, no reflow of the card above). */
  private updateGradientInPlace(node: HTMLElement, s: StepView): boolean {
    const g = this.gradientParts(s);
    const title = node.querySelector('.section-title-text');
    const live = node.querySelector<HTMLElement>('.live-dot');
    const box = node.querySelector<HTMLElement>('.text-block');
    if (!title || !live || !box) return false;
    setText(title, g.label);
    live.hidden = !g.live;
    const body = box.firstElementChild as HTMLElement | null;
    // Follow the newest tokens unless the reader scrolled up to read earlier ones.
    const following = !body || body.scrollHeight - body.scrollTop - body.clientHeight < 24;
    fillTextBlock(box, g.value, { key: `${this.step}:gradient`, expanded: this.ctx.expanded, onToggle: () => this.ctx.requestRedraw(this.step), previewChars: GRADIENT_PREVIEW, tail: g.live });
    if (body && following && g.live) body.scrollTop = body.scrollHeight;
    return true;
  }

  private candidateSection(s: StepView): HTMLElement {
    if (!s.candidate) {
      if (s.skipped !== null) return section('Candidate', 'candidate', el('div', { class: 'muted', testid: 'update-skipped', text: `Update skipped: ${s.skipped}` }));
      return section('Candidate: being written', 'candidate', this.block(s.stream.update, 'update-stream', 'mono', undefined, { previewChars: GRADIENT_PREVIEW, tail: true }));
    }
    const c = s.candidate;
    const list = el('ol', { class: 'diff', testid: 'candidate-diff' });
    c.edits.forEach((e, i) => list.appendChild(this.editItem(e, `e${i}`, null)));
    if (c.editCount > c.edits.length) list.appendChild(el('li', { class: 'muted', text: `${plural(c.editCount - c.edits.length, 'more edit')} not shown` }));
    if (c.edits.length === 0) list.appendChild(el('li', { class: 'muted', text: 'No sentence changed.' }));
    const reverted = el('ol', { class: 'diff reverted', testid: 'reverted-edits' });
    c.reverted.forEach((r, i) => reverted.appendChild(this.editItem(r.edit, `rv${i}`, r.by)));
    return section(
      `Candidate: ${plural(c.editCount, 'sentence edit')}`,
      'candidate',
      list,
      c.revertedCount > 0 ? el('h4', { class: 'muted', text: `Reverted in code (${formatInt(c.revertedCount)})` }) : null,
      c.revertedCount > 0 ? reverted : null,
    );
  }

  private editItem(e: EditView, key: string, by: RevertedBy | null): HTMLElement {
    const li = el('li', { class: `edit edit-${e.op}`, testid: `edit-${e.op}` });
    const mark = { add: '+', delete: '−', modify: '~', move: '↕' }[e.op];
    li.appendChild(el('span', { class: 'edit-mark', ariaLabel: { add: 'added', delete: 'removed', modify: 'changed', move: 'moved' }[e.op], text: mark }));
    const content = el('div', { class: 'edit-content' });
    if (e.op === 'modify') {
      content.appendChild(this.block(e.before, `${key}:b`, 'del'));
      content.appendChild(this.block(e.after, `${key}:a`, 'ins'));
    } else {
      content.appendChild(this.block(e.text, key, e.op === 'add' ? 'ins' : e.op === 'move' ? 'moved' : 'del'));
    }
    li.appendChild(content);
    if (by) li.appendChild(el('span', { class: 'chip', text: by === 'structure' ? 'kept: never edited' : `reverted by ${by.toUpperCase()}` }));
    return li;
  }

  /** TSA's numbers, then what they mean, and whether TSA's verdict was the decision or advice. */
  private tsaSection(s: StepView): HTMLElement {
    const tsa = s.tsa!;
    const by = s.review?.by;
    const role =
      by === 'user'
        ? 'Advice only: you decided this candidate.'
        : by === 'auto'
          ? 'Advice only: auto mode accepts every candidate.'
          : s.awaitingReview
            ? 'Advice: the run waits for your decision.'
            : '';
    return section(
      'Simulated annealing',
      'tsa',
      el('div', { class: `tsa-line ${tsa.accepted ? 'ok' : 'bad'}`, testid: 'tsa-line', text: tsaLine(tsa) }),
      el('p', { class: 'tsa-why', testid: 'tsa-why', text: tsaExplanation(tsa) }),
      role ? el('p', { class: 'tsa-role muted', testid: 'tsa-role', text: role }) : null,
    );
  }

  private decisionSection(s: StepView): HTMLElement {
    const line = decisionLine(s) ?? '';
    const node = section('Decision', 'decision', el('div', { class: 'decision-line', testid: 'decision-line', text: line }));
    if (s.awaitingReview) {
      const advice = s.tsa ? `Let TSA decide (would ${s.tsa.accepted ? 'accept' : 'reject'}, p ${s.tsa.probability.toFixed(2)})` : 'Let TSA decide';
      node.appendChild(
        el(
          'div',
          { class: 'actions', testid: 'review-actions' },
          button('Accept', { icon: 'check', testid: 'btn-accept', onClick: () => this.ctx.onCommand({ command: 'accept', step: s.step }) }),
          button('Reject', { icon: 'close', testid: 'btn-reject', secondary: true, onClick: () => this.ctx.onCommand({ command: 'reject', step: s.step }) }),
          button(advice, { testid: 'btn-let-tsa-decide', secondary: true, onClick: () => this.ctx.onCommand({ command: 'letTsaDecide', step: s.step }) }),
        ),
      );
    }
    return node;
  }

  private evalsSection(s: StepView): HTMLElement {
    const text = s.evals.map((e) => `${e.split} ${formatScore(e.score)} (${e.prompt}, n ${formatInt(e.n)})`).join(' · ');
    return section('Evaluation', 'evals', el('div', { class: 'mono', text }));
  }
}

function section(title: string, name: string, ...children: (Node | null)[]): HTMLElement {
  return el('section', { class: 'card-section', testid: `section-${name}` }, el('h3', { class: 'section-title', text: title }), ...children);
}

function field(label: string, value: HTMLElement): HTMLElement {
  return el('div', { class: 'field' }, el('div', { class: 'field-label', text: label }), value);
}

/** What a section shows, reduced to a cheap key; '' = the section is absent. */
function sectionKey(name: SectionName, s: StepView): string {
  switch (name) {
    case 'batch':
      return `${s.batchSize}|${s.lr}|${s.promptLength?.tokens}|${s.usage.calls}`;
    case 'failures':
      return s.resultCount === 0 && !s.loss ? '' : `${s.resultCount}|${s.failureCount}|${s.loss?.n}|${s.results.map((r) => r.exampleId).join(',')}`;
    case 'gradient':
      if (s.gradient) return `final|${s.gradient.text.length}`;
      if (s.stream.critique.length === 0 && s.stream.summary.length === 0) return '';
      return `stream|${s.streamingPart}|${s.stream.critique.length}|${s.stream.summary.length}`;
    case 'techniques':
      return s.techniques.length === 0 ? '' : String(s.techniques.length);
    case 'candidate':
      if (s.candidate) return `cand|${s.candidate.editCount}|${s.candidate.revertedCount}`;
      if (s.skipped !== null) return 'skipped';
      return s.stream.update.length > 0 ? `upd|${s.stream.update.length}` : '';
    case 'tsa':
      return s.tsa ? `tsa|${s.review?.by}|${s.awaitingReview}` : '';
    case 'decision':
      return s.review || s.awaitingReview || s.skipped !== null ? `${s.review?.by}|${s.review?.accepted}|${s.awaitingReview}|${s.tsa !== null}` : '';
    case 'evals':
      return s.evals.length === 0 ? '' : String(s.evals.length);
  }
}
