import type { RevertedBy, RunEvent, RunEventOf, UsageTotals } from '../core/run/events';
import type { TsaAdvice } from '../core/run/runTypes';

/**
 * The run panel's view model, folded from RunEvents. The webview and the report
 * exporter both use it, so a report says exactly what the panel showed.
 *
 * `applyRunEvents` is a reducer in the fold sense: deterministic, no clock, no I/O, and
 * folding the events in any chunking gives the same view (the panel relies on this: a
 * snapshot followed by live batches equals a replay of the journal). For speed it
 * updates the view it is given in place and returns it; every part that changed bumps
 * its `rev` so the renderer redraws only that part.
 *
 * Memory is bounded whatever the run does: streamed gradient tokens are coalesced into
 * one string per part, long texts are clipped (the original length is kept), and per
 * step only a few forward results are kept (failures first) with a count of the rest.
 */

/** Longest stored text for gradients, streams and prompts. */
export const MAX_LONG_TEXT = 20_000;
/** Longest stored text for one field of a forward result. */
export const MAX_FIELD_TEXT = 4_000;
/** Forward results kept per step; failures replace passes when full. */
export const RESULTS_PER_STEP = 6;
export const MAX_BATCH_IDS = 50;
export const MAX_EDITS = 40;
export const MAX_TECHNIQUES = 16;
export const MAX_ERRORS = 50;
export const MAX_EVALS_PER_STEP = 12;

/** A possibly clipped text: `text` holds at most the cap, `length` the original size. */
export interface ClippedText {
  text: string;
  length: number;
}

export function clip(text: string, max: number): ClippedText {
  return { text: text.length > max ? text.slice(0, max) : text, length: text.length };
}

function appendClipped(target: ClippedText, delta: string, max: number): void {
  if (target.text.length < max) target.text += delta.slice(0, max - target.text.length);
  target.length += delta.length;
}

export type RunStartEvent = RunEventOf<'run-start'>;
export type TechniqueName = RunEventOf<'technique-applied'>['technique'];
type EditEvent = RunEventOf<'candidate'>['edits'][number];

export interface ForwardView {
  exampleId: string;
  input: ClippedText;
  output: ClippedText;
  gold: ClippedText;
  reason: ClippedText;
  score: number;
  /** Below a perfect score: shown as a failure. */
  failed: boolean;
}

export type { RevertedBy };

export type EditView =
  | { op: 'add'; text: ClippedText }
  | { op: 'delete'; text: ClippedText }
  | { op: 'modify'; before: ClippedText; after: ClippedText }
  | { op: 'move'; text: ClippedText };

export interface CandidateView {
  after: ClippedText;
  edits: EditView[];
  editCount: number;
  reverted: { edit: EditView; by: RevertedBy }[];
  revertedCount: number;
}

/** TSA's numbers for one candidate: the same shape the trainer gives a reviewer as advice. */
export type TsaView = TsaAdvice;

export interface StepView {
  step: number;
  epoch: number;
  lr: number | null;
  batch: string[];
  batchSize: number;
  results: ForwardView[];
  resultCount: number;
  failureCount: number;
  loss: { batchScore: number; failures: number; n: number } | null;
  /** Streamed gradient tokens, coalesced per part, until the final `gradient` arrives. */
  stream: { critique: ClippedText; summary: ClippedText; update: ClippedText };
  /** Which part streamed last: the one the panel shows as "writing". */
  streamingPart: 'critique' | 'summary' | 'update' | null;
  gradient: { text: ClippedText; critiques: number } | null;
  techniques: { technique: TechniqueName; summary: string }[];
  candidate: CandidateView | null;
  skipped: string | null;
  tsa: TsaView | null;
  review: { by: 'tsa' | 'user' | 'auto' | 'trainer'; accepted: boolean; edited: boolean } | null;
  evals: { split: 'train' | 'val' | 'test'; score: number; n: number; prompt: 'current' | 'best' | 'final' | 'start' }[];
  promptLength: { sentences: number; tokens: number } | null;
  /** The run waits for a review decision on this step's candidate. */
  awaitingReview: boolean;
  /** Calls, tokens and cost spent while this step was current. */
  usage: { calls: number; tokens: number; costUsd: number };
  rev: number;
}

/** One row per step: the curves' data. null = no value for that step. */
export interface CurvePoint {
  step: number;
  batch: number | null;
  train: number | null;
  val: number | null;
  test: number | null;
  /** The candidate's score (TSA's training-set score, else the step's validation score). */
  candidate: number | null;
  decision: 'accepted' | 'rejected' | null;
  bestVal: number | null;
  sentences: number | null;
  tokens: number | null;
  cumTokens: number | null;
  cumCostUsd: number | null;
}

export interface WaitingView {
  reason: 'rate-limit' | 'server-error' | 'review';
  seconds: number;
  message: string;
  /** Index of the event, so the panel can tell a new wait from an old one. */
  atEvent: number;
}

export interface DoneView {
  stoppedBy: RunEventOf<'done'>['stoppedBy'];
  message: string;
  steps: number;
  bestStep: number;
  bestPrompt: ClippedText;
  finalPrompt: ClippedText;
  scores: RunEventOf<'done'>['scores'];
  usage: UsageTotals;
}

export interface RunView {
  /** From `run-start`, with long fields clipped; null until it arrives. */
  meta: (Omit<RunStartEvent, 'type' | 'prompt'> & { prompt: ClippedText }) | null;
  /** How many `run-start`s were seen: more than one means the run was resumed. */
  starts: number;
  currentStep: number | null;
  /** Ordered by step number. */
  steps: StepView[];
  curves: CurvePoint[];
  usage: UsageTotals;
  usageByRole: Record<'forward' | 'backward' | 'judge', { calls: number; tokens: number; costUsd: number }>;
  waiting: WaitingView | null;
  errors: { message: string; kind: string; action: string | null; fatal: boolean }[];
  errorCount: number;
  /** Start-prompt scores from `eval` events with prompt `start`. */
  startScores: { train: number | null; val: number | null; test: number | null };
  testScores: { best: number | null; final: number | null };
  checkpoints: number;
  done: DoneView | null;
  eventCount: number;
  /** Bumped when anything outside the steps changes (header, usage, waiting, done). */
  headerRev: number;
  /** Bumped when the curves change. */
  curvesRev: number;
  /** Bumped when a step is added (the list's shape changed). */
  listRev: number;
}

const ZERO_USAGE: UsageTotals = { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };

export function createRunView(): RunView {
  return {
    meta: null,
    starts: 0,
    currentStep: null,
    steps: [],
    curves: [],
    usage: { ...ZERO_USAGE },
    usageByRole: {
      forward: { calls: 0, tokens: 0, costUsd: 0 },
      backward: { calls: 0, tokens: 0, costUsd: 0 },
      judge: { calls: 0, tokens: 0, costUsd: 0 },
    },
    waiting: null,
    errors: [],
    errorCount: 0,
    startScores: { train: null, val: null, test: null },
    testScores: { best: null, final: null },
    checkpoints: 0,
    done: null,
    eventCount: 0,
    headerRev: 0,
    curvesRev: 0,
    listRev: 0,
  };
}

function newStep(step: number): StepView {
  return {
    step,
    epoch: 0,
    lr: null,
    batch: [],
    batchSize: 0,
    results: [],
    resultCount: 0,
    failureCount: 0,
    loss: null,
    stream: { critique: clip('', 0), summary: clip('', 0), update: clip('', 0) },
    streamingPart: null,
    gradient: null,
    techniques: [],
    candidate: null,
    skipped: null,
    tsa: null,
    review: null,
    evals: [],
    promptLength: null,
    awaitingReview: false,
    usage: { calls: 0, tokens: 0, costUsd: 0 },
    rev: 0,
  };
}

function newCurvePoint(step: number): CurvePoint {
  return {
    step,
    batch: null,
    train: null,
    val: null,
    test: null,
    candidate: null,
    decision: null,
    bestVal: null,
    sentences: null,
    tokens: null,
    cumTokens: null,
    cumCostUsd: null,
  };
}

/** Binary search in a list sorted by `step`; returns the index or the insertion point as ~index. */
function findIndex<T extends { step: number }>(list: T[], step: number): number {
  let lo = 0;
  let hi = list.length - 1;
  // Events almost always concern the last step: check it first.
  if (hi >= 0 && list[hi].step === step) return hi;
  if (hi < 0 || list[hi].step < step) return ~list.length;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = list[mid].step;
    if (s === step) return mid;
    if (s < step) lo = mid + 1;
    else hi = mid - 1;
  }
  return ~lo;
}

function stepOf(view: RunView, step: number): StepView {
  const i = findIndex(view.steps, step);
  if (i >= 0) return view.steps[i];
  const s = newStep(step);
  view.steps.splice(~i, 0, s);
  view.listRev++;
  return s;
}

function curveOf(view: RunView, step: number): CurvePoint {
  const i = findIndex(view.curves, step);
  if (i >= 0) return view.curves[i];
  const p = newCurvePoint(step);
  view.curves.splice(~i, 0, p);
  return p;
}

/** Recomputes the best-so-far validation line from `from` on (cheap: only on val changes). */
function refreshBestLine(view: RunView, from: number): void {
  let best = from > 0 ? view.curves[from - 1].bestVal : null;
  for (let i = Math.max(0, from); i < view.curves.length; i++) {
    const p = view.curves[i];
    if (p.val !== null && (best === null || p.val > best)) best = p.val;
    p.bestVal = best;
  }
}

function editView(edit: EditEvent): EditView {
  switch (edit.op) {
    case 'add':
      return { op: 'add', text: clip(edit.text, MAX_FIELD_TEXT) };
    case 'delete':
      return { op: 'delete', text: clip(edit.text, MAX_FIELD_TEXT) };
    case 'modify':
      return { op: 'modify', before: clip(edit.before, MAX_FIELD_TEXT), after: clip(edit.after, MAX_FIELD_TEXT) };
    case 'move':
      return { op: 'move', text: clip(edit.text, MAX_FIELD_TEXT) };
  }
}

function addForwardResult(s: StepView, e: RunEventOf<'forward-result'>): void {
  const failed = e.score < 1;
  s.resultCount++;
  if (failed) s.failureCount++;
  const item: ForwardView = {
    exampleId: e.exampleId.slice(0, 200),
    input: clip(e.input, MAX_FIELD_TEXT),
    output: clip(e.output, MAX_FIELD_TEXT),
    gold: clip(e.gold, MAX_FIELD_TEXT),
    reason: clip(e.reason, MAX_FIELD_TEXT),
    score: e.score,
    failed,
  };
  if (s.results.length < RESULTS_PER_STEP) {
    s.results.push(item);
    return;
  }
  // Full: a failure is worth more to the reader than a pass, so it takes a pass's place.
  if (failed) {
    const passIndex = s.results.findIndex((r) => !r.failed);
    if (passIndex >= 0) {
      s.results.splice(passIndex, 1);
      s.results.push(item);
    }
  }
}

function touch(s: StepView): void {
  s.rev++;
}

/** Folds one event into the view (in place). */
function applyOne(view: RunView, e: RunEvent): void {
  view.eventCount++;
  // Any event after a wait means the wait is over (the runner emits the wait before sleeping).
  if (view.waiting && e.type !== 'waiting' && e.type !== 'usage') {
    view.waiting = null;
    view.headerRev++;
  }
  switch (e.type) {
    case 'run-start': {
      const { type: _t, prompt, ...rest } = e;
      view.meta = { ...rest, prompt: clip(prompt, MAX_LONG_TEXT) };
      view.starts++;
      view.done = null;
      view.headerRev++;
      return;
    }
    case 'step-start': {
      const s = stepOf(view, e.step);
      // A resumed run may redo a step it had begun: start the card afresh.
      if (s.resultCount > 0 || s.loss || s.gradient || s.candidate || s.skipped !== null) {
        Object.assign(s, newStep(e.step), { rev: s.rev });
      }
      s.epoch = e.epoch;
      s.lr = e.lr;
      s.batch = e.batch.slice(0, MAX_BATCH_IDS).map((id) => id.slice(0, 200));
      s.batchSize = e.batch.length;
      if (view.currentStep !== null) {
        const prev = view.steps[findIndex(view.steps, view.currentStep)];
        if (prev && prev.awaitingReview) {
          prev.awaitingReview = false;
          touch(prev);
        }
      }
      view.currentStep = e.step;
      touch(s);
      curveOf(view, e.step);
      view.curvesRev++;
      view.headerRev++;
      return;
    }
    case 'forward-result': {
      const s = stepOf(view, e.step);
      addForwardResult(s, e);
      touch(s);
      return;
    }
    case 'loss': {
      const s = stepOf(view, e.step);
      s.loss = { batchScore: e.batchScore, failures: e.failures, n: e.n };
      touch(s);
      curveOf(view, e.step).batch = e.batchScore;
      view.curvesRev++;
      return;
    }
    case 'gradient-delta': {
      const s = stepOf(view, e.step);
      appendClipped(s.stream[e.part], e.text, MAX_LONG_TEXT);
      s.streamingPart = e.part;
      touch(s);
      return;
    }
    case 'gradient': {
      const s = stepOf(view, e.step);
      s.gradient = { text: clip(e.text, MAX_LONG_TEXT), critiques: e.critiques };
      // The final text supersedes the critique and summary streams; drop them to save memory.
      s.stream.critique = clip('', 0);
      s.stream.summary = clip('', 0);
      if (s.streamingPart !== 'update') s.streamingPart = null;
      touch(s);
      return;
    }
    case 'technique-applied': {
      const s = stepOf(view, e.step);
      if (s.techniques.length < MAX_TECHNIQUES) s.techniques.push({ technique: e.technique, summary: e.summary.slice(0, 300) });
      touch(s);
      return;
    }
    case 'candidate': {
      const s = stepOf(view, e.step);
      s.candidate = {
        after: clip(e.after, MAX_LONG_TEXT),
        edits: e.edits.slice(0, MAX_EDITS).map(editView),
        editCount: e.edits.length,
        reverted: e.reverted.slice(0, MAX_EDITS).map((r) => ({ edit: editView(r.edit), by: r.by })),
        revertedCount: e.reverted.length,
      };
      s.stream.update = clip('', 0);
      s.streamingPart = null;
      touch(s);
      return;
    }
    case 'update-skipped': {
      const s = stepOf(view, e.step);
      s.skipped = e.reason.slice(0, MAX_FIELD_TEXT);
      s.stream.update = clip('', 0);
      s.streamingPart = null;
      touch(s);
      return;
    }
    case 'tsa-decision': {
      const s = stepOf(view, e.step);
      const { type: _t, step: _s, ...tsa } = e;
      s.tsa = tsa;
      touch(s);
      const p = curveOf(view, e.step);
      p.candidate = e.candidateScore;
      if (p.decision === null) p.decision = e.accepted ? 'accepted' : 'rejected';
      view.curvesRev++;
      return;
    }
    case 'review': {
      const s = stepOf(view, e.step);
      s.review = { by: e.by, accepted: e.accepted, edited: e.prompt !== undefined };
      s.awaitingReview = false;
      touch(s);
      const p = curveOf(view, e.step);
      p.decision = e.accepted ? 'accepted' : 'rejected';
      if (p.candidate === null) p.candidate = p.val ?? p.batch;
      view.curvesRev++;
      return;
    }
    case 'eval': {
      applyEval(view, e);
      return;
    }
    case 'prompt-length': {
      const s = stepOf(view, e.step);
      s.promptLength = { sentences: e.sentences, tokens: e.tokens };
      touch(s);
      const p = curveOf(view, e.step);
      p.sentences = e.sentences;
      p.tokens = e.tokens;
      view.curvesRev++;
      return;
    }
    case 'request':
      return; // an accounting record for crash recovery; its `usage` follows
    case 'usage': {
      const before = view.usage;
      view.usage = { ...e.totals };
      const role = view.usageByRole[e.role];
      role.calls++;
      role.tokens += e.promptTokens + e.completionTokens;
      role.costUsd += e.costUsd;
      if (view.currentStep !== null) {
        const s = view.steps[findIndex(view.steps, view.currentStep)];
        if (s) {
          s.usage.calls++;
          s.usage.tokens += e.promptTokens + e.completionTokens;
          s.usage.costUsd += e.costUsd;
          // Usage changes often; the card shows it, but bumping rev per call would
          // redraw the card per call. The next content event redraws it anyway.
        }
        const p = curveOf(view, view.currentStep);
        p.cumTokens = e.totals.promptTokens + e.totals.completionTokens;
        p.cumCostUsd = e.totals.costUsd;
        view.curvesRev++;
      }
      if (before.calls !== e.totals.calls || before.costUsd !== e.totals.costUsd) view.headerRev++;
      return;
    }
    case 'waiting': {
      view.waiting = { reason: e.reason, seconds: e.seconds, message: e.message.slice(0, 500), atEvent: view.eventCount };
      if (e.reason === 'review' && view.currentStep !== null) {
        const s = view.steps[findIndex(view.steps, view.currentStep)];
        if (s && s.candidate && !s.review) {
          s.awaitingReview = true;
          touch(s);
        }
      }
      view.headerRev++;
      return;
    }
    case 'checkpoint': {
      view.checkpoints++;
      return;
    }
    case 'error': {
      view.errorCount++;
      if (view.errors.length >= MAX_ERRORS) view.errors.shift();
      view.errors.push({ message: e.message.slice(0, MAX_FIELD_TEXT), kind: e.kind.slice(0, 100), action: e.action?.slice(0, 500) ?? null, fatal: e.fatal });
      view.headerRev++;
      return;
    }
    case 'done': {
      view.done = {
        stoppedBy: e.stoppedBy,
        message: e.message.slice(0, MAX_FIELD_TEXT),
        steps: e.steps,
        bestStep: e.bestStep,
        bestPrompt: clip(e.bestPrompt, MAX_LONG_TEXT),
        finalPrompt: clip(e.finalPrompt, MAX_LONG_TEXT),
        scores: e.scores,
        usage: e.usage,
      };
      view.usage = { ...e.usage };
      for (const s of view.steps) {
        if (s.awaitingReview || s.streamingPart) {
          s.awaitingReview = false;
          s.streamingPart = null;
          touch(s);
        }
      }
      view.waiting = null;
      view.headerRev++;
      return;
    }
    default: {
      const never: never = e;
      void never;
    }
  }
}

function applyEval(view: RunView, e: RunEventOf<'eval'>): void {
  // The start prompt is scored either as prompt 'start' or as the 'current' prompt of step 0
  // (the trainer scores the initial prompt before step 1).
  const isStart = e.prompt === 'start' || (e.step === 0 && e.prompt === 'current');
  if (isStart) {
    view.startScores[e.split] = e.score;
    view.headerRev++;
  }
  if (e.split === 'test' && (e.prompt === 'best' || e.prompt === 'final')) {
    view.testScores[e.prompt] = e.score;
    view.headerRev++;
  }
  const i = findIndex(view.steps, e.step);
  if (i >= 0) {
    const s = view.steps[i];
    if (s.evals.length < MAX_EVALS_PER_STEP) s.evals.push({ split: e.split, score: e.score, n: e.n, prompt: e.prompt });
    touch(s);
  }
  // The curves plot the prompt the run holds after each step ('current'). The start
  // prompt sits at step 0; test scores of best/final go on the step they were measured at
  // (the end), final over best, so the test curve ends with the prompt the run ends with.
  const p = curveOf(view, e.split === 'test' && e.prompt === 'start' ? 0 : e.step);
  if (e.split === 'val' && (e.prompt === 'current' || e.prompt === 'start')) {
    p.val = e.score;
    refreshBestLine(view, findIndex(view.curves, p.step));
  } else if (e.split === 'train' && (e.prompt === 'current' || e.prompt === 'start')) {
    p.train = e.score;
  } else if (e.split === 'test') {
    if (p.test === null || e.prompt !== 'best') p.test = e.score;
  }
  if (p.decision !== null && p.candidate === null && p.val !== null) p.candidate = p.val;
  view.curvesRev++;
}

/** Folds events into the view (in place) and returns it. */
export function applyRunEvents(view: RunView, events: readonly RunEvent[]): RunView {
  for (const e of events) applyOne(view, e);
  return view;
}

/** A fresh view of a whole event list (a journal replay). */
export function runViewOf(events: readonly RunEvent[]): RunView {
  return applyRunEvents(createRunView(), events);
}

export interface BudgetBar {
  key: 'calls' | 'tokens' | 'cost' | 'time';
  label: string;
  used: number;
  /** null = no cap configured. */
  max: number | null;
  /** used / max, clamped to [0, 1]; null without a cap. */
  fraction: number | null;
  /** max − used, never negative; null without a cap. */
  remaining: number | null;
}

/**
 * The header's budget bars. Elapsed time is not in the events (they carry no clock),
 * so the caller passes it: the webview measures it while a run is live.
 */
export function budgetBars(view: RunView, elapsedSec: number | null): BudgetBar[] {
  const budget = view.meta?.budget ?? {};
  const bar = (key: BudgetBar['key'], label: string, used: number, max: number | undefined): BudgetBar => {
    const cap = max === undefined || !(max > 0) ? null : max;
    return {
      key,
      label,
      used,
      max: cap,
      fraction: cap === null ? null : Math.min(1, Math.max(0, used / cap)),
      remaining: cap === null ? null : Math.max(0, cap - used),
    };
  };
  return [
    bar('calls', 'Calls', view.usage.calls, budget.maxCalls),
    bar('tokens', 'Tokens', view.usage.promptTokens + view.usage.completionTokens, budget.maxTokens),
    bar('cost', 'Cost', view.usage.costUsd, budget.maxCostUsd),
    bar('time', 'Time', elapsedSec ?? 0, budget.maxTimeSec),
  ];
}

/** The TSA line of a step card: `Δ −0.04 · T 16 · p 0.998 · draw 0.41 → accepted`. */
export function tsaLine(tsa: TsaView): string {
  const sign = tsa.delta < 0 ? '−' : tsa.delta > 0 ? '+' : '±';
  const parts = [
    `Δ ${sign}${Math.abs(tsa.delta).toFixed(2)}`,
    `T ${formatCompact(tsa.temperature)}`,
    `p ${tsa.probability >= 0.9995 && tsa.probability < 1 ? '0.999' : formatProbability(tsa.probability)}`,
  ];
  if (tsa.draw !== null) parts.push(`draw ${tsa.draw.toFixed(2)}`);
  return `${parts.join(' · ')} → ${tsa.accepted ? 'accepted' : 'rejected'}`;
}

function formatProbability(p: number): string {
  if (p === 1 || p === 0) return String(p);
  return p >= 0.99 ? p.toFixed(3) : p.toFixed(2);
}

function formatCompact(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toPrecision(3).replace(/\.?0+$/, '');
}

/** The chip text of a technique, e.g. `TDO protected 2 of 7 sentences`. */
export function techniqueChip(t: { technique: TechniqueName; summary: string }): string {
  const summary = t.summary.trim();
  // Summaries usually name their technique already ("TLR cut 4 edits to 2", also for TLRD).
  if (/^(TLRD?|TDO|TMNT|TCL|TREGU|TSA)\b/i.test(summary)) return summary;
  return `${t.technique.toUpperCase()} ${summary}`;
}

/** Who decided a step's candidate, for the card: `accepted by you`, `rejected by TSA`. */
export function decisionLine(s: StepView): string | null {
  if (s.review) {
    const who = { tsa: 'TSA', user: 'you', auto: 'auto mode', trainer: 'the trainer' }[s.review.by];
    return `${s.review.accepted ? 'Accepted' : 'Rejected'} by ${who}${s.review.edited ? ' (edited before accepting)' : ''}`;
  }
  if (s.awaitingReview) return 'Waiting for your review';
  if (s.skipped !== null) return 'No candidate: update skipped';
  return null;
}
