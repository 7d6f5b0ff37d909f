import * as assert from 'node:assert/strict';
import type { RunEvent } from '../../../src/core/run/events';
import { PanelBridge, type BridgeSession } from '../../../src/extension/panel/panelBridge';
import { parseHostToWebview, type HostToWebview, type PanelRunStatus } from '../../../src/shared/protocol';
import { syntheticRunEvents } from '../shared/syntheticRun';

class FakeSession implements BridgeSession {
  readonly runId = 'run-1';
  readonly runDir = '/w/.dlpo/runs/run-1';
  readonly documentUri = { path: '/w/prompts/math.prompt.md' };
  status: PanelRunStatus = 'running';
  readonly events: RunEvent[] = [];
  private eventListeners: ((e: RunEvent) => void)[] = [];
  private statusListeners: ((s: PanelRunStatus) => void)[] = [];
  onEvent(l: (e: RunEvent) => void) {
    this.eventListeners.push(l);
    return { dispose: () => (this.eventListeners = this.eventListeners.filter((x) => x !== l)) };
  }
  onStatus(l: (s: PanelRunStatus) => void) {
    this.statusListeners.push(l);
    return { dispose: () => (this.statusListeners = this.statusListeners.filter((x) => x !== l)) };
  }
  push(e: RunEvent) {
    this.events.push(e);
    for (const l of this.eventListeners) l(e);
  }
  setStatus(s: PanelRunStatus) {
    this.status = s;
    for (const l of this.statusListeners) l(s);
  }
}

describe('panel bridge (host side of the protocol)', () => {
  let session: FakeSession;
  let posted: HostToWebview[];
  let executed: [string, Record<string, unknown>][];
  let warnings: string[];
  let bridge: PanelBridge;
  let failNext: Error | null;
  let answer: unknown;

  beforeEach(() => {
    session = new FakeSession();
    posted = [];
    executed = [];
    warnings = [];
    failNext = null;
    answer = undefined;
    bridge = new PanelBridge(
      session,
      {
        post: (m) => {
          // Everything the host sends must pass the webview's own check.
          assert.ok(parseHostToWebview(structuredClone(m)).ok, `valid ${m.type}`);
          posted.push(m);
        },
        executeCommand: async (id, arg) => {
          executed.push([id, arg]);
          if (failNext) throw failNext;
          return answer;
        },
        warn: (m) => warnings.push(m),
        info: () => undefined,
      },
      { flushMs: 5, maxBatch: 50 },
    );
  });
  afterEach(() => bridge.dispose());

  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('answers getSnapshot with every event so far and the run meta', async () => {
    for (const e of syntheticRunEvents({ steps: 1 })) session.push(e);
    await bridge.receive({ type: 'request', id: 4, method: 'getSnapshot', params: {} });
    const reply = posted[0] as Extract<HostToWebview, { type: 'reply' }> & { result: { meta: { fileName: string }; nextSeq: number; events: unknown[] } };
    assert.equal(reply.id, 4);
    assert.equal(reply.result.meta.fileName, 'math.prompt.md');
    assert.equal(reply.result.nextSeq, session.events.length);
    assert.equal(reply.result.events.length, session.events.length);
  });

  it('forwards new events in numbered batches, not one message per event', async () => {
    await bridge.receive({ type: 'request', id: 1, method: 'getSnapshot', params: {} });
    const events = syntheticRunEvents({ steps: 8 });
    for (const e of events) session.push(e);
    assert.equal(posted.length, 1, 'nothing sent synchronously per event');
    await wait(30);
    const batches = posted.slice(1) as Extract<HostToWebview, { type: 'events' }>[];
    assert.equal(batches.length, Math.ceil(events.length / 50));
    let seq = 0;
    for (const b of batches) {
      assert.equal(b.fromSeq, seq);
      seq += b.events.length;
    }
    assert.equal(seq, events.length);
  });

  it('sends nothing before the webview asked for its snapshot, and starts over after it was hidden', async () => {
    session.push(syntheticRunEvents({ steps: 1 })[0]);
    await wait(20);
    assert.equal(posted.length, 0);
    await bridge.receive({ type: 'request', id: 1, method: 'getSnapshot', params: {} });
    bridge.forgetWebview();
    session.push(syntheticRunEvents({ steps: 1 })[1]);
    await wait(20);
    assert.equal(posted.length, 1, 'only the snapshot reply');
  });

  it('pushes pending events before a status change', async () => {
    await bridge.receive({ type: 'request', id: 1, method: 'getSnapshot', params: {} });
    const events = syntheticRunEvents({ steps: 1 });
    for (const e of events) session.push(e);
    session.setStatus('done');
    assert.deepEqual(posted.slice(1).map((m) => m.type), ['events', 'status']);
  });

  it('routes panel buttons to dlpo.* commands with { runId } and replies', async () => {
    await bridge.receive({ type: 'request', id: 1, method: 'command', params: { command: 'stop' } });
    await bridge.receive({ type: 'request', id: 2, method: 'command', params: { command: 'accept', step: 3 } });
    await bridge.receive({ type: 'request', id: 3, method: 'command', params: { command: 'setReviewMode', mode: 'manual' } });
    await bridge.receive({ type: 'request', id: 4, method: 'command', params: { command: 'exportReport' } });
    assert.deepEqual(executed, [
      ['dlpo.stopRun', { runId: 'run-1' }],
      ['dlpo.acceptCandidate', { runId: 'run-1', step: 3 }],
      ['dlpo.setReviewMode', { runId: 'run-1', mode: 'manual' }],
      ['dlpo.exportReport', { runId: 'run-1' }],
    ]);
    assert.deepEqual(posted.map((m) => m.type === 'reply' && 'result' in m && m.id), [1, 2, 3, 4]);
    assert.equal(bridge.reviewMode, 'manual');
    failNext = new Error('No candidate is waiting.');
    await bridge.receive({ type: 'request', id: 5, method: 'command', params: { command: 'reject', step: 3 } });
    assert.deepEqual(posted.at(-1), { type: 'reply', id: 5, error: { message: 'No candidate is waiting.' } });
    failNext = null;
    answer = false;
    await bridge.receive({ type: 'request', id: 6, method: 'command', params: { command: 'setReviewMode', mode: 'auto' } });
    assert.equal(bridge.reviewMode, 'manual', 'a mode the run did not take is not shown');
    assert.match(JSON.stringify(posted.at(-1)), /"error":\{"message":"The review mode did not change/);
  });

  it('logs and drops malformed messages without running anything', async () => {
    await bridge.receive({ type: 'request', id: 1, method: 'command', params: { command: 'workbench.action.terminal.new' } });
    await bridge.receive('<script>');
    await bridge.receive({ type: 'request', id: 1, method: 'eval', params: {} });
    assert.equal(executed.length, 0);
    assert.equal(posted.length, 0);
    assert.equal(warnings.length, 3);
    assert.match(warnings[0], /ignored a malformed message/);
  });
});
