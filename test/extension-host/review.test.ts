// Reviewing candidates in the editor, inside the real extension host: decorations,
// CodeLens and hover on a candidate; Accept as one undoable edit; Reject leaves the file
// byte-identical; a user edit between candidate and decision is rebased or shown as a
// conflict; front matter survives byte for byte; `tsa` mode applies exactly the
// candidates TSA accepted in a scripted journal.
//
// The review is built here from its modules with its own command prefix, context keys
// and scheme, next to (and independent of) the installed extension's review, and fed a
// scripted RunSession: what is tested is the review, not the run controller.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { marked } from 'marked';
import * as vscode from 'vscode';
import { mergeConfigOrThrow } from '../../src/core/config/mergeConfig';
import { diffSentences } from '../../src/core/prompt/sentenceDiff';
import { readJournal } from '../../src/core/run/journal';
import { startRun } from '../../src/core/run/runner';
import { parseRunEvent, type RunEvent } from '../../src/core/run/events';
import type { CandidateForReview, ReviewDecision, TsaAdvice } from '../../src/core/run/runTypes';
import { registerReviewCommands } from '../../src/extension/commands/review';
import { EditorReviewer } from '../../src/extension/review/editorReviewer';
import { canResume } from '../../src/extension/run/findInterruptedRuns';
import { restoreVersionText, versionPicks } from '../../src/extension/review/restoreVersion';
import { reviewCenterFor, type ConflictChoice, type ReviewCenter, type ReviewMode } from '../../src/extension/review/reviewCenter';
import type { ReviewHost } from '../../src/extension/review/reviewHost';
import type { RunSession, RunStatus } from '../../src/extension/run/runSession';
import { TrackedRunSession } from '../../src/extension/run/trackedRunSession';
import { extensionUri, until } from './hostTools';

const PREFIX = 'dlpoReviewTest.';
const SCHEME = 'dlpo-candidate-test';
const cmd = (name: string) => `${PREFIX}${name}`;

// Front matter with odd spacing, a comment, trailing spaces and non-ASCII: it must survive byte for byte.
const FRONT_MATTER = '---\nname:   math tutor  \n# a comment — keep me\nmodel: { temperature: 0.2 }\n---\n\n';
const BODY = 'You are a careful math tutor. Show work. Answer with a number.';
const FILE_TEXT = `${FRONT_MATTER}${BODY}\n`;
const GRADIENT =
  'The prompt never asks for the units of the answer. Several answers gave a bare number without units. The model also skipped its work on two questions.';

class ScriptedSession implements RunSession {
  readonly events: RunEvent[] = [];
  private currentStatus: RunStatus = 'running';
  private readonly eventEmitter = new vscode.EventEmitter<RunEvent>();
  private readonly statusEmitter = new vscode.EventEmitter<RunStatus>();
  readonly onEvent = this.eventEmitter.event;
  readonly onStatus = this.statusEmitter.event;
  readonly statuses: RunStatus[] = [];
  constructor(
    readonly runId: string,
    readonly runDir: string,
    readonly documentUri: vscode.Uri,
  ) {}
  get status(): RunStatus {
    return this.currentStatus;
  }
  setStatus(s: RunStatus): void {
    this.currentStatus = s;
    this.statuses.push(s);
    this.statusEmitter.fire(s);
  }
  push(e: RunEvent): void {
    this.events.push(e);
    this.eventEmitter.fire(e);
  }
  stop(): void {}
}

const tsaAdvice = (accepted: boolean, probability = 0.82): TsaAdvice => ({
  candidateScore: 0.6,
  lastScore: 0.62,
  delta: -0.02,
  temperature: 16,
  probability,
  draw: 0.41,
  accepted,
});

function candidateFor(runId: string, step: number, before: string, after: string, tsa: TsaAdvice | null = tsaAdvice(true)): CandidateForReview {
  return { runId, step, before, after, edits: diffSentences(before, after), gradient: GRADIENT, tsa };
}

/** A hover as VS Code renders it (marked, GFM), for asserting on what the user sees. */
function hoverHtml(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents.map((m) => (typeof m === 'string' ? m : m.value)))
    .map((md) => marked.parse(md, { gfm: true, async: false }) as string)
    .join('\n');
}

function hoverVisibleText(hovers: vscode.Hover[]): string {
  return hoverHtml(hovers)
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('candidate review in the editor (real extension host)', function () {
  this.timeout(30_000);
  let host: ReviewHost & { dispose(): void };
  let center: ReviewCenter;
  let dir: string;
  let conflictAnswers: (ConflictChoice | undefined)[] = [];
  let conflictsAsked = 0;
  let counter = 0;
  const reviewers: EditorReviewer[] = [];

  before(() => {
    const disposables: vscode.Disposable[] = [];
    host = {
      extensionContext: { extensionUri: extensionUri() },
      output: vscode.window.createOutputChannel('DLPO review test', { log: true }),
      registerCommand: (name, fn) => disposables.push(vscode.commands.registerCommand(`${PREFIX}${name}`, fn)),
      pushCleanup: (d) => disposables.push(d),
      dispose: () => {
        for (const d of disposables.reverse()) d.dispose();
      },
    };
    center = reviewCenterFor(host, {
      names: { commandPrefix: PREFIX, contextKey: 'dlpoReviewTest.candidatePending', anyPendingContextKey: 'dlpoReviewTest.anyPending', scheme: SCHEME },
      askOnConflict: async () => {
        conflictsAsked++;
        return conflictAnswers.shift();
      },
    });
    assert.equal(registerReviewCommands(host), center);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-review-'));
  });

  after(async () => {
    for (const r of reviewers) r.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    host.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    conflictAnswers = [];
    conflictsAsked = 0;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** A fresh prompt file, open in an editor, with a scripted run and a reviewer on it. */
  async function setUp(mode: ReviewMode, text = FILE_TEXT) {
    const runId = `run-${++counter}`;
    const file = path.join(dir, `${runId}.prompt.md`);
    fs.writeFileSync(file, text);
    const uri = vscode.Uri.file(file);
    const editor = await vscode.window.showTextDocument(uri);
    const session = new ScriptedSession(runId, path.join(dir, 'runs', runId), uri);
    const reviewer = new EditorReviewer(center, session, mode);
    reviewers.push(reviewer);
    const abort = new AbortController();
    const review = (c: CandidateForReview): Promise<ReviewDecision> => {
      session.push({ type: 'candidate', step: c.step, before: c.before, after: c.after, edits: c.edits, reverted: [] });
      return reviewer.review(c, abort.signal);
    };
    return { runId, file, uri, editor, session, reviewer, abort, review, bytes: () => fs.readFileSync(file) };
  }

  it('shows a candidate as struck sentences, ghost text, gutter marks, a CodeLens row and a hover', async () => {
    const t = await setUp('manual');
    t.session.push({ type: 'technique-applied', step: 1, technique: 'tlr', summary: 'TLR cut 3 edits to 2', details: {} });
    const after = 'You are a careful math tutor. Show all your work. Answer with a number and its units.';
    const c = candidateFor(t.runId, 1, BODY, after);
    const decision = t.review(c);

    const drawn = await until('decorations', () => center.renderedFor(t.uri));
    assert.deepEqual(drawn.struck, ['Show work.', 'Answer with a number.']);
    // Adjacent changed sentences form one hunk: both struck, the new wording after them.
    assert.deepEqual(drawn.ghost, ['Show all your work. Answer with a number and its units.']);
    const bodyLine = t.editor.document.positionAt(FRONT_MATTER.length).line;
    assert.deepEqual(drawn.gutterLines, [bodyLine]);

    const lenses = await until('CodeLens', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', t.uri);
      const ours = all.filter((l) => l.command?.command.startsWith(PREFIX));
      return ours.length > 0 && ours;
    });
    assert.deepEqual(
      lenses.map((l) => l.command?.title),
      ['✓ Accept', '✗ Reject', 'TSA: accept 0.82', 'Diff'],
    );
    assert.ok(lenses.every((l) => l.range.start.line === bodyLine), 'the lenses sit on the changed line');
    assert.deepEqual(lenses[0].command?.arguments, [{ runId: t.runId }]);

    const doc = t.editor.document;
    const onUnits = doc.positionAt(doc.getText().indexOf('Answer with a number.') + 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', t.uri, onUnits);
    const text = hoverVisibleText(hovers);
    assert.match(text, /step 1/);
    assert.match(text, /bare number without units/, 'the gradient sentence about units is shown');
    assert.match(text, /TLR cut 3 edits to 2/);
    assert.match(text, /TSA would accept \(Δ −0\.02 · T 16 · p 0\.820 · draw 0\.41\)/);
    assert.match(text, /Worse by 0\.02 on the training data \(60\.0% against 62\.0% for the last accepted prompt\)\. .* TSA takes it with probability 82%; the draw 0\.41 fell within that chance: accepted\./);
    assert.match(text, /Replaces Show work\. Answer with a number\. with Show all your work\. Answer with a number and its units\./);
    assert.match(hoverHtml(hovers), /<del>Show work\.<\/del> <del>Answer with a number\.<\/del>/, 'the old sentences are struck');
    assert.equal(center.pending(t.runId)?.step, 1);
    assert.deepEqual(t.session.statuses, ['waiting-review'], 'the run shows as waiting in manual mode');

    await vscode.commands.executeCommand(cmd('rejectCandidate'), { runId: t.runId });
    assert.deepEqual(await decision, { accepted: false, by: 'user' });
    await until('decorations cleared', () => !center.renderedFor(t.uri));
  });

  it('puts Accept / Reject above each changed hunk of a long prompt, in labels that fit a half-width editor', async () => {
    const lines = Array.from({ length: 14 }, (_, i) => `Rule ${i + 1} stays as it is.`);
    const body = `${lines.join('\n')}\nShow work.\n${Array.from({ length: 4 }, (_, i) => `Note ${i + 1} stays.`).join('\n')}\nAnswer with a number.`;
    const t = await setUp('manual', `${FRONT_MATTER}${body}\n`);
    const after = body.replace('Show work.', 'Show all your work.').replace('Answer with a number.', 'Answer with a number and its units.');
    const decision = t.review(candidateFor(t.runId, 1, body, after));
    await until('decorations', () => center.renderedFor(t.uri));
    const doc = t.editor.document;
    const lineOf = (text: string) => doc.positionAt(doc.getText().indexOf(text)).line;
    const lenses = await until('CodeLens', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', t.uri);
      const ours = all.filter((l) => l.command?.command.startsWith(PREFIX));
      return ours.length > 0 && ours;
    });
    const rows = new Map<number, string[]>();
    for (const l of lenses) rows.set(l.range.start.line, [...(rows.get(l.range.start.line) ?? []), l.command!.title]);
    assert.deepEqual([...rows.keys()], [lineOf('Show work.'), lineOf('Answer with a number.')], 'one row above each hunk, none at the top of the prompt');
    assert.ok(lineOf('Show work.') > doc.positionAt(FRONT_MATTER.length).line + 10);
    assert.deepEqual(rows.get(lineOf('Show work.')), ['✓ Accept', '✗ Reject', 'TSA: accept 0.82', 'Diff', 'Drop']);
    assert.deepEqual(rows.get(lineOf('Answer with a number.')), ['✓ Accept', '✗ Reject', 'Drop']);
    // A half-width editor beside the panel on a 13" screen shows some 70 columns of CodeLens text; CodeLens adds " | " between items.
    for (const [line, titles] of rows) assert.ok(titles.join(' | ').length <= 55, `row at line ${line} fits: ${titles.join(' | ')}`);
    await vscode.commands.executeCommand(cmd('rejectCandidate'), { runId: t.runId });
    assert.deepEqual(await decision, { accepted: false, by: 'user' });
  });

  it('shows each hunk’s new text as a suggestion thread in place (multi-line, nothing written), and per-hunk Drop gives an edited acceptance', async () => {
    const body = 'Solve the problem. Show work.\nCheck the answer.\nAnswer with a number.';
    const t = await setUp('manual', `${FRONT_MATTER}${body}\n`);
    const original = t.bytes();
    // Hunk 1 rewrites "Show work." into two lines; hunk 2 rewrites the last sentence.
    const after = 'Solve the problem. Show all your work,\none step per line.\nCheck the answer.\nAnswer with a number and its units.';
    const decision = t.review(candidateFor(t.runId, 1, body, after));
    const shown = await until('suggestion threads', () => {
      const s = center.suggestionsFor(t.uri);
      return s && s.length === 2 && s;
    });
    const doc = t.editor.document;
    // However the new text is cut into units, the suggestion holds all of it, line breaks kept.
    assert.deepEqual(shown.map((s) => s.added.join('\n')), ['Show all your work,\none step per line.', 'Answer with a number and its units.'], 'the whole new text');
    assert.deepEqual(shown.map((s) => s.removed), [['Show work.'], ['Answer with a number.']]);
    assert.deepEqual(shown.map((s) => s.line), [doc.positionAt(doc.getText().indexOf('Show work.')).line, doc.positionAt(doc.getText().indexOf('Answer with')).line]);
    // Autosave or not: a suggestion is not an edit.
    await vscode.workspace.getConfiguration('files').update('autoSave', 'afterDelay', vscode.ConfigurationTarget.Global);
    try {
      await new Promise((r) => setTimeout(r, 1_500));
      assert.equal(doc.isDirty, false);
      assert.deepEqual(t.bytes(), original, 'the file on disk is unchanged before acceptance');
    } finally {
      await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    }

    // Keep hunk 2, leave hunk 1 out, accept: only hunk 2 is written, as an edited acceptance.
    await vscode.commands.executeCommand(cmd('dropHunk'), { runId: t.runId, hunk: 0 });
    await until('one suggestion left', () => center.suggestionsFor(t.uri)?.length === 1);
    await vscode.commands.executeCommand(cmd('acceptCandidate'), { runId: t.runId });
    const kept = 'Solve the problem. Show work.\nCheck the answer.\nAnswer with a number and its units.';
    assert.deepEqual(await decision, { accepted: true, by: 'user', prompt: kept });
    assert.equal(doc.getText(), `${FRONT_MATTER}${kept}\n`);
    await until('suggestions cleared', () => !center.suggestionsFor(t.uri));
  });

  it('keeps model text in the hover inert: no HTML, no live links, bidi and zero-width characters visible', async () => {
    const t = await setUp('manual');
    const hostile =
      'Open <script>alert(1)</script> <img src=x onerror=alert(2)> [docs](command:workbench.action.terminal.new) https://evil.example/x or www.evil.example, file report\u202Egnp.exe, pay\u200Bpal.';
    // An added text: its hover sits where its ghost text is, at the end of the last sentence.
    const decision = t.review(candidateFor(t.runId, 1, BODY, `${BODY} ${hostile}`));
    await until('decorations', () => center.renderedFor(t.uri));
    const doc = t.editor.document;
    const atEnd = doc.positionAt(doc.getText().indexOf('Answer with a number.') + 'Answer with a number.'.length);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', t.uri, atEnd);
    const ours = hovers.flatMap((h) => h.contents).filter((m): m is vscode.MarkdownString => typeof m !== 'string' && /DLPO candidate/.test(m.value));
    assert.equal(ours.length, 1, 'one DLPO hover');
    const md = ours[0];
    assert.ok(!md.isTrusted, 'no command links');
    assert.ok(!md.supportHtml, 'no HTML');
    const html = hoverHtml(hovers);
    assert.doesNotMatch(html, /<(a|img|script)\b/, `no link, image or script element: ${html}`);
    assert.doesNotMatch(html, /[\u202E\u200B]/, 'no raw override or zero-width space');
    const text = hoverVisibleText(hovers);
    for (const piece of ['<script>alert(1)</script>', '<img src=x onerror=alert(2)>', '[docs](command:workbench.action.terminal.new)', 'https://evil.example/x', 'www.evil.example']) {
      assert.ok(text.includes(piece), `${piece} is shown as text: ${text}`);
    }
    assert.ok(text.includes('report⟨U+202E⟩gnp.exe') && text.includes('pay⟨U+200B⟩pal'), 'hidden characters are shown as markers');
    await vscode.commands.executeCommand(cmd('rejectCandidate'), { runId: t.runId });
    assert.deepEqual(await decision, { accepted: false, by: 'user' });
  });

  it('Accept applies exactly the candidate to the region, and one undo restores the original bytes', async () => {
    const t = await setUp('manual');
    const original = t.bytes();
    const after = 'You are a careful math tutor. Show all your work. Answer with a number and its units.';
    const decision = t.review(candidateFor(t.runId, 1, BODY, after));
    await until('pending', () => center.pending(t.runId));
    let edits = 0;
    const counting = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === t.uri.toString() && e.contentChanges.length > 0) edits++;
    });
    try {
      await vscode.commands.executeCommand(cmd('acceptCandidate'), { runId: t.runId });
      assert.deepEqual(await decision, { accepted: true, by: 'user' });
      assert.equal(edits, 1, 'one edit');
    } finally {
      counting.dispose();
    }
    const doc = t.editor.document;
    assert.equal(doc.getText(), FILE_TEXT.replace(BODY, after));
    assert.ok(doc.getText().startsWith(FRONT_MATTER), 'front matter untouched');
    await doc.save();
    assert.deepEqual(t.bytes(), Buffer.from(FILE_TEXT.replace(BODY, after), 'utf8'));

    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await until('undo', () => doc.getText() === FILE_TEXT);
    await doc.save();
    assert.deepEqual(t.bytes(), original, 'one undo gives back the original bytes');
  });

  it('touches only the marked region: text and variables outside it stay byte for byte', async () => {
    const outsideBefore = '# Notes\nKeep this line as is: {{question}}  \n\n<!-- dlpo:begin -->\n';
    const outsideAfter = '\n<!-- dlpo:end -->\nFooter with {{answer}} — untouched.\n';
    const region = 'Solve the problem. Show work. Give the answer.';
    const t = await setUp('manual', `${outsideBefore}${region}${outsideAfter}`);
    const newRegion = 'Solve the problem step by step. Show work. Give the answer as a number.';
    const decision = t.review(candidateFor(t.runId, 1, region, newRegion));
    await until('pending', () => center.pending(t.runId));
    await vscode.commands.executeCommand(cmd('acceptCandidate'), { runId: t.runId });
    assert.deepEqual(await decision, { accepted: true, by: 'user' });
    await t.editor.document.save();
    assert.deepEqual(t.bytes(), Buffer.from(`${outsideBefore}${newRegion}${outsideAfter}`, 'utf8'));
  });

  it('Reject leaves the file byte-identical and the document clean', async () => {
    const t = await setUp('manual');
    const original = t.bytes();
    const decision = t.review(candidateFor(t.runId, 2, BODY, 'Be terse. Answer with a number.'));
    await until('pending', () => center.pending(t.runId));
    await vscode.commands.executeCommand(cmd('rejectCandidate'), { runId: t.runId });
    assert.deepEqual(await decision, { accepted: false, by: 'user' });
    assert.equal(t.editor.document.isDirty, false);
    assert.equal(t.editor.document.getText(), FILE_TEXT);
    assert.deepEqual(t.bytes(), original);
  });

  it('carries the candidate over a user edit to another sentence and reports the result as the run’s prompt', async () => {
    const t = await setUp('manual');
    const decision = t.review(candidateFor(t.runId, 3, BODY, 'You are a careful math tutor. Show all your work. Answer with a number.'));
    await until('pending', () => center.pending(t.runId));
    const doc = t.editor.document;
    const edit = new vscode.WorkspaceEdit();
    const at = doc.getText().indexOf('Answer with a number.');
    edit.replace(t.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'Answer with a number.'.length)), 'Answer with one integer.');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const drawn = await until('redrawn on the user text', () => {
      const r = center.renderedFor(t.uri);
      return r && r.ghost.length === 1 && r;
    });
    assert.deepEqual(drawn.struck, ['Show work.']);

    await vscode.commands.executeCommand(cmd('acceptCandidate'), { runId: t.runId });
    const expectedBody = 'You are a careful math tutor. Show all your work. Answer with one integer.';
    assert.deepEqual(await decision, { accepted: true, by: 'user', prompt: expectedBody });
    assert.equal(doc.getText(), `${FRONT_MATTER}${expectedBody}\n`);
    assert.equal(conflictsAsked, 0);
  });

  it('on a conflicting user edit writes nothing, shows the conflict, and lets the user keep their edit', async () => {
    const t = await setUp('manual');
    const decision = t.review(candidateFor(t.runId, 4, BODY, 'You are a careful math tutor. Show all your work. Answer with a number.'));
    await until('pending', () => center.pending(t.runId));
    const doc = t.editor.document;
    const edit = new vscode.WorkspaceEdit();
    const at = doc.getText().indexOf('Show work.');
    edit.replace(t.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'Show work.'.length)), 'Show every step.');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const userText = doc.getText();

    conflictAnswers = [undefined];
    await vscode.commands.executeCommand(cmd('acceptCandidate'), { runId: t.runId });
    await until('the conflict question', () => conflictsAsked === 1);
    assert.equal(doc.getText(), userText, 'nothing was written');
    assert.ok(center.pending(t.runId), 'still pending after the question was dismissed');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', t.uri);
    assert.deepEqual(
      lenses.filter((l) => l.command?.command.startsWith(PREFIX)).map((l) => l.command?.title),
      ['⚠ Changed since made', 'Rebase', 'Discard', 'Use mine'],
    );

    await vscode.commands.executeCommand(cmd('useMyEdit'), { runId: t.runId });
    assert.deepEqual(await decision, { accepted: true, by: 'user', prompt: 'You are a careful math tutor. Show every step. Answer with a number.' });
    assert.equal(doc.getText(), userText, 'the user’s edit stays as it is');
  });

  it('"Rebase and review" keeps the edits that still fit for a second review', async () => {
    const t = await setUp('manual');
    const after = 'You are a patient math tutor. Show all your work. Answer with a number.';
    const decision = t.review(candidateFor(t.runId, 5, BODY, after));
    await until('pending', () => center.pending(t.runId));
    const doc = t.editor.document;
    const edit = new vscode.WorkspaceEdit();
    const at = doc.getText().indexOf('Show work.');
    edit.replace(t.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'Show work.'.length)), 'Show every step.');
    assert.ok(await vscode.workspace.applyEdit(edit));

    conflictAnswers = ['rebase'];
    await vscode.commands.executeCommand(cmd('acceptCandidate'), { runId: t.runId });
    await until('rebased for review', () => center.pending(t.runId)?.isOriginal === false);
    const drawn = await until('redrawn', () => {
      const r = center.renderedFor(t.uri);
      return r && r.struck.length === 1 && r;
    });
    assert.deepEqual(drawn.struck, ['You are a careful math tutor.']);
    await vscode.commands.executeCommand(cmd('acceptCandidate'), { runId: t.runId });
    const expectedBody = 'You are a patient math tutor. Show every step. Answer with a number.';
    assert.deepEqual(await decision, { accepted: true, by: 'user', prompt: expectedBody });
    assert.equal(doc.getText(), `${FRONT_MATTER}${expectedBody}\n`);
  });

  it('in tsa mode applies exactly the candidates TSA accepted in a scripted journal', async () => {
    const t = await setUp('tsa');
    const prompts = [
      'You are a careful math tutor. Show all your work. Answer with a number.',
      'Be terse. Answer with a number.',
      'You are a careful math tutor. Show all your work. State the units. Answer with a number.',
      'You are a tutor.',
      'You are a careful math tutor. Show all your work. State the units. Answer with a number. Check the arithmetic.',
    ];
    const verdicts = [true, false, true, false, true];
    // The journal as the trainer writes it: each candidate is computed from the current prompt.
    let current = BODY;
    const lines: string[] = [];
    prompts.forEach((after, step) => {
      lines.push(JSON.stringify({ type: 'candidate', step, before: current, after, edits: diffSentences(current, after), reverted: [] }));
      lines.push(JSON.stringify({ type: 'tsa-decision', step, ...tsaAdvice(verdicts[step], verdicts[step] ? 1 : 0.1) }));
      if (verdicts[step]) current = after;
    });
    const journal = lines.map((l) => parseRunEvent(JSON.parse(l)));
    assert.ok(journal.every((e) => e !== null));

    let edits = 0;
    const counting = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === t.uri.toString() && e.contentChanges.length > 0) edits++;
    });
    const regionAfter: string[] = [];
    try {
      for (let i = 0; i < journal.length; i += 2) {
        const c: RunEvent | null = journal[i];
        const d: RunEvent | null = journal[i + 1];
        assert.ok(c?.type === 'candidate' && d?.type === 'tsa-decision');
        const tsa: TsaAdvice = {
          candidateScore: d.candidateScore, lastScore: d.lastScore, delta: d.delta, temperature: d.temperature,
          probability: d.probability, draw: d.draw, accepted: d.accepted,
        };
        const decision: ReviewDecision = await t.review({ runId: t.runId, step: c.step, before: c.before, after: c.after, edits: c.edits, gradient: GRADIENT, tsa });
        assert.deepEqual(decision, { accepted: d.accepted, by: 'tsa' });
        regionAfter.push(t.editor.document.getText().slice(FRONT_MATTER.length).trimEnd());
      }
    } finally {
      counting.dispose();
    }
    assert.equal(edits, verdicts.filter(Boolean).length, 'one edit per accepted candidate, none for rejected ones');
    assert.deepEqual(regionAfter, [prompts[0], prompts[0], prompts[2], prompts[2], prompts[4]]);
    assert.equal(t.editor.document.getText(), `${FRONT_MATTER}${prompts[4]}\n`);
    assert.equal(center.pending(t.runId), undefined);
  });

  it('keeps a pending candidate when its editor closes, shows it again on reopen, and takes the decision from the panel command', async () => {
    const t = await setUp('manual');
    const after = 'You are a careful math tutor. Show all your work. Answer with a number.';
    const decision = t.review(candidateFor(t.runId, 6, BODY, after));
    await until('drawn', () => center.renderedFor(t.uri));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('editor closed', () => !vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === t.uri.toString()));
    assert.ok(center.pending(t.runId), 'still pending with no editor');

    await vscode.window.showTextDocument(t.uri);
    const drawn = await until('drawn again', () => center.renderedFor(t.uri));
    assert.deepEqual(drawn.struck, ['Show work.']);

    await vscode.commands.executeCommand(cmd('letTsaDecide'), { runId: t.runId });
    assert.deepEqual(await decision, { accepted: true, by: 'tsa' });
    assert.equal(vscode.window.activeTextEditor?.document.getText(), `${FRONT_MATTER}${after}\n`);
  });

  it('in auto mode writes an accepted candidate to disk when no editor shows the file', async () => {
    const t = await setUp('auto');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('no tab', () => !vscode.window.tabGroups.all.some((g) => g.tabs.length > 0));
    const after = 'You are a careful math tutor. Show all your work. Answer with a number.';
    assert.deepEqual(await t.review(candidateFor(t.runId, 9, BODY, after, tsaAdvice(false, 0.01))), { accepted: true, by: 'auto' });
    assert.deepEqual(t.bytes(), Buffer.from(`${FRONT_MATTER}${after}\n`, 'utf8'), 'saved, since nobody could see an unsaved buffer');
    assert.equal(vscode.window.tabGroups.all.some((g) => g.tabs.length > 0), false, 'no editor was opened');
  });

  it('stopping the run while a candidate waits ends the wait, clears the diff and writes nothing', async () => {
    const t = await setUp('manual');
    const kinds: string[] = [];
    const listening = center.onDidChangeReview((e) => kinds.push(e.kind));
    const decision = t.review(candidateFor(t.runId, 10, BODY, 'Be terse. Answer with a number.'));
    await until('drawn', () => center.renderedFor(t.uri));
    t.abort.abort();
    await assert.rejects(decision, (e: Error) => e.name === 'AbortError');
    listening.dispose();
    assert.deepEqual(kinds, ['pending', 'cancelled'], 'the panel hears that the wait ended');
    assert.equal(center.pending(t.runId), undefined);
    await until('decorations cleared', () => !center.renderedFor(t.uri));
    assert.equal(t.editor.document.getText(), FILE_TEXT);
    assert.equal(t.editor.document.isDirty, false);
  });

  it('switching the review mode during a run settles the pending candidate the new way', async () => {
    const t = await setUp('manual');
    const events: string[] = [];
    const listening = center.onDidChangeReview((e) => events.push(`${e.kind}${e.mode ? `:${e.mode}` : ''}`));
    try {
      const decision = t.review(candidateFor(t.runId, 7, BODY, 'Be terse. Answer with a number.', tsaAdvice(false, 0.05)));
      await until('pending', () => center.pending(t.runId));
      assert.equal(await vscode.commands.executeCommand(cmd('setReviewMode'), { runId: t.runId, mode: 'tsa' }), true);
      assert.deepEqual(await decision, { accepted: false, by: 'tsa' });
      assert.equal(t.reviewer.mode, 'tsa');
      assert.equal(t.editor.document.getText(), FILE_TEXT);
    } finally {
      listening.dispose();
    }
    assert.deepEqual(events, ['pending', 'decided', 'mode:tsa']);
  });

  it('opens the side-by-side diff of the current and candidate prompt', async () => {
    const t = await setUp('manual');
    const after = 'You are a careful math tutor. Show all your work. Answer with a number.';
    const decision = t.review(candidateFor(t.runId, 8, BODY, after));
    await until('pending', () => center.pending(t.runId));
    await vscode.commands.executeCommand(cmd('showCandidateDiff'), { runId: t.runId });
    const tab = await until('diff tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff && input;
    });
    assert.equal(tab.original.scheme, SCHEME);
    assert.equal((await vscode.workspace.openTextDocument(tab.original)).getText(), BODY);
    assert.equal((await vscode.workspace.openTextDocument(tab.modified)).getText(), after);
    await vscode.commands.executeCommand(cmd('rejectCandidate'), tab.modified);
    assert.deepEqual(await decision, { accepted: false, by: 'user' });
  });

  it('lists accepted versions and restores one as a single undoable edit', async () => {
    const t = await setUp('auto');
    t.session.push({
      type: 'run-start', runId: t.runId, time: '2026-11-23T10:00:00.000Z', promptFile: t.file, prompt: BODY, preset: 'best',
      techniques: ['tsa'], forwardModel: 'offline simulator', backwardModel: 'offline simulator', simulator: true, seed: 1,
      totalSteps: 2, sizes: { train: 4, val: 2, test: 2 }, budget: {},
    });
    const after = 'You are a careful math tutor. Show all your work. Answer with a number.';
    const decision = await t.review(candidateFor(t.runId, 0, BODY, after));
    assert.deepEqual(decision, { accepted: true, by: 'auto' });
    t.session.push({ type: 'review', step: 0, by: 'auto', accepted: true });
    t.session.push({ type: 'eval', step: 0, split: 'val', score: 0.75, n: 4, prompt: 'current' });

    const picks = versionPicks(center, [t.session]).filter((p) => p.version);
    assert.deepEqual(picks.map((p) => p.label), ['Step 0', 'Start']);
    assert.match(picks[0].description ?? '', /val 75\.0% · accepted automatically/);

    const doc = t.editor.document;
    const start = picks[1].version!;
    assert.ok(await restoreVersionText(center.regionFor(t.session), t.uri, start.prompt));
    assert.equal(doc.getText(), FILE_TEXT);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await until('undo of the restore', () => doc.getText() === `${FRONT_MATTER}${after}\n`);
  });

  it('Apply best puts a finished run’s best prompt into the file as one undoable edit', async () => {
    const t = await setUp('manual');
    const best = 'You are a careful math tutor. Show all your work. Answer with a number and its units.';
    t.session.push({
      type: 'run-start', runId: t.runId, time: '2026-11-23T10:00:00.000Z', promptFile: t.file, prompt: BODY, preset: 'best',
      techniques: ['tsa'], forwardModel: 'offline simulator', backwardModel: 'offline simulator', simulator: true, seed: 1,
      totalSteps: 3, sizes: { train: 4, val: 2, test: 2 }, budget: {},
    });
    // The file ends with the final prompt (the start text here), which is not the best one.
    t.session.push({
      type: 'done', stoppedBy: 'completed', message: 'Completed 3 steps.', steps: 3, bestStep: 2, bestPrompt: best, finalPrompt: BODY,
      scores: { start: { val: 0.5, test: 0.5 }, best: { val: 0.9, test: 0.7 }, final: { val: 0.5, test: 0.5 } },
      usage: { calls: 10, cachedCalls: 0, promptTokens: 10, completionTokens: 10, costUsd: 0 },
    });
    const doc = t.editor.document;
    let edits = 0;
    const counting = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === t.uri.toString() && e.contentChanges.length > 0) edits++;
    });
    try {
      assert.equal(await vscode.commands.executeCommand(cmd('applyBestPrompt'), { runId: t.runId }), true);
    } finally {
      counting.dispose();
    }
    assert.equal(edits, 1, 'one edit');
    assert.equal(doc.getText(), FILE_TEXT.replace(BODY, best), 'the region holds the best prompt; front matter untouched');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await until('undo of Apply best', () => doc.getText() === FILE_TEXT);
  });
});

describe('candidate review on a real run (trainer + offline simulator, real extension host)', function () {
  this.timeout(120_000);
  let host: ReviewHost & { dispose(): void };
  let center: ReviewCenter;
  let dir: string;

  before(() => {
    const disposables: vscode.Disposable[] = [];
    host = {
      extensionContext: { extensionUri: extensionUri() },
      output: vscode.window.createOutputChannel('DLPO review test (runs)', { log: true }),
      registerCommand: (name, fn) => disposables.push(vscode.commands.registerCommand(`dlpoReviewRunTest.${name}`, fn)),
      pushCleanup: (d) => disposables.push(d),
      dispose: () => {
        for (const d of disposables.reverse()) d.dispose();
      },
    };
    center = reviewCenterFor(host, {
      names: { commandPrefix: 'dlpoReviewRunTest.', contextKey: 'dlpoReviewRunTest.pending', anyPendingContextKey: 'dlpoReviewRunTest.any', scheme: 'dlpo-candidate-run-test' },
      askOnConflict: async () => undefined,
    });
    registerReviewCommands(host);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-review-run-'));
    // A small word-problem dataset; the simulator answers from the gold answers with
    // prompt-dependent mistakes, so candidates are scored and TSA has real decisions to make.
    const items = Array.from({ length: 19 }, (_, i) => {
      const a = (i * 7 + 12) % 60;
      const b = (i * 13 + 5) % 45;
      return JSON.stringify({ question: `Tom has ${a} apples and buys ${b} more. How many apples does he have now?`, answer: String(a + b) });
    });
    fs.writeFileSync(path.join(dir, 'apples.jsonl'), items.join('\n') + '\n');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    host.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function realRun(mode: ReviewMode, name: string, onPending?: (runId: string, step: number, nth: number) => Promise<void>) {
    const promptFile = path.join(dir, `${name}.prompt.md`);
    const original = '---\nname: apples\nmodel: gpt-4o-mini  \n---\n\nYou are a helpful assistant. Solve the math word problem.\n';
    fs.writeFileSync(promptFile, original);
    const uri = vscode.Uri.file(promptFile);
    const editor = await vscode.window.showTextDocument(uri);
    const config = mergeConfigOrThrow([
      {
        source: 'test',
        values: { promptFile, data: { source: path.join(dir, 'apples.jsonl'), trainSize: 9, valSize: 5, testSize: 5 }, batchSize: 3, preset: 'best', seed: 7 },
      },
    ]);
    const runsDir = path.join(dir, `runs-${name}`);
    let session: TrackedRunSession | undefined;
    let reviewer: EditorReviewer | undefined;
    let fileEdits = 0;
    let pendings = 0;
    const subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === uri.toString() && e.contentChanges.length > 0) fileEdits++;
      }),
      center.onDidChangeReview((e) => {
        if (e.kind === 'pending' && onPending) void onPending(e.runId, e.step!, pendings++);
      }),
    ];
    try {
      const result = await startRun({
        config,
        runsDir,
        onEvent: (e) => {
          if (e.type === 'run-start' && !session) {
            session = new TrackedRunSession(e.runId, path.join(runsDir, e.runId), uri, 'running');
            reviewer = new EditorReviewer(center, session, mode);
          }
          session?.push(e);
        },
        reviewer: { review: (c, signal) => reviewer!.review(c, signal) },
      });
      const events = readJournal(path.join(result.runDir, 'events.jsonl')).events;
      return { result, events, editor, original, fileEdits, session: session! };
    } finally {
      for (const d of subscriptions) d.dispose();
      reviewer?.dispose();
    }
  }

  it('a run stopped while a candidate waits (a reload) resumes at that candidate, and Resume is offered only with a checkpoint', async () => {
    const promptFile = path.join(dir, 'reload.prompt.md');
    const original = '---\nname: apples\n---\n\nYou are a helpful assistant. Solve the math word problem.\n';
    fs.writeFileSync(promptFile, original);
    const uri = vscode.Uri.file(promptFile);
    await vscode.window.showTextDocument(uri);
    const config = mergeConfigOrThrow([
      { source: 'test', values: { promptFile, data: { source: path.join(dir, 'apples.jsonl'), trainSize: 9, valSize: 5, testSize: 5 }, batchSize: 3, preset: 'best', seed: 7 } },
    ]);
    const runsDir = path.join(dir, 'runs-reload');
    const ac = new AbortController();
    let session: TrackedRunSession | undefined;
    let reviewer: EditorReviewer | undefined;
    let waitedStep = -1;
    let waitedAfter = '';
    const sub = center.onDidChangeReview((e) => {
      if (e.kind !== 'pending' || waitedStep >= 0) return;
      waitedStep = e.step!;
      waitedAfter = center.pending(e.runId)!.candidate.after;
      ac.abort(); // the window goes away while the candidate waits
    });
    let first;
    try {
      first = await startRun({
        config,
        runsDir,
        signal: ac.signal,
        onEvent: (e) => {
          if (e.type === 'run-start' && !session) {
            session = new TrackedRunSession(e.runId, path.join(runsDir, e.runId), uri, 'running');
            reviewer = new EditorReviewer(center, session, 'manual');
          }
          session?.push(e);
        },
        reviewer: { review: (c, signal) => reviewer!.review(c, signal) },
      });
    } finally {
      sub.dispose();
      reviewer?.dispose();
    }
    assert.equal(first.done.stoppedBy, 'cancelled');
    assert.ok(waitedStep >= 1);
    assert.equal(fs.readFileSync(promptFile, 'utf8'), original, 'nothing was written while the candidate waited');
    assert.equal(canResume(first.runDir), true, 'the waiting candidate was checkpointed: Resume can work');

    // Resume (what the Resume button does after the reload): the same candidate waits again.
    let resumedSession: TrackedRunSession | undefined;
    let resumedReviewer: EditorReviewer | undefined;
    const asked: number[] = [];
    const sub2 = center.onDidChangeReview((e) => {
      if (e.kind !== 'pending') return;
      asked.push(e.step!);
      const p = center.pending(e.runId)!;
      if (asked.length === 1) assert.equal(p.candidate.after, waitedAfter, 'the resumed run shows the candidate that was waiting');
      void vscode.commands.executeCommand('dlpoReviewRunTest.rejectCandidate', { runId: e.runId });
    });
    try {
      const resumed = await startRun({
        config,
        runsDir,
        resumeDir: first.runDir,
        onEvent: (e) => {
          if (e.type === 'run-start' && !resumedSession) {
            resumedSession = new TrackedRunSession(e.runId, first.runDir, uri, 'running');
            resumedReviewer = new EditorReviewer(center, resumedSession, 'manual');
          }
          resumedSession?.push(e);
        },
        reviewer: { review: (c, signal) => resumedReviewer!.review(c, signal) },
      });
      assert.equal(resumed.done.stoppedBy, 'completed');
    } finally {
      sub2.dispose();
      resumedReviewer?.dispose();
    }
    assert.equal(asked[0], waitedStep, 'the first review after the resume is the step that was waiting');
    assert.equal(canResume(first.runDir), false, 'a finished run offers no Resume');
    // A run folder without a checkpoint (stopped before anything was saved): no Resume.
    const bare = path.join(dir, 'runs-reload', 'bare');
    fs.mkdirSync(bare, { recursive: true });
    assert.equal(canResume(bare), false);
  });

  it('tsa mode writes exactly the candidates TSA accepted in the run’s journal, and the file ends at the run’s final prompt', async () => {
    const { result, events, editor, original, fileEdits } = await realRun('tsa', 'tsa');
    assert.equal(result.done.stoppedBy, 'completed');
    const candidates = events.filter((e) => e.type === 'candidate');
    const tsa = new Map(events.flatMap((e) => (e.type === 'tsa-decision' ? [[e.step, e.accepted] as const] : [])));
    const reviews = events.filter((e) => e.type === 'review');
    assert.ok(candidates.length >= 2, `the run proposed ${candidates.length} candidates`);
    assert.equal(reviews.length, candidates.length);
    for (const r of reviews) {
      assert.equal(r.type === 'review' && r.by, 'tsa');
      assert.equal(r.type === 'review' && r.accepted, tsa.get(r.step), `step ${r.step}: the decision is TSA's`);
    }
    const applied = candidates.filter((c) => c.type === 'candidate' && tsa.get(c.step) && c.after !== c.before);
    assert.equal(fileEdits, applied.length, 'one edit per accepted candidate');
    const frontMatter = original.slice(0, original.indexOf('You are'));
    assert.equal(editor.document.getText(), `${frontMatter}${result.done.finalPrompt}\n`);
  });

  it('manual mode waits for each decision and the journal records exactly what the user chose', async () => {
    const choices: boolean[] = [];
    const { result, events, editor, original } = await realRun('manual', 'manual', async (runId, _step, nth) => {
      const accept = nth % 2 === 0;
      choices.push(accept);
      await vscode.commands.executeCommand(`dlpoReviewRunTest.${accept ? 'acceptCandidate' : 'rejectCandidate'}`, { runId });
    });
    assert.equal(result.done.stoppedBy, 'completed');
    const reviews = events.filter((e) => e.type === 'review');
    assert.ok(reviews.length >= 2);
    assert.deepEqual(
      reviews.map((r) => r.type === 'review' && [r.by, r.accepted]),
      choices.map((c) => ['user', c]),
    );
    const frontMatter = original.slice(0, original.indexOf('You are'));
    assert.equal(editor.document.getText(), `${frontMatter}${result.done.finalPrompt}\n`);
  });
});
