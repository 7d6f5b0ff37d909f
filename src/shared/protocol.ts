import { z } from 'zod';
import { RunEventSchema } from '../core/run/events';

/**
 * The one protocol between the run panel's host (extension) and its webview. Every
 * message is validated with these schemas on receipt, on both sides: a webview is a
 * browser page fed by model output, and the host must not trust it either.
 *
 * Shape:
 * - webview → host calls use a request/reply envelope: `{ type: 'request', id, method,
 *   params }` answered by `{ type: 'reply', id, result }` or `{ type: 'reply', id, error }`.
 * - the host pushes `snapshot` (every event so far plus run meta), `events` (a batch of
 *   new events, numbered so that gaps are detected) and `status`.
 * - the webview says `ready` once its script runs; the host answers with a snapshot.
 */

export const RunStatusSchema = z.enum(['running', 'waiting-review', 'done', 'stopped', 'failed', 'interrupted']);
export type PanelRunStatus = z.infer<typeof RunStatusSchema>;

export const ReviewModeSchema = z.enum(['manual', 'tsa', 'auto']);
export type PanelReviewMode = z.infer<typeof ReviewModeSchema>;

/** What the host knows about a run beyond its events. */
export const RunMetaSchema = z.object({
  runId: z.string().min(1).max(200),
  /** Needed by the serializer to reopen a past run after a window reload. */
  runDir: z.string().max(4096),
  /** File name of the prompt (no folder), for the title. */
  fileName: z.string().max(1024),
  status: RunStatusSchema,
  /** Unknown until the host learns it (e.g. after `setReviewMode`). */
  reviewMode: ReviewModeSchema.optional(),
  /**
   * Whether Resume can work: the run folder has a checkpoint that is not finished. The
   * panel offers Resume only then (a run that never reached a checkpoint cannot resume).
   */
  resumable: z.boolean().optional(),
});
export type RunMeta = z.infer<typeof RunMetaSchema>;

const Seq = z.number().int().min(0);

export const SnapshotSchema = z.object({
  meta: RunMetaSchema,
  events: z.array(RunEventSchema),
  /** Number of events the snapshot holds = sequence number of the next event. */
  nextSeq: Seq,
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

/** The panel's buttons. Each maps to one `dlpo.*` command called with `{ runId }`. */
export const PanelCommandSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('stop') }),
  z.object({ command: z.literal('resume') }),
  z.object({ command: z.literal('openBest') }),
  z.object({ command: z.literal('applyBest') }),
  z.object({ command: z.literal('openFinal') }),
  z.object({ command: z.literal('exportReport') }),
  z.object({ command: z.literal('accept'), step: Seq }),
  z.object({ command: z.literal('reject'), step: Seq }),
  z.object({ command: z.literal('letTsaDecide'), step: Seq }),
  z.object({ command: z.literal('setReviewMode'), mode: ReviewModeSchema }),
]);
export type PanelCommand = z.infer<typeof PanelCommandSchema>;
export type PanelCommandName = PanelCommand['command'];

/** The `dlpo.*` command each panel command runs (extension-api.md). */
export const COMMAND_IDS: Record<PanelCommandName, string> = {
  stop: 'dlpo.stopRun',
  resume: 'dlpo.resumeRun',
  openBest: 'dlpo.openBestPrompt',
  applyBest: 'dlpo.applyBestPrompt',
  openFinal: 'dlpo.openFinalPrompt',
  exportReport: 'dlpo.exportReport',
  accept: 'dlpo.acceptCandidate',
  reject: 'dlpo.rejectCandidate',
  letTsaDecide: 'dlpo.letTsaDecide',
  setReviewMode: 'dlpo.setReviewMode',
};

/**
 * Request methods as a type map `{ method: [params, result] }`, so the messenger's
 * `request(method, params)` is typed end to end.
 */
export const RequestSchemas = {
  getSnapshot: { params: z.object({}).strict(), result: SnapshotSchema },
  command: { params: PanelCommandSchema, result: z.object({ ok: z.literal(true) }) },
} as const;
export type RequestMethod = keyof typeof RequestSchemas;
export type RequestParams<M extends RequestMethod> = z.infer<(typeof RequestSchemas)[M]['params']>;
export type RequestResult<M extends RequestMethod> = z.infer<(typeof RequestSchemas)[M]['result']>;

const RequestId = z.number().int().min(0);

const RequestMessageSchema = z.discriminatedUnion('method', [
  z.object({ type: z.literal('request'), id: RequestId, method: z.literal('getSnapshot'), params: RequestSchemas.getSnapshot.params }),
  z.object({ type: z.literal('request'), id: RequestId, method: z.literal('command'), params: RequestSchemas.command.params }),
]);

export const WebviewToHostSchema = z.union([
  z.object({ type: z.literal('ready') }),
  RequestMessageSchema,
  /** A webview-side problem worth a line in the "DLPO" log (e.g. a rejected message). */
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string().max(2000) }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHostSchema>;
export type RequestMessage = z.infer<typeof RequestMessageSchema>;

export const ReplyErrorSchema = z.object({ message: z.string().max(4000) });

/**
 * A reply's `result` is checked against the method's result schema by the caller, who
 * knows the method; here it is only required to be present.
 */
export const ReplyMessageSchema = z.union([
  z.object({ type: z.literal('reply'), id: RequestId, result: z.unknown().refine((v) => v !== undefined, 'result is required') }),
  z.object({ type: z.literal('reply'), id: RequestId, error: ReplyErrorSchema }),
]);
export type ReplyMessage = z.infer<typeof ReplyMessageSchema>;

export const HostToWebviewSchema = z.union([
  z.object({ type: z.literal('snapshot'), snapshot: SnapshotSchema }),
  z.object({ type: z.literal('events'), fromSeq: Seq, events: z.array(RunEventSchema).min(1) }),
  z.object({ type: z.literal('status'), status: RunStatusSchema, reviewMode: ReviewModeSchema.optional(), resumable: z.boolean().optional() }),
  ReplyMessageSchema,
]);
export type HostToWebview = z.infer<typeof HostToWebviewSchema>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Validates a message the webview received. Never throws. */
export function parseHostToWebview(value: unknown): ParseResult<HostToWebview> {
  const r = HostToWebviewSchema.safeParse(value);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: describeIssues(r.error) };
}

/** Validates a message the host received. Never throws. */
export function parseWebviewToHost(value: unknown): ParseResult<WebviewToHost> {
  const r = WebviewToHostSchema.safeParse(value);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: describeIssues(r.error) };
}

/** Validates a reply's result against its method. Never throws. */
export function parseResult<M extends RequestMethod>(method: M, value: unknown): ParseResult<RequestResult<M>> {
  const r = RequestSchemas[method].result.safeParse(value);
  return r.success
    ? { ok: true, message: r.data as RequestResult<M> }
    : { ok: false, error: describeIssues(r.error) };
}

/** The webview's persisted state (`getState`/`setState`); the serializer reads it back. */
export const PanelStateSchema = z.object({
  runId: z.string().min(1).max(200),
  runDir: z.string().max(4096),
  /** Steps the user opened or closed by hand (the newest is open by default). */
  openSteps: z.array(z.number().int()).max(1000).default([]),
  closedSteps: z.array(z.number().int()).max(1000).default([]),
  scrollY: z.number().min(0).default(0),
  /** Layout choices, remembered per panel: header details, charts, following the live step. */
  headerOpen: z.boolean().default(false),
  chartsOpen: z.boolean().default(true),
  follow: z.boolean().default(true),
});
export type PanelState = z.infer<typeof PanelStateSchema>;

/** Short, log-safe description of an unknown message (never its full content). */
export function describeMessage(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' ? `type "${type.slice(0, 40)}"` : 'object without a type';
}
