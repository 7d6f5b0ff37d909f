import * as assert from 'node:assert/strict';
import {
  HostToWebviewSchema,
  PanelStateSchema,
  WebviewToHostSchema,
  parseHostToWebview,
  parseResult,
  parseWebviewToHost,
  type HostToWebview,
  type WebviewToHost,
} from '../../../src/shared/protocol';
import { syntheticRunEvents } from './syntheticRun';

const events = syntheticRunEvents({ steps: 2 });
const meta = { runId: 'r1', runDir: '/w/.dlpo/runs/r1', fileName: 'math.prompt.md', status: 'running' as const, reviewMode: 'tsa' as const };

/** One message of every kind, both directions (a new kind must be added here). */
const HOST_TO_WEBVIEW: HostToWebview[] = [
  { type: 'snapshot', snapshot: { meta, events, nextSeq: events.length } },
  { type: 'events', fromSeq: 3, events: events.slice(3, 9) },
  { type: 'status', status: 'waiting-review', reviewMode: 'manual' },
  { type: 'status', status: 'done' },
  { type: 'reply', id: 1, result: { ok: true } },
  { type: 'reply', id: 2, result: { meta, events: [], nextSeq: 0 } },
  { type: 'reply', id: 3, error: { message: 'The run is not running.' } },
];

const WEBVIEW_TO_HOST: WebviewToHost[] = [
  { type: 'ready' },
  { type: 'log', level: 'warn', message: 'Ignored a malformed message' },
  { type: 'request', id: 1, method: 'getSnapshot', params: {} },
  ...(['stop', 'resume', 'openBest', 'openFinal', 'exportReport'] as const).map((command, i) => ({ type: 'request' as const, id: 10 + i, method: 'command' as const, params: { command } })),
  ...(['accept', 'reject', 'letTsaDecide'] as const).map((command, i) => ({ type: 'request' as const, id: 20 + i, method: 'command' as const, params: { command, step: 4 } })),
  ...(['manual', 'tsa', 'auto'] as const).map((mode, i) => ({ type: 'request' as const, id: 30 + i, method: 'command' as const, params: { command: 'setReviewMode' as const, mode } })),
];

/** Structured clone is what postMessage does to a message on its way. */
const overTheWire = <T>(m: T): unknown => structuredClone(m);

describe('panel protocol', () => {
  it('round-trips every host → webview message through its schema', () => {
    const kinds = new Set<string>();
    for (const m of HOST_TO_WEBVIEW) {
      const parsed = parseHostToWebview(overTheWire(m));
      assert.ok(parsed.ok, `${m.type} should parse`);
      assert.deepEqual(parsed.message, HostToWebviewSchema.parse(m));
      assert.deepEqual(HostToWebviewSchema.parse(parsed.message), parsed.message, 'parse is idempotent');
      kinds.add(m.type);
    }
    assert.deepEqual([...kinds].sort(), ['events', 'reply', 'snapshot', 'status']);
  });

  it('round-trips every webview → host message, covering every panel command', () => {
    const commands = new Set<string>();
    for (const m of WEBVIEW_TO_HOST) {
      const parsed = parseWebviewToHost(overTheWire(m));
      assert.ok(parsed.ok, `${JSON.stringify(m)} should parse`);
      assert.deepEqual(parsed.message, m);
      if (m.type === 'request' && m.method === 'command') commands.add(m.params.command);
    }
    assert.deepEqual([...commands].sort(), ['accept', 'exportReport', 'letTsaDecide', 'openBest', 'openFinal', 'reject', 'resume', 'setReviewMode', 'stop']);
  });

  const MALFORMED_FOR_WEBVIEW: [string, unknown][] = [
    ['not an object', 'hello'],
    ['null', null],
    ['an unknown type', { type: 'innerHTML', html: '<script>alert(1)</script>' }],
    ['events without events', { type: 'events', fromSeq: 0, events: [] }],
    ['an event of an unknown kind', { type: 'events', fromSeq: 0, events: [{ type: 'exec', code: 'x' }] }],
    ['an event with a wrong field type', { type: 'events', fromSeq: 0, events: [{ type: 'loss', step: 'one', batchScore: 1, failures: 0, n: 1 }] }],
    ['a negative sequence number', { type: 'events', fromSeq: -1, events: events.slice(0, 1) }],
    ['a snapshot without meta', { type: 'snapshot', snapshot: { events: [], nextSeq: 0 } }],
    ['an unknown status', { type: 'status', status: 'hacked' }],
    ['a reply with neither result nor error', { type: 'reply', id: 1 }],
  ];
  for (const [what, m] of MALFORMED_FOR_WEBVIEW) {
    it(`rejects ${what} sent to the webview`, () => {
      const parsed = parseHostToWebview(m);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.ok(parsed.error.length > 0);
    });
  }

  const MALFORMED_FOR_HOST: [string, unknown][] = [
    ['an unknown method', { type: 'request', id: 1, method: 'runShell', params: { cmd: 'rm -rf /' } }],
    ['an unknown command', { type: 'request', id: 1, method: 'command', params: { command: 'deleteRun' } }],
    ['accept without a step', { type: 'request', id: 1, method: 'command', params: { command: 'accept' } }],
    ['a bad review mode', { type: 'request', id: 1, method: 'command', params: { command: 'setReviewMode', mode: 'yolo' } }],
    ['getSnapshot with extra params', { type: 'request', id: 1, method: 'getSnapshot', params: { path: '/etc/passwd' } }],
    ['a string id', { type: 'request', id: '1', method: 'getSnapshot', params: {} }],
    ['a huge log line', { type: 'log', level: 'warn', message: 'x'.repeat(5000) }],
  ];
  for (const [what, m] of MALFORMED_FOR_HOST) {
    it(`rejects ${what} sent to the host`, () => {
      assert.equal(parseWebviewToHost(m).ok, false);
      assert.equal(WebviewToHostSchema.safeParse(m).success, false);
    });
  }

  it('checks a reply result against its method', () => {
    assert.ok(parseResult('command', { ok: true }).ok);
    assert.equal(parseResult('command', { ok: false }).ok, false);
    assert.equal(parseResult('getSnapshot', { ok: true }).ok, false);
    assert.ok(parseResult('getSnapshot', { meta, events, nextSeq: events.length }).ok);
  });

  it('validates the persisted webview state with defaults', () => {
    assert.deepEqual(PanelStateSchema.parse({ runId: 'r', runDir: '/d' }), { runId: 'r', runDir: '/d', openSteps: [], closedSteps: [], scrollY: 0, headerOpen: false, chartsOpen: true, follow: true });
    assert.equal(PanelStateSchema.safeParse({ runDir: '/d' }).success, false);
  });
});
