import * as path from 'node:path';
import * as vscode from 'vscode';
import { planInlineDiff, type InlineDiffPlan } from '../../core/review/inlineDiffPlan';
import { rebaseCandidate, rebasedCandidateText, type RebaseResult } from '../../core/review/rebaseCandidate';
import { tsaAdviceLabel, tsaNumbers } from '../../core/review/reviewLabels';
import type { CandidateForReview, ReviewDecision } from '../../core/run/runTypes';
import type { RunSession, RunStatus } from '../run/runSession';
import { isFinished } from '../run/runSession';
import { isInATab, openDocument, regionOf, replaceRegion } from './applyToRegion';
import { CandidateDocuments, candidateUri, parseCandidateUri } from './candidateDocuments';
import { PendingReview } from './pendingReview';
import { RunRegion, type PromptRegion } from './promptRegion';
import { DEFAULT_REVIEW_NAMES, type ReviewHost, type ReviewNames } from './reviewHost';
import { ReviewDecorations, type RenderedDiff } from './reviewDecorations';
import { editAt, reviewHover } from './reviewHover';
import { planHunks } from '../../core/review/hunkStarts';
import { applySentenceEdits } from '../../core/prompt/sentenceDiff';
import { ReviewComments, type RenderedSuggestion } from './reviewComments';

export type ReviewMode = 'manual' | 'tsa' | 'auto';
export const REVIEW_MODES: readonly ReviewMode[] = ['manual', 'tsa', 'auto'];

/** How a conflict between the candidate and the user's edit is settled. */
export type ConflictChoice = 'rebase' | 'discard' | 'mine';

/** Fired whenever a review changes, so the panel and the editor show the same thing. */
export interface ReviewChange {
  runId: string;
  /** `cancelled`: the run stopped (or the review closed) while the candidate waited. */
  kind: 'pending' | 'updated' | 'decided' | 'cancelled' | 'mode';
  step?: number;
  decision?: ReviewDecision;
  mode?: ReviewMode;
}

export interface ReviewCenterOptions {
  names?: Partial<ReviewNames>;
  /** How a conflict is put to the user; default: a warning notification with the three choices. */
  askOnConflict?: (p: PendingReview, conflicts: number) => Thenable<ConflictChoice | undefined>;
  /**
   * Whether the centre shows its own "candidate waiting" status bar item (default true).
   * The extension turns it off: the run's status bar item already says a candidate waits
   * and opens it, and two items saying the same thing is one too many.
   */
  statusItem?: boolean;
}

/** The per-run switch between review modes, owned by that run's reviewer. */
export interface ModeControl {
  readonly mode: ReviewMode;
  setMode(mode: ReviewMode): void;
}

export type AcceptOutcome = 'applied' | 'conflict' | 'failed' | 'settled';

interface RegionState {
  document: vscode.TextDocument;
  region: PromptRegion | null;
  rebase: RebaseResult | null;
  plan: InlineDiffPlan | null;
}

const centers = new WeakMap<object, ReviewCenter>();

/** The one review centre of an activation (the panel subscribes to its `onDidChangeReview`). */
export function reviewCenterFor(host: ReviewHost, options?: ReviewCenterOptions): ReviewCenter {
  let center = centers.get(host);
  if (!center) {
    center = new ReviewCenter(host, options);
    centers.set(host, center);
    host.pushCleanup(center);
  }
  return center;
}

function closedError(): Error {
  const err = new Error('The editor review closed while a candidate waited.');
  err.name = 'AbortError';
  return err;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('The run was stopped while a candidate waited for review.');
  err.name = 'AbortError';
  return err;
}

/**
 * Everything about candidates under review in this window: which are pending (one per
 * run at most, since the trainer waits for each), how they are drawn in editors, the
 * CodeLens and hover, the side-by-side documents, and applying a decision to the file.
 * Decisions from the panel, the CodeLens, the keyboard and the reviewer's own mode all
 * go through here, so every surface sees the same state.
 */
export class ReviewCenter implements vscode.Disposable {
  readonly names: ReviewNames;
  private readonly pendings = new Map<string, PendingReview>();
  private readonly waiting = new Set<PendingReview>();
  private readonly busy = new Set<PendingReview>();
  private readonly modes = new Map<string, ModeControl>();
  private readonly knownSessions = new Map<string, RunSession>();
  private readonly regions = new Map<string, RunRegion>();
  private readonly decisionTimes = new Map<string, Map<number, string>>();
  private readonly decorations: ReviewDecorations;
  private readonly comments: ReviewComments;
  private readonly documents = new CandidateDocuments();
  private readonly changeEmitter = new vscode.EventEmitter<ReviewChange>();
  readonly onDidChangeReview = this.changeEmitter.event;
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  private readonly statusItem: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly host: ReviewHost,
    private readonly options: ReviewCenterOptions = {},
  ) {
    this.names = { ...DEFAULT_REVIEW_NAMES, ...options.names };
    this.decorations = new ReviewDecorations(host.extensionContext.extensionUri);
    this.comments = new ReviewComments(`${this.names.contextKey}.suggestions`);
    this.statusItem = vscode.window.createStatusBarItem(`${this.names.contextKey}.status`, vscode.StatusBarAlignment.Left, 99);
    this.statusItem.name = 'DLPO candidate review';
    const lenses: vscode.CodeLensProvider = {
      onDidChangeCodeLenses: this.lensEmitter.event,
      provideCodeLenses: (doc) => this.codeLenses(doc),
    };
    const hovers: vscode.HoverProvider = { provideHover: (doc, position) => this.hover(doc, position) };
    this.disposables.push(
      this.decorations,
      this.comments,
      this.documents,
      this.changeEmitter,
      this.lensEmitter,
      this.statusItem,
      vscode.workspace.registerTextDocumentContentProvider(this.names.scheme, this.documents),
      vscode.languages.registerCodeLensProvider({ scheme: 'file' }, lenses),
      vscode.languages.registerCodeLensProvider({ scheme: 'untitled' }, lenses),
      vscode.languages.registerHoverProvider({ scheme: 'file' }, hovers),
      vscode.languages.registerHoverProvider({ scheme: 'untitled' }, hovers),
      vscode.window.onDidChangeVisibleTextEditors(() => this.renderAll()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContextKey()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0) return;
        const key = e.document.uri.toString();
        for (const s of this.knownSessions.values()) if (s.documentUri.toString() === key) this.regionFor(s).track(e.contentChanges);
        if (this.pendingForDocument(e.document.uri)) this.refreshDocument(e.document.uri);
      }),
    );
  }

  commandId(name: string): string {
    return `${this.names.commandPrefix}${name}`;
  }

  // ---- lifecycle of a pending candidate (called by the reviewer) ----

  /** Registers the run's reviewer so `setReviewMode` reaches it. */
  attach(session: RunSession, control: ModeControl): vscode.Disposable {
    this.knownSessions.set(session.runId, session);
    this.regionFor(session);
    this.modes.set(session.runId, control);
    return new vscode.Disposable(() => {
      if (this.modes.get(session.runId) === control) this.modes.delete(session.runId);
      const p = this.pendings.get(session.runId);
      if (p) {
        p.abandon(closedError());
        this.drop(p);
      }
    });
  }

  /** Where the run's optimizable region is in its file. */
  regionFor(session: RunSession): RunRegion {
    let region = this.regions.get(session.runId);
    if (!region) {
      region = RunRegion.forSession(session);
      this.regions.set(session.runId, region);
    }
    return region;
  }

  modeOf(runId: string): ReviewMode | undefined {
    return this.modes.get(runId)?.mode;
  }

  setMode(runId: string, mode: ReviewMode): boolean {
    const control = this.modes.get(runId);
    if (!control) return false;
    control.setMode(mode);
    this.changeEmitter.fire({ runId, kind: 'mode', mode });
    return true;
  }

  /** Makes the candidate pending; the promise settles with the decision (or rejects when the run stops). */
  open(session: RunSession, candidate: CandidateForReview, signal: AbortSignal): { pending: PendingReview; decision: Promise<ReviewDecision> } {
    this.knownSessions.set(session.runId, session);
    const previous = this.pendings.get(session.runId);
    if (previous) {
      previous.abandon(closedError());
      this.drop(previous);
    }
    let resolveDecision!: (d: ReviewDecision) => void;
    let rejectDecision!: (e: Error) => void;
    const decision = new Promise<ReviewDecision>((resolve, reject) => {
      resolveDecision = resolve;
      rejectDecision = reject;
    });
    const onAbort = () => {
      if (pending.isSettled) return;
      pending.abandon(abortError(signal));
      this.drop(pending);
    };
    const pending: PendingReview = new PendingReview(
      session,
      candidate,
      (d) => {
        signal.removeEventListener('abort', onAbort);
        this.recordDecisionTime(pending);
        this.drop(pending);
        resolveDecision(d);
        this.changeEmitter.fire({ runId: session.runId, kind: 'decided', step: candidate.step, decision: d });
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        rejectDecision(error);
        this.changeEmitter.fire({ runId: session.runId, kind: 'cancelled', step: candidate.step });
      },
    );
    if (signal.aborted) {
      pending.abandon(abortError(signal));
      return { pending, decision };
    }
    signal.addEventListener('abort', onAbort, { once: true });
    this.pendings.set(session.runId, pending);
    this.refreshDocument(session.documentUri);
    this.changeEmitter.fire({ runId: session.runId, kind: 'pending', step: candidate.step });
    return { pending, decision };
  }

  /** The run now waits for the user on this candidate (manual mode, or a conflict in the others). */
  markWaiting(p: PendingReview): void {
    if (p.isSettled || this.waiting.has(p)) return;
    this.waiting.add(p);
    setSessionStatus(p.session, 'waiting-review');
    this.updateStatusItem();
    if (!isInATab(p.session.documentUri)) {
      const name = path.basename(p.session.documentUri.fsPath);
      void vscode.window
        .showInformationMessage(`DLPO: a candidate for ${name} (step ${p.step}) is waiting for your review.`, 'Review')
        .then((choice) => (choice && !p.isSettled ? this.reveal(p) : undefined));
    }
  }

  private drop(p: PendingReview): void {
    if (this.pendings.get(p.runId) === p) this.pendings.delete(p.runId);
    if (!this.pendingForDocument(p.session.documentUri)) this.comments.clear(p.session.documentUri);
    if (this.waiting.delete(p) && p.session.status === 'waiting-review') setSessionStatus(p.session, 'running');
    this.updateStatusItem();
    this.refreshDocument(p.session.documentUri);
  }

  private recordDecisionTime(p: PendingReview): void {
    const times = this.decisionTimes.get(p.runId) ?? new Map<number, string>();
    times.set(p.step, new Date().toISOString());
    this.decisionTimes.set(p.runId, times);
  }

  // ---- decisions ----

  /**
   * Applies the candidate to the file as one edit. When the region changed since the
   * candidate was made, the edits are carried over the user's text if they apply
   * cleanly; otherwise nothing is written and the conflict is put to the user.
   */
  async accept(p: PendingReview, by: ReviewDecision['by']): Promise<AcceptOutcome> {
    if (p.isSettled) return 'settled';
    if (this.busy.has(p)) return 'failed';
    this.busy.add(p);
    try {
      const uri = p.session.documentUri;
      let region: PromptRegion | null;
      try {
        region = (await regionOf(uri, this.regionFor(p.session))).region;
      } catch (err) {
        this.host.output.error(`review: cannot open ${uri.toString()}: ${String(err)}`);
        void vscode.window.showErrorMessage(`DLPO could not open ${path.basename(uri.fsPath)}; the candidate stays pending.`);
        return 'failed';
      }
      if (!region) {
        void vscode.window.showErrorMessage(
          `DLPO could not find the prompt text in ${path.basename(uri.fsPath)} (is its front matter still closed?). The candidate stays pending.`,
        );
        return 'failed';
      }
      const rebase = rebaseCandidate(p.text, region.text);
      if (rebase.kind === 'conflict') {
        this.reportConflict(p, rebase.conflicts.length);
        return 'conflict';
      }
      if (p.isSettled) return 'settled';
      const result = await replaceRegion(uri, this.regionFor(p.session), rebase.text);
      if (!result.ok) {
        void vscode.window.showErrorMessage(`DLPO could not apply the candidate: ${result.reason}. It stays pending.`);
        return 'failed';
      }
      if (rebase.kind === 'rebased') {
        this.host.output.info(`review: step ${p.step} of ${p.runId} applied on top of the user's edits`);
        vscode.window.setStatusBarMessage(`DLPO: step ${p.step}'s candidate applied on top of your edits`, 5000);
      }
      const prompt = rebase.text !== p.original.after ? rebase.text : undefined;
      p.resolve(prompt === undefined ? { accepted: true, by } : { accepted: true, by, prompt });
      return 'applied';
    } finally {
      this.busy.delete(p);
    }
  }

  reject(p: PendingReview, by: ReviewDecision['by']): void {
    p.resolve({ accepted: false, by });
  }

  /** The step's TSA verdict decides (accept when TSA is off, as the trainer would). */
  async letTsaDecide(p: PendingReview): Promise<AcceptOutcome> {
    const accepted = p.candidate.tsa?.accepted ?? true;
    if (accepted) return this.accept(p, 'tsa');
    this.reject(p, 'tsa');
    return 'settled';
  }

  private reportConflict(p: PendingReview, conflicts: number): void {
    this.markWaiting(p);
    this.lensEmitter.fire();
    const ask =
      this.options.askOnConflict ??
      ((_p: PendingReview, n: number) =>
        vscode.window
          .showWarningMessage(
            `The prompt changed since this candidate was made. ${n} of its edit${n === 1 ? '' : 's'} touch${n === 1 ? 'es' : ''} text you changed.`,
            'Rebase and review',
            'Discard candidate',
            'Use my edit',
          )
          .then((c) => (c === 'Rebase and review' ? 'rebase' : c === 'Discard candidate' ? 'discard' : c === 'Use my edit' ? 'mine' : undefined)));
    void Promise.resolve(ask(p, conflicts)).then((choice) => (choice && !p.isSettled ? this.resolveConflict(p, choice) : undefined));
  }

  /**
   * `rebase`: the edits that still fit are carried over the user's text and shown for
   * review again; `discard`: the candidate is rejected; `mine`: the user's text, as it
   * is in the file, becomes the run's current prompt (nothing is written).
   */
  async resolveConflict(p: PendingReview, choice: ConflictChoice): Promise<void> {
    if (p.isSettled) return;
    if (choice === 'discard') {
      this.reject(p, 'user');
      return;
    }
    const { region } = await regionOf(p.session.documentUri, this.regionFor(p.session));
    if (!region) {
      void vscode.window.showErrorMessage('DLPO could not find the prompt text in the file; the candidate stays pending.');
      return;
    }
    if (choice === 'mine') {
      p.resolve({ accepted: true, by: 'user', prompt: region.text });
      return;
    }
    const rebase = rebaseCandidate(p.text, region.text);
    const text = rebase.kind === 'conflict' ? rebase.partialText : rebase.text;
    p.text = rebasedCandidateText(region.text, text);
    if (p.text.edits.length === 0) {
      void vscode.window.showInformationMessage(
        'None of the candidate’s edits fit your text. Accept keeps your text as the run’s prompt; Reject discards the candidate.',
      );
    }
    this.refreshDocument(p.session.documentUri);
    this.changeEmitter.fire({ runId: p.runId, kind: 'updated', step: p.step });
  }

  // ---- lookups ----

  pending(runId: string): PendingReview | undefined {
    return this.pendings.get(runId);
  }

  pendingForDocument(uri: vscode.Uri): PendingReview | undefined {
    const key = uri.toString();
    for (const p of this.pendings.values()) if (p.session.documentUri.toString() === key) return p;
    return undefined;
  }

  allPending(): PendingReview[] {
    return [...this.pendings.values()];
  }

  /** Sessions this window has reviewed, by run id (the history also reads `host.runs`). */
  sessions(): RunSession[] {
    return [...this.knownSessions.values()];
  }

  decisionTimesOf(runId: string): ReadonlyMap<number, string> {
    return this.decisionTimes.get(runId) ?? new Map();
  }

  /** The pending candidate a command argument points at: `{ runId }`, a URI, or the active editor. */
  pendingFromArg(arg: unknown): PendingReview | undefined {
    if (arg && typeof arg === 'object' && 'runId' in arg && typeof (arg as { runId: unknown }).runId === 'string') {
      return this.pendings.get((arg as { runId: string }).runId);
    }
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (uri) {
      if (uri.scheme === this.names.scheme) {
        const parsed = parseCandidateUri(uri);
        return parsed ? this.pendings.get(parsed.runId) : undefined;
      }
      const p = this.pendingForDocument(uri);
      if (p) return p;
    }
    return this.pendings.size === 1 ? [...this.pendings.values()][0] : undefined;
  }

  /** What is drawn in the editor of `uri` (for tests and diagnostics). */
  renderedFor(uri: vscode.Uri): RenderedDiff | undefined {
    return this.decorations.renderedFor(uri);
  }

  // ---- showing ----

  private stateOf(p: PendingReview, document: vscode.TextDocument): RegionState {
    const region = this.regionFor(p.session).locate(document.getText());
    if (!region) return { document, region: null, rebase: null, plan: null };
    const rebase = rebaseCandidate(p.text, region.text);
    return { document, region, rebase, plan: planInlineDiff(region.text, rebase) };
  }

  private refreshDocument(uri: vscode.Uri): void {
    const key = uri.toString();
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === key) this.renderEditor(editor);
    const p = this.pendingForDocument(uri);
    const doc = openDocument(uri);
    if (p && doc) this.updateSideBySide(p, this.stateOf(p, doc));
    this.lensEmitter.fire();
    this.updateContextKey();
  }

  private renderAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.renderEditor(editor);
    this.updateContextKey();
  }

  private renderEditor(editor: vscode.TextEditor): void {
    const p = this.pendingForDocument(editor.document.uri);
    if (!p) {
      if (this.decorations.renderedFor(editor.document.uri)) this.decorations.clear(editor);
      this.comments.clear(editor.document.uri);
      return;
    }
    const state = this.stateOf(p, editor.document);
    if (!state.region || !state.plan) {
      this.decorations.clear(editor);
      this.comments.clear(editor.document.uri);
      return;
    }
    this.decorations.render(editor, state.region.toDocumentOffset, state.plan);
    this.comments.render(editor.document, state.region.toDocumentOffset, planHunks(state.plan), p.step);
  }

  /** The suggestions shown as comment threads in `uri` (for tests and diagnostics). */
  suggestionsFor(uri: vscode.Uri): RenderedSuggestion[] | undefined {
    return this.comments.renderedFor(uri);
  }

  /**
   * Leaves one hunk out of the candidate: the candidate becomes the others, drawn again,
   * and Accept then applies only those — an edited acceptance the run scores and continues
   * from. Dropping the last hunk rejects the candidate.
   */
  async dropHunk(p: PendingReview, index: number): Promise<void> {
    if (p.isSettled) return;
    const { document } = await regionOf(p.session.documentUri, this.regionFor(p.session));
    const state = this.stateOf(p, document);
    if (!state.region || !state.plan || !state.rebase || state.rebase.kind === 'conflict') return;
    const hunks = planHunks(state.plan);
    const hunk = hunks[index];
    if (!hunk) return;
    if (hunks.length === 1) {
      this.reject(p, 'user');
      return;
    }
    const dropped = new Set(hunk.edits);
    const kept = state.rebase.carried.filter((c) => !dropped.has(c.original)).map((c) => c.rebased);
    p.text = rebasedCandidateText(state.region.text, applySentenceEdits(state.region.text, kept));
    this.refreshDocument(p.session.documentUri);
    this.changeEmitter.fire({ runId: p.runId, kind: 'updated', step: p.step });
  }

  private updateSideBySide(p: PendingReview, state: RegionState): vscode.Uri[] {
    const name = path.basename(p.session.documentUri.fsPath);
    const left = candidateUri(this.names.scheme, p.runId, p.step, 'current', name);
    const right = candidateUri(this.names.scheme, p.runId, p.step, 'candidate', name);
    const current = state.region?.text ?? p.text.before;
    const proposed = state.rebase && state.rebase.kind !== 'conflict' ? state.rebase.text : p.text.after;
    this.documents.set(left, current);
    this.documents.set(right, proposed);
    return [left, right];
  }

  async showSideBySide(p: PendingReview): Promise<void> {
    const { document } = await regionOf(p.session.documentUri, this.regionFor(p.session));
    const [left, right] = this.updateSideBySide(p, this.stateOf(p, document));
    const name = path.basename(p.session.documentUri.fsPath);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${name}: current ↔ candidate (step ${p.step})`, { preview: true });
  }

  async reveal(p: PendingReview): Promise<void> {
    const editor = await vscode.window.showTextDocument(p.session.documentUri, { preview: false });
    const region = this.regionFor(p.session).locate(editor.document.getText());
    if (region) {
      const at = editor.document.positionAt(region.start);
      editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  /**
   * Controls above each changed hunk, in words short enough for a half-width editor: the
   * first hunk carries the whole row (Accept, Reject, TSA's advice, Diff), every later hunk
   * Accept and Reject again so the decision is at hand wherever the eye is. Without a
   * drawable region or with a conflict, one row at the region's first line explains why.
   */
  private codeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const p = this.pendingForDocument(doc.uri);
    if (!p) return [];
    const state = this.stateOf(p, doc);
    const lineOf = (regionOffset: number) => doc.positionAt(state.region!.toDocumentOffset(regionOffset)).line;
    const top = state.region ? doc.positionAt(state.region.start).line : 0;
    const arg = { runId: p.runId };
    const lens = (line: number, title: string, name: string, tooltip: string, extra: Record<string, unknown> = {}) =>
      new vscode.CodeLens(new vscode.Range(line, 0, line, 0), { title, command: this.commandId(name), arguments: [{ ...arg, ...extra }], tooltip });
    if (!state.region) {
      return [
        lens(top, '⚠ Prompt not found', 'showPendingCandidate', 'DLPO cannot find the prompt text in this file: fix the front matter to review the candidate'),
        lens(top, 'Discard', 'rejectCandidate', `Reject step ${p.step}'s candidate`),
      ];
    }
    if (state.rebase?.kind === 'conflict') {
      return [
        lens(top, '⚠ Changed since made', 'showCandidateDiff', 'The prompt changed since this candidate was made: compare your text with the candidate'),
        lens(top, 'Rebase', 'rebaseCandidate', 'Rebase and review: carry over the edits that still fit and review them again'),
        lens(top, 'Discard', 'rejectCandidate', `Discard step ${p.step}'s candidate`),
        lens(top, 'Use mine', 'useMyEdit', 'Use my edit: keep the file as it is and continue the run from your text'),
      ];
    }
    const tsa = p.candidate.tsa;
    const rebased = state.rebase?.kind === 'rebased' ? ' (carried over your edits)' : '';
    const hunks = state.plan ? planHunks(state.plan) : [];
    const many = hunks.length > 1;
    const count = many ? ` — all ${hunks.length} changes` : '';
    const accept = (line: number) => lens(line, '✓ Accept', 'acceptCandidate', `Apply step ${p.step}'s candidate${rebased}${count} as one undoable edit (Ctrl/Cmd+Alt+Enter)`);
    const reject = (line: number) => lens(line, '✗ Reject', 'rejectCandidate', `Keep the prompt as it is${count} (Ctrl/Cmd+Alt+Backspace)`);
    const drop = (line: number, hunk: number) =>
      lens(line, 'Drop', 'dropHunk', `Leave change ${hunk + 1} of ${hunks.length} out; Accept then applies the others (an edited acceptance the run continues from)`, { hunk });
    const lenses: vscode.CodeLens[] = [];
    const seen = new Set<number>();
    (hunks.length > 0 ? hunks : [{ start: 0 }]).forEach((h, i) => {
      const line = lineOf(h.start);
      if (!seen.has(line)) {
        lenses.push(accept(line), reject(line));
        if (seen.size === 0) {
          lenses.push(
            lens(line, tsa ? `TSA: ${tsa.accepted ? 'accept' : 'reject'} ${tsa.probability.toFixed(2)}` : 'TSA off', 'letTsaDecide', tsa ? `Let TSA decide: it would ${tsa.accepted ? 'accept' : 'reject'} (${tsaNumbers(tsa)})` : 'TSA is off for this run: letting it decide accepts, as the trainer would'),
            lens(line, 'Diff', 'showCandidateDiff', 'Open the current prompt and the candidate side by side'),
          );
        }
        seen.add(line);
      }
      if (many) lenses.push(drop(line, i));
    });
    return lenses;
  }

  private hover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const p = this.pendingForDocument(doc.uri);
    if (!p) return undefined;
    const state = this.stateOf(p, doc);
    if (!state.region || !state.plan) return undefined;
    const docOffset = doc.offsetAt(position);
    if (docOffset < state.region.start || docOffset > state.region.end) return undefined;
    const raw = doc.getText().slice(state.region.start, docOffset);
    const offset = raw.length - (raw.match(/\r\n/g)?.length ?? 0);
    const md = reviewHover(p, editAt(state.plan, offset));
    return md ? new vscode.Hover(md) : undefined;
  }

  private updateStatusItem(): void {
    const waiting = [...this.waiting].filter((p) => !p.isSettled);
    if (waiting.length === 0 || this.options.statusItem === false) {
      this.statusItem.hide();
      return;
    }
    const p = waiting[0];
    this.statusItem.text = `$(git-compare) DLPO: candidate waiting (step ${p.step})`;
    this.statusItem.tooltip = `The run on ${path.basename(p.session.documentUri.fsPath)} waits for your review. Accept: Ctrl/Cmd+Alt+Enter · Reject: Ctrl/Cmd+Alt+Backspace`;
    this.statusItem.command = { title: 'Review candidate', command: this.commandId('showPendingCandidate'), arguments: [{ runId: p.runId }] };
    this.statusItem.show();
  }

  private updateContextKey(): void {
    const uri = vscode.window.activeTextEditor?.document.uri;
    let pending = false;
    if (uri?.scheme === this.names.scheme) {
      const parsed = parseCandidateUri(uri);
      pending = !!parsed && this.pendings.has(parsed.runId);
    } else if (uri) {
      pending = !!this.pendingForDocument(uri);
    }
    void vscode.commands.executeCommand('setContext', this.names.contextKey, pending);
    void vscode.commands.executeCommand('setContext', this.names.anyPendingContextKey, this.pendings.size > 0);
  }

  dispose(): void {
    for (const p of this.pendings.values()) p.abandon(closedError());
    this.pendings.clear();
    this.waiting.clear();
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * The session interface has no setter; the live session (TrackedRunSession) does. The
 * run shows as waiting while the user decides, and as running again after.
 */
function setSessionStatus(session: RunSession, status: RunStatus): void {
  const settable = session as RunSession & { setStatus?: (s: RunStatus) => void };
  if (typeof settable.setStatus !== 'function' || isFinished(session.status) || session.status === status) return;
  settable.setStatus(status);
}
