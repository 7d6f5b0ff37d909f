import * as assert from 'node:assert/strict';
import type { RunEvent } from '../../../src/core/run/events';
import { runViewOf } from '../../../src/shared/runView';
import { RunPanelApp } from '../../../src/webview/app';
import { syntheticRunEvents } from '../shared/syntheticRun';
import { FakeVsCodeApi, installDom, type DomEnv } from './domEnv';

type Posted = { type: string; id?: number; method?: string; params?: Record<string, unknown>; message?: string };

describe('webview: run panel app', () => {
  let env: DomEnv;
  let api: FakeVsCodeApi;
  let app: RunPanelApp;
  let root: HTMLElement;
  const meta = { runId: 'run-7', runDir: '/w/.dlpo/runs/run-7', fileName: 'math.prompt.md', status: 'running' as const, reviewMode: 'manual' as const };

  beforeEach(() => {
    env = installDom();
    root = env.document.createElement('div');
    env.document.body.appendChild(root);
    api = new FakeVsCodeApi();
  });
  afterEach(() => {
    app?.dispose();
    env.restore();
  });

  const tick = () => new Promise((r) => setTimeout(r, 0));
  const posted = () => api.posted as Posted[];
  const requests = (method: string) => posted().filter((m) => m.type === 'request' && m.method === method);
  const q = (sel: string) => root.querySelector<HTMLElement>(sel);
  const qa = (sel: string) => [...root.querySelectorAll<HTMLElement>(sel)];

  async function boot(events: RunEvent[], cut: number, status: 'running' | 'waiting-review' | 'done' | 'stopped' = 'running'): Promise<void> {
    app = new RunPanelApp(root, api, { charts: false, schedule: (fn) => fn(), now: () => Date.parse('2026-11-23T10:10:00Z') });
    app.start();
    assert.deepEqual(posted()[0], { type: 'ready' });
    const [req] = requests('getSnapshot');
    app.receive({ type: 'reply', id: req.id, result: { meta: { ...meta, status }, events: events.slice(0, cut), nextSeq: cut } });
    await tick();
  }

  it('asks for a snapshot on load, then folds live batches into the same view as a replay', async () => {
    const events = syntheticRunEvents({ steps: 6, eventsPerStep: 30 });
    await boot(events, 17);
    // Batches as the host sends them, with a repeat and an overlap thrown in (a reload race).
    let seq = 17;
    while (seq < events.length) {
      const n = 1 + (seq % 11);
      app.receive({ type: 'events', fromSeq: seq, events: events.slice(seq, seq + n) });
      if (seq % 3 === 0) app.receive({ type: 'events', fromSeq: Math.max(0, seq - 2), events: events.slice(Math.max(0, seq - 2), seq + n) });
      seq += n;
    }
    assert.deepEqual(app.currentView, runViewOf(events));
    assert.equal(qa('[data-testid="step-card"]').length, 6);
  });

  it('asks for a new snapshot when a batch is missing, and does not apply the batch after the gap', async () => {
    const events = syntheticRunEvents({ steps: 2 });
    await boot(events, 10);
    app.receive({ type: 'events', fromSeq: 12, events: events.slice(12, 14) });
    assert.equal(requests('getSnapshot').length, 2);
    assert.equal(app.currentView.eventCount, 10);
  });

  it('rejects a malformed message: logged to the host, nothing rendered', async () => {
    const events = syntheticRunEvents({ steps: 1 });
    await boot(events, events.length);
    const before = root.innerHTML;
    app.receive({ type: 'events', fromSeq: events.length, events: [{ type: 'step-start', step: 'two', batch: ['<b>x</b>'] }] });
    app.receive({ type: 'html', html: '<img src=x onerror=alert(1)>' });
    assert.equal(root.innerHTML, before);
    const logs = posted().filter((m) => m.type === 'log');
    assert.equal(logs.length, 2);
    assert.match(logs[0].message!, /malformed message/);
    assert.ok(!logs[1].message!.includes('<img'), 'the log line does not echo the payload');
    assert.equal(app.messenger.rejectedCount, 2);
  });

  it('shows the header: file, chips, models, seed, budget with remaining, simulator badge', async () => {
    const events = syntheticRunEvents({ steps: 3, simulator: true, unfinished: true });
    await boot(events, events.length);
    assert.equal(q('[data-testid="file-name"]')!.textContent, 'math.prompt.md');
    assert.equal(q('[data-testid="run-id"]')!.textContent, 'run run-7');
    assert.deepEqual(qa('[data-testid="technique-chip"]').map((c) => c.textContent), ['TLRD', 'TSA', 'TCL', 'TREGU']);
    assert.equal(q('[data-testid="preset-chip"]')!.textContent, 'best');
    const facts = q('[data-testid="run-facts"]')!.textContent!;
    assert.match(facts, /gpt-4o-mini/);
    assert.match(facts, /Seed7/);
    assert.match(facts, /Step3 of 3/);
    assert.equal(q('[data-testid="simulator-badge"]')!.hidden, false);
    assert.match(q('[data-testid="simulator-badge"]')!.textContent!, /Offline simulator — figures are not from a real model/);
    assert.match(q('[data-testid="budget-calls"]')!.textContent!, /calls of 36 calls/);
    assert.match(q('[data-testid="budget-calls"] .bar-remaining')!.textContent!, /calls left/);
    assert.match(q('[data-testid="budget-time"]')!.textContent!, /10 min 00 s of 1 h 00 min/);
    assert.equal(q('[data-testid="budget-tokens"] .bar-remaining')!.textContent, 'no cap');
    assert.equal((q('[data-testid="btn-stop"]') as HTMLButtonElement).disabled, false);
    assert.equal((q('[data-testid="btn-open-final"]') as HTMLButtonElement).disabled, true);
    assert.equal(q('[data-testid="review-mode-manual"]')!.getAttribute('aria-checked'), 'true');
  });

  it('opens the newest step only; a card shows results, gradient, chips, diff, TSA line and decision', async () => {
    const events = syntheticRunEvents({ steps: 3 });
    await boot(events, events.length, 'done');
    const cards = qa('[data-testid="step-card"]');
    assert.deepEqual(cards.map((c) => c.dataset.step), ['3', '2', '1'], 'newest first');
    assert.deepEqual(cards.map((c) => c.classList.contains('open')), [true, false, false]);
    const card = cards[0];
    assert.equal(card.querySelectorAll('[data-testid="forward-result"]').length, 3);
    assert.match(card.querySelector('[data-testid="gradient-text"]')!.textContent!, /insist on checking arithmetic/);
    assert.deepEqual([...card.querySelectorAll('[data-testid="step-technique-chip"]')].map((c) => c.textContent), ['TLR cut 4 edits to 2', 'TCL best 0.72 vs worst 0.41']);
    assert.equal(card.querySelectorAll('[data-testid="edit-add"]').length, 1);
    assert.equal(card.querySelectorAll('[data-testid="edit-modify"]').length, 1);
    assert.match(card.querySelector('[data-testid="reverted-edits"]')!.textContent!, /reverted by TLR/);
    assert.match(card.querySelector('[data-testid="tsa-line"]')!.textContent!, /^Δ [−+±]\d\.\d\d · T [\d.]+ · p [\d.]+( · draw \d\.\d\d)? → (accepted|rejected)$/);
    assert.match(card.querySelector('[data-testid="decision-line"]')!.textContent!, /^(Accepted|Rejected) by TSA$/);
    assert.equal(cards[1].querySelector('[data-testid="step-body"]'), null, 'closed cards draw no body');
    assert.equal((q('[data-testid="btn-stop"]') as HTMLButtonElement).disabled, true);
    assert.equal((q('[data-testid="btn-open-final"]') as HTMLButtonElement).disabled, false);
  });

  it('gives start → best → final on val and test, offers Apply best only when the file does not end with the best, and labels decisions as they happened', async () => {
    const events = syntheticRunEvents({ steps: 4 });
    // Step 1: the user edited before accepting; step 2: the user rejected; steps 3–4: TSA decided.
    const reviews = events.filter((e): e is RunEvent & { type: 'review' } => e.type === 'review');
    reviews[0].by = 'user';
    reviews[0].accepted = true;
    reviews[0].prompt = 'You are a careful math tutor. My own wording.';
    reviews[1].by = 'user';
    reviews[1].accepted = false;
    const done = events[events.length - 1] as RunEvent & { type: 'done' };
    done.bestStep = 2;
    done.bestPrompt = 'The best prompt.';
    done.finalPrompt = 'The final prompt.';
    done.scores = { start: { val: 0.5, test: 0.643 }, best: { val: 0.92, test: 0.571 }, final: { val: 0.88, test: 0.55 } };
    await boot(events, events.length, 'done');
    const cell = (id: string) => q(`[data-testid="score-${id}"]`)!.textContent;
    assert.deepEqual(['val-start', 'val-best', 'val-last', 'test-start', 'test-best', 'test-last'].map(cell), ['50%', '92%', '88%', '64.3%', '57.1%', '55%']);
    assert.equal(q('[data-testid="score-head-best"]')!.textContent, 'best (step 2)');
    assert.equal(q('[data-testid="score-head-last"]')!.textContent, 'final');
    assert.equal(q('[data-testid="btn-apply-best"]')!.hidden, false);
    assert.match(q('[data-testid="run-notice"]')!.textContent!, /after 4 steps\. .*The file has the final prompt; Apply best puts step 2's prompt in it/);
    assert.match(q('[data-testid="run-facts"]')!.textContent!, /Step4 of 4 done/);
    (q('[data-testid="btn-apply-best"]') as HTMLButtonElement).click();
    assert.deepEqual(requests('command').at(-1)!.params, { command: 'applyBest' });

    const badge = (step: number) => q(`[data-step="${step}"] [data-testid="badge-decision"]`)!.textContent;
    assert.equal(badge(1), '● edited and accepted');
    assert.equal(badge(2), '○ rejected');
    const tsaSteps = events.filter((e): e is RunEvent & { type: 'tsa-decision' } => e.type === 'tsa-decision');
    for (const step of [3, 4]) assert.equal(badge(step), tsaSteps[step - 1].accepted ? '● TSA accepted' : '○ TSA rejected');

    // The TSA numbers come with what they mean, and whether they decided.
    (q('[data-step="1"] [data-testid="step-toggle"]') as HTMLElement).click();
    assert.match(q('[data-step="1"] [data-testid="tsa-why"]')!.textContent!, /on the training data \(\d+\.\d% against \d+\.\d% for the last accepted prompt\)/);
    assert.equal(q('[data-step="1"] [data-testid="tsa-role"]')!.textContent, 'Advice only: you decided this candidate.');
    assert.equal(q('[data-step="4"] [data-testid="tsa-role"]'), null, 'TSA decided step 4: no advice note');

    // Best and final the same prompt: nothing to apply, and the header says so.
    app.dispose();
    root.remove();
    root = env.document.createElement('div');
    env.document.body.appendChild(root);
    api = new FakeVsCodeApi();
    await boot(syntheticRunEvents({ steps: 2 }), 10_000, 'done');
    assert.equal(q('[data-testid="btn-apply-best"]')!.hidden, true);
    assert.equal(q('[data-testid="score-head-last"]')!.textContent, 'final (= best)');
  });

  it('remembers opened and closed cards in the webview state and restores them', async () => {
    const events = syntheticRunEvents({ steps: 3 });
    await boot(events, events.length, 'done');
    (q('[data-step="1"] [data-testid="step-toggle"]') as HTMLElement).click();
    (q('[data-step="3"] [data-testid="step-toggle"]') as HTMLElement).click();
    assert.deepEqual(api.state, { runId: 'run-7', runDir: meta.runDir, openSteps: [1], closedSteps: [3], scrollY: 0, headerOpen: false, chartsOpen: true, follow: true });
    app.dispose();
    // A reload: a new page with the same state.
    root.remove();
    root = env.document.createElement('div');
    env.document.body.appendChild(root);
    const saved = api.state;
    api = new FakeVsCodeApi();
    api.state = saved;
    await boot(events, events.length, 'done');
    assert.deepEqual(qa('[data-testid="step-card"]').map((c) => c.classList.contains('open')), [false, false, true]);
  });

  it('streams the gradient into the open card in place, drawing once per frame', async () => {
    const frames: (() => void)[] = [];
    app = new RunPanelApp(root, api, { charts: false, schedule: (fn) => frames.push(fn) });
    app.start();
    const events = syntheticRunEvents({ steps: 1, unfinished: true }).slice(0, 7);
    app.receive({ type: 'reply', id: requests('getSnapshot')[0].id, result: { meta, events, nextSeq: events.length } });
    await tick();
    frames.splice(0).forEach((f) => f());
    const drawn = app.frames;
    const block = () => q('[data-testid="gradient-text"]');
    for (let i = 0; i < 200; i++) {
      app.receive({ type: 'events', fromSeq: events.length + i, events: [{ type: 'gradient-delta', step: 1, part: 'critique', text: `t${i} ` }] });
    }
    assert.equal(frames.length, 1, '200 tokens queue one frame');
    frames.splice(0).forEach((f) => f());
    assert.equal(app.frames, drawn + 1);
    const node = block();
    assert.match(node!.textContent!, /^t0 t1 .* t199 $/);
    app.receive({ type: 'events', fromSeq: events.length + 200, events: [{ type: 'gradient-delta', step: 1, part: 'critique', text: 'more' }] });
    frames.splice(0).forEach((f) => f());
    assert.equal(block(), node, 'the same element is updated, not rebuilt');
    assert.match(q('[data-testid="badge-streaming"]')!.textContent!, /writing/);
    // Past the preview length, a live stream shows its newest tokens, not its start.
    app.receive({ type: 'events', fromSeq: events.length + 201, events: [{ type: 'gradient-delta', step: 1, part: 'critique', text: `${'y'.repeat(12_000)} NEWEST` }] });
    frames.splice(0).forEach((f) => f());
    const shown = block()!.querySelector('.text-body')!.textContent!;
    assert.ok(shown.startsWith('…') && shown.endsWith(' NEWEST'), 'tail preview');
    assert.match(block()!.textContent!, /Show all \([\d,]+ more characters\)/);
  });

  it('shows accept/reject for a candidate waiting for review and sends the commands with the step', async () => {
    const events = syntheticRunEvents({ steps: 2, unfinished: true }).filter((e) => !(('step' in e) && e.step === 2 && ['tsa-decision', 'review', 'eval', 'prompt-length', 'checkpoint'].includes(e.type)));
    events.push({ type: 'waiting', reason: 'review', seconds: 0, message: 'Review the candidate in the editor' });
    await boot(events, events.length, 'waiting-review');
    assert.match(q('[data-testid="run-notice"]')!.textContent!, /waiting for your review/i);
    (q('[data-testid="btn-accept"]') as HTMLElement).click();
    (q('[data-testid="btn-reject"]') as HTMLElement).click();
    (q('[data-testid="btn-let-tsa-decide"]') as HTMLElement).click();
    (q('[data-testid="btn-stop"]') as HTMLElement).click();
    (q('[data-testid="review-mode-auto"]') as HTMLElement).click();
    assert.deepEqual(
      requests('command').map((m) => m.params),
      [{ command: 'accept', step: 2 }, { command: 'reject', step: 2 }, { command: 'letTsaDecide', step: 2 }, { command: 'stop' }, { command: 'setReviewMode', mode: 'auto' }],
    );
    // A failed command is shown in the header, as text.
    const last = requests('command').at(-1)!;
    app.receive({ type: 'reply', id: last.id, error: { message: 'No <b>run</b> is waiting.' } });
    await tick();
    assert.equal(q('[data-testid="run-notice"]')!.textContent, 'No <b>run</b> is waiting.');
    assert.equal(root.querySelectorAll('b').length, 0);
  });

  it('keeps the DOM bounded: the newest 100 steps get cards, older ones come on request', async () => {
    const events = syntheticRunEvents({ steps: 250 });
    await boot(events, events.length, 'done');
    const cards = () => qa('[data-testid="step-card"]');
    assert.equal(cards().length, 100);
    assert.equal(cards()[0].dataset.step, '250');
    assert.equal(cards()[99].dataset.step, '151');
    const more = q('[data-testid="show-earlier-steps"]')!;
    assert.equal(more.textContent, 'Show 100 earlier steps (150 not shown)');
    const elements = root.getElementsByTagName('*').length;
    assert.ok(elements < 2000, `bounded DOM (${elements} elements)`);
    more.click();
    more.click();
    assert.equal(cards().length, 250);
    assert.equal(cards()[249].dataset.step, '1');
    assert.equal(more.hidden, true);
  });

  it('shows the review buttons when the session status says a candidate waits (no event for it)', async () => {
    const events = syntheticRunEvents({ steps: 2, unfinished: true }).filter((e) => !(('step' in e) && e.step === 2 && ['tsa-decision', 'review', 'eval', 'prompt-length', 'checkpoint'].includes(e.type)));
    await boot(events, events.length);
    assert.equal(q('[data-testid="btn-accept"]'), null);
    app.receive({ type: 'status', status: 'waiting-review' });
    assert.ok(q('[data-step="2"] [data-testid="btn-accept"]'));
    assert.ok(q('[data-step="2"] [data-testid="badge-review"]'));
    assert.match(q('[data-testid="run-notice"]')!.textContent!, /waiting for your review/);
    app.receive({ type: 'status', status: 'running' });
    assert.equal(q('[data-testid="btn-accept"]'), null);
  });

  it('applies a status push to the header', async () => {
    const events = syntheticRunEvents({ steps: 1, unfinished: true });
    await boot(events, events.length);
    app.receive({ type: 'status', status: 'stopped' });
    assert.equal(q('[data-testid="run-status"]')!.textContent, 'Stopped');
    assert.equal((q('[data-testid="btn-resume"]') as HTMLButtonElement).disabled, false);
    assert.equal((q('[data-testid="btn-stop"]') as HTMLButtonElement).disabled, true);
  });

  it('is laid out for watching: a one-line header, the live step above collapsible charts, follow remembered', async () => {
    const events = syntheticRunEvents({ steps: 3, unfinished: true });
    await boot(events, events.length);
    const panel = root;
    const order = [...panel.children].map((c) => c.getAttribute('data-testid') ?? c.className);
    assert.deepEqual(order, ['run-header', 'steps', 'charts-box'], 'steps come before the charts');
    const details = q('[data-testid="header-details"]') as HTMLDetailsElement;
    assert.equal(details.open, false, 'the header is folded to one line by default');
    assert.match(q('[data-testid="header-compact"]')!.textContent!, /^Step 3 of 3 · val \d+(\.\d)?% .*· \d+ of 36 calls · \$0\.\d+ of \$5\.00$/);
    const charts = q('[data-testid="charts-box"]') as HTMLDetailsElement;
    assert.equal(charts.open, true);
    charts.open = false;
    charts.dispatchEvent(new env.window.Event('toggle') as unknown as Event);
    const follow = q('[data-testid="follow-live"]') as HTMLInputElement;
    assert.equal(follow.checked, true);
    follow.checked = false;
    follow.dispatchEvent(new env.window.Event('change') as unknown as Event);
    assert.equal((api.state as { chartsOpen: boolean }).chartsOpen, false);
    assert.equal((api.state as { follow: boolean }).follow, false);
    // A reload keeps both choices.
    app.dispose();
    root.remove();
    root = env.document.createElement('div');
    env.document.body.appendChild(root);
    const saved = api.state;
    api = new FakeVsCodeApi();
    api.state = saved;
    await boot(events, events.length);
    assert.equal((q('[data-testid="charts-box"]') as HTMLDetailsElement).open, false);
    assert.equal((q('[data-testid="follow-live"]') as HTMLInputElement).checked, false);
  });

  it('offers Resume only when the host says a checkpoint can be resumed', async () => {
    const events = syntheticRunEvents({ steps: 1, unfinished: true });
    await boot(events, events.length);
    app.receive({ type: 'status', status: 'interrupted', resumable: false });
    const resume = q('[data-testid="btn-resume"]') as HTMLButtonElement;
    assert.equal(resume.hidden, true, 'no Resume that would only say there is nothing to resume');
    assert.match(q('[data-testid="run-notice"]')!.textContent!, /nothing to resume/);
    app.receive({ type: 'status', status: 'interrupted', resumable: true });
    assert.equal(resume.hidden, false);
    assert.equal(resume.disabled, false);
  });
});
