/**
 * A loopback OpenAI-compatible HTTP server for tests: the real provider and the real
 * `openai` SDK talk to it over HTTP on 127.0.0.1, and the test asserts on what it
 * recorded.
 *
 *   const server = await startLoopbackServer({ script: [reply.error(429, { retryAfter: 1 }), reply.text('hi')] });
 *   // baseUrl: server.baseUrl (ends in /v1); Azure endpoint: server.origin
 *   ...
 *   server.requests[1].receivedAt - server.requests[0].receivedAt  // >= 1000
 *   await server.close();
 *
 * It speaks `POST …/chat/completions` (plain JSON and SSE streaming), `GET …/models`, and
 * Azure's `/openai/deployments/<deployment>/chat/completions?api-version=…`.
 *
 * Replies come from a `script`: either a queue of `Reply`s used in order (then the
 * `fallback`, default a 500 saying the script ran out) or a function of the request.
 * Each `Reply` may inject a fault: an HTTP error with Retry-After, a delay, a hang until
 * the client disconnects, malformed JSON, split SSE frames, `: ping` comments,
 * `finish_reason` content_filter / length, missing usage, `reasoning_content`, and a
 * token rate. Every request is recorded (headers without the key's value, but whether
 * a key was present and its sha256), with in-flight counts and client disconnects.
 *
 * `answerFromGold()` builds a script that answers forward questions from a dataset's
 * gold answers, wrong for a deterministic fraction keyed on the system prompt, so a
 * trainer run against this server has real dynamics.
 *
 * Every timer is bounded and cleared on close; traffic is 127.0.0.1 only.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------- replies

export interface UsageReply {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface StreamShape {
  /** Split each SSE frame in two writes in the middle of its JSON. */
  splitFrames?: boolean;
  /** Send a `: ping` comment line before every frame. */
  pings?: boolean;
  /** Text chunks (≈ tokens) per second; default as fast as possible. */
  tokensPerSecond?: number;
  /** Characters per content delta; default: split on word boundaries. */
  chunkChars?: number;
  /** Replace the Nth data frame (0-based) by broken JSON. */
  malformedFrame?: number;
  /** Stop sending after this many data frames (the first is the role frame) and hold the connection open: a stream that stalls mid-way. */
  stallAfterFrames?: number;
}

export interface TextReply {
  type: 'text';
  text: string;
  reasoning?: string;
  finishReason?: 'stop' | 'length' | 'content_filter' | string;
  /** Default: computed from the text; `'missing'` sends no usage at all. */
  usage?: UsageReply | 'missing';
  /** The model name the reply claims; default the one requested. */
  model?: string;
  delayMs?: number;
  stream?: StreamShape;
}

export interface ErrorReply {
  type: 'error';
  status: number;
  message?: string;
  code?: string;
  /** The request parameter the error is about, as OpenAI reports it (`temperature`). */
  param?: string;
  /** Seconds (number) or any header value (e.g. an HTTP-date). */
  retryAfter?: number | string;
  retryAfterMs?: number;
  headers?: Record<string, string>;
  delayMs?: number;
}

export interface HangReply {
  /** Never answers: holds the request until the client disconnects or the server closes. */
  type: 'hang';
  /** Send status and headers first (for streams) and then hang mid-body. */
  afterHeaders?: boolean;
}

export interface MalformedReply {
  /** A 200 with `content-type: application/json` and a body that is not JSON. */
  type: 'malformed';
  body?: string;
  delayMs?: number;
}

export interface RawReply {
  type: 'raw';
  status: number;
  headers?: Record<string, string>;
  body: string;
  delayMs?: number;
}

export interface EndlessReply {
  /**
   * Sends text without end, ignoring max_tokens, until the client goes away: as SSE
   * deltas for a stream, else as a JSON body whose `content` string never closes. Each
   * request records the tokens it really wrote (`completionTokensSent`), so a test can
   * check what a client let through against the server's own count.
   */
  type: 'endless';
  /** Words per write; default 3. */
  wordsPerWrite?: number;
  /** Milliseconds between writes (a model generating at a finite speed); default 1. */
  gapMs?: number;
}

export type Reply = TextReply | ErrorReply | HangReply | MalformedReply | RawReply | EndlessReply;

/** Shorthands for script entries. */
export const reply = {
  text: (text: string, more: Omit<TextReply, 'type' | 'text'> = {}): TextReply => ({ type: 'text', text, ...more }),
  error: (status: number, more: Omit<ErrorReply, 'type' | 'status'> = {}): ErrorReply => ({ type: 'error', status, ...more }),
  hang: (more: Omit<HangReply, 'type'> = {}): HangReply => ({ type: 'hang', ...more }),
  malformed: (body?: string): MalformedReply => ({ type: 'malformed', body }),
  raw: (status: number, body: string, headers?: Record<string, string>): RawReply => ({ type: 'raw', status, body, headers }),
  endless: (more: Omit<EndlessReply, 'type'> = {}): EndlessReply => ({ type: 'endless', ...more }),
};

// ---------------------------------------------------------------------------- requests

export interface RecordedRequest {
  /** 0-based order of arrival. */
  index: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names; `authorization` and `api-key` values replaced by `[present]`. */
  headers: Record<string, string>;
  auth: {
    present: boolean;
    /** Which header carried it. */
    header?: 'authorization' | 'api-key';
    /** sha256 (hex) of the key (the Bearer token or the api-key value). */
    sha256?: string;
  };
  /** Parsed JSON body, or the raw text when it is not JSON; undefined for GET. */
  body: unknown;
  /** Convenience views of a chat request. */
  chat?: ChatRequestView;
  /** Azure: the deployment from the path. */
  deployment?: string;
  /** Date.now() when the request's body had arrived. */
  receivedAt: number;
  /** Date.now() when the response ended or the client went away. */
  endedAt?: number;
  /** True when the client closed the connection before the response was complete. */
  clientDisconnected: boolean;
  /** Requests in flight when this one arrived, itself included. */
  inFlightOnArrival: number;
  /** Chat requests: the prompt's tokens as this server counts them (`loopbackTokenCount`). */
  promptTokens?: number;
  /** Completion tokens this server wrote for the request, as it counts them (text replies and endless ones). */
  completionTokensSent?: number;
}

export interface ChatRequestView {
  model: string;
  messages: Array<{ role: string; content: string }>;
  stream: boolean;
  /** The first system message's content, '' when none. */
  system: string;
  /** The last user message's content, '' when none. */
  lastUser: string;
  temperature?: number;
  seed?: number;
  /** `max_tokens`, else `max_completion_tokens`; undefined when the request set neither. */
  maxTokens?: number;
}

export type ScriptFn = (req: RecordedRequest & { chat: ChatRequestView }) => Reply | Promise<Reply>;

export interface LoopbackOptions {
  /** A queue of replies used in order, or a function of each chat request. */
  script?: Reply[] | ScriptFn;
  /** Used when the queue is empty; default a 500 "script exhausted". */
  fallback?: ScriptFn;
  /** Model ids listed by GET /models; default ['test-model']. */
  models?: string[];
  /** Answer GET /models with this status instead (e.g. 401). */
  modelsStatus?: number;
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>/v1`: the OpenAI-compatible base URL. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:<port>`: use as the Azure endpoint. */
  readonly origin: string;
  readonly port: number;
  /** Every request, in order of arrival. */
  readonly requests: RecordedRequest[];
  /** Only chat-completion requests. */
  chatRequests(): RecordedRequest[];
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Appends replies to the queue (queue scripts only). */
  enqueue(...replies: Reply[]): void;
  /** Resolves when request `index` has ended or its client disconnected; rejects after `timeoutMs`. */
  waitForEnd(index: number, timeoutMs?: number): Promise<RecordedRequest>;
  /** Resolves when `count` requests have arrived; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Clears the recorded requests and the max-in-flight mark. */
  reset(): void;
  close(): Promise<void>;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startLoopbackServer(options: LoopbackOptions = {}): Promise<LoopbackServer> {
  const queue: Reply[] = Array.isArray(options.script) ? [...options.script] : [];
  const scriptFn = typeof options.script === 'function' ? options.script : undefined;
  const models = options.models ?? ['test-model'];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  let inFlight = 0;
  let maxInFlight = 0;
  let closed = false;

  const notify = () => {
    for (const w of [...waiters]) w();
  };

  function later(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (closed) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `loopback server bug: ${(e as Error).message}` } }));
      }
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const inFlightOnArrival = inFlight;
    let finished = false;
    let record: RecordedRequest | undefined;
    const end = (disconnected: boolean) => {
      if (finished) return;
      finished = true;
      inFlight--;
      if (record) {
        record.endedAt = Date.now();
        record.clientDisconnected = disconnected;
      }
      notify();
    };
    res.on('finish', () => end(false));
    res.on('close', () => end(!res.writableFinished));

    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const { headers, auth } = scrubHeaders(req.headers);
    let body: unknown = undefined;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    record = {
      index: requests.length,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      auth,
      body,
      receivedAt: Date.now(),
      clientDisconnected: false,
      inFlightOnArrival,
    };
    const azure = /^\/openai\/deployments\/([^/]+)\//.exec(url.pathname);
    if (azure) record.deployment = decodeURIComponent(azure[1]);
    requests.push(record);
    notify();
    if (finished) return; // the client already left

    if (req.method === 'GET' && url.pathname.endsWith('/models')) {
      if (options.modelsStatus) return sendJson(res, options.modelsStatus, { error: { message: 'models unavailable' } });
      return sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'loopback' })) });
    }
    if (req.method !== 'POST' || !url.pathname.endsWith('/chat/completions')) {
      return sendJson(res, 404, { error: { message: `no route for ${req.method} ${url.pathname}`, type: 'invalid_request_error' } });
    }
    const chat = chatView(body, record.deployment);
    if (!chat) return sendJson(res, 400, { error: { message: 'body is not a chat completion request', type: 'invalid_request_error' } });
    record.chat = chat;
    record.promptTokens = chat.messages.reduce((n, m) => n + loopbackTokenCount(m.content), 0);

    let r: Reply;
    const withChat = record as RecordedRequest & { chat: ChatRequestView };
    if (scriptFn) r = await scriptFn(withChat);
    else if (queue.length > 0) r = queue.shift()!;
    else if (options.fallback) r = await options.fallback(withChat);
    else r = { type: 'error', status: 500, message: 'loopback script exhausted' };

    await serve(r, chat, res, () => finished, record);
  }

  async function serve(r: Reply, chat: ChatRequestView, res: http.ServerResponse, gone: () => boolean, record: RecordedRequest): Promise<void> {
    if ('delayMs' in r && r.delayMs) await later(r.delayMs);
    if (gone() || closed) return;
    switch (r.type) {
      case 'hang':
        if (r.afterHeaders) {
          res.writeHead(200, { 'content-type': chat.stream ? 'text/event-stream' : 'application/json' });
          res.flushHeaders();
        }
        return; // held until the client disconnects or close() destroys the socket
      case 'error': {
        const headers: Record<string, string> = { ...(r.headers ?? {}) };
        if (r.retryAfter !== undefined) headers['retry-after'] = String(r.retryAfter);
        if (r.retryAfterMs !== undefined) headers['retry-after-ms'] = String(r.retryAfterMs);
        return sendJson(
          res,
          r.status,
          { error: { message: r.message ?? `loopback error ${r.status}`, type: errorType(r.status), code: r.code ?? null, param: r.param ?? null } },
          headers,
        );
      }
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(r.body ?? '{"id": "chatcmpl-broken", "choices": [ {"message": ');
        return;
      case 'raw':
        res.writeHead(r.status, r.headers ?? { 'content-type': 'application/json' });
        res.end(r.body);
        return;
      case 'text':
        record.completionTokensSent = loopbackTokenCount(r.text) + loopbackTokenCount(r.reasoning ?? '');
        if (chat.stream) return streamText(r, chat, res, gone);
        return sendJson(res, 200, completionBody(r, chat));
      case 'endless':
        return sendEndless(r, chat, res, gone, record);
    }
  }

  async function sendEndless(r: EndlessReply, chat: ChatRequestView, res: http.ServerResponse, gone: () => boolean, record: RecordedRequest): Promise<void> {
    const words = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit'];
    const base = { id: `chatcmpl-endless${record.index}`, object: 'chat.completion.chunk', created: 0, model: chat.model };
    record.completionTokensSent = 0;
    res.writeHead(200, { 'content-type': chat.stream ? 'text/event-stream' : 'application/json' });
    if (chat.stream) res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`);
    else res.write(`{"id":"chatcmpl-endless","object":"chat.completion","created":0,"model":${JSON.stringify(chat.model)},"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"`);
    const perWrite = r.wordsPerWrite ?? 3;
    let w = 0;
    while (!gone() && !closed && !res.destroyed) {
      let piece = '';
      for (let i = 0; i < perWrite; i++) piece += `${words[w++ % words.length]} `;
      record.completionTokensSent += loopbackTokenCount(piece);
      const data = chat.stream ? `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n` : piece;
      // Honour backpressure: a model does not generate faster than its client reads.
      if (!res.write(data)) await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
      await later(r.gapMs ?? 1);
    }
  }

  async function streamText(r: TextReply, chat: ChatRequestView, res: http.ServerResponse, gone: () => boolean): Promise<void> {
    const shape = r.stream ?? {};
    const id = `chatcmpl-loop${requests.length}`;
    const model = r.model ?? chat.model;
    const base = { id, object: 'chat.completion.chunk', created: 0, model };
    const frames: unknown[] = [];
    frames.push({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    if (r.reasoning) {
      for (const piece of chunks(r.reasoning, shape.chunkChars)) {
        frames.push({ ...base, choices: [{ index: 0, delta: { reasoning_content: piece }, finish_reason: null }] });
      }
    }
    for (const piece of chunks(r.text, shape.chunkChars)) {
      frames.push({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
    }
    frames.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: r.finishReason ?? 'stop' }] });
    const usage = usageOf(r, chat);
    const wantsUsage = (chat as { streamUsage?: boolean }).streamUsage;
    if (usage && wantsUsage) frames.push({ ...base, choices: [], usage });

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    const gapMs = shape.tokensPerSecond ? 1000 / shape.tokensPerSecond : 0;
    for (let i = 0; i < frames.length; i++) {
      if (gone() || closed) return;
      if (shape.stallAfterFrames !== undefined && i >= shape.stallAfterFrames) return; // held until the client gives up
      if (shape.pings) res.write(': ping\n\n');
      let json = JSON.stringify(frames[i]);
      if (shape.malformedFrame === i) json = json.slice(0, Math.floor(json.length / 2));
      const frame = `data: ${json}\n\n`;
      if (shape.splitFrames) {
        const cut = 6 + Math.floor(json.length / 2); // inside the JSON
        res.write(frame.slice(0, cut));
        await later(5);
        if (gone() || closed) return;
        res.write(frame.slice(cut));
      } else {
        res.write(frame);
      }
      if (gapMs > 0) await later(gapMs);
    }
    if (gone() || closed) return;
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  const api: LoopbackServer = {
    baseUrl: `${origin}/v1`,
    origin,
    port,
    requests,
    chatRequests: () => requests.filter((r) => r.chat !== undefined),
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    waitForEnd(index, timeoutMs = 5000) {
      return waitUntil(() => {
        const r = requests[index];
        return r && r.endedAt !== undefined ? r : undefined;
      }, timeoutMs, `request ${index} to end`);
    },
    async waitForRequests(count, timeoutMs = 5000) {
      await waitUntil(() => (requests.length >= count ? true : undefined), timeoutMs, `${count} requests`);
    },
    reset() {
      requests.length = 0;
      maxInFlight = inFlight;
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      notify();
    },
  };

  function waitUntil<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = probe();
        if (v !== undefined) {
          cleanup();
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`loopback server: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  return api;
}

// ---------------------------------------------------------------------------- helpers

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('close', () => resolve(Buffer.concat(parts).toString('utf8')));
  });
}

function scrubHeaders(raw: http.IncomingHttpHeaders): { headers: Record<string, string>; auth: RecordedRequest['auth'] } {
  const headers: Record<string, string> = {};
  let auth: RecordedRequest['auth'] = { present: false };
  for (const [name, value] of Object.entries(raw)) {
    const v = Array.isArray(value) ? value.join(', ') : (value ?? '');
    if (name === 'authorization') {
      const token = v.replace(/^Bearer\s+/i, '');
      auth = { present: true, header: 'authorization', sha256: sha256(token) };
      headers[name] = '[present]';
    } else if (name === 'api-key') {
      auth = { present: true, header: 'api-key', sha256: sha256(v) };
      headers[name] = '[present]';
    } else {
      headers[name] = v;
    }
  }
  return { headers, auth };
}

function chatView(body: unknown, deployment?: string): (ChatRequestView & { streamUsage?: boolean }) | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.messages)) return undefined;
  const messages = b.messages.map((m) => {
    const mm = (m ?? {}) as { role?: unknown; content?: unknown };
    return { role: String(mm.role ?? ''), content: typeof mm.content === 'string' ? mm.content : JSON.stringify(mm.content ?? '') };
  });
  const users = messages.filter((m) => m.role === 'user');
  const streamOptions = b.stream_options as { include_usage?: boolean } | undefined;
  return {
    model: typeof b.model === 'string' ? b.model : (deployment ?? ''),
    messages,
    stream: b.stream === true,
    streamUsage: streamOptions?.include_usage === true,
    system: messages.find((m) => m.role === 'system')?.content ?? '',
    lastUser: users.length > 0 ? users[users.length - 1].content : '',
    temperature: typeof b.temperature === 'number' ? b.temperature : undefined,
    seed: typeof b.seed === 'number' ? b.seed : undefined,
    maxTokens: typeof b.max_tokens === 'number' ? b.max_tokens : typeof b.max_completion_tokens === 'number' ? b.max_completion_tokens : undefined,
  };
}

/** Tokens as the server counts them: words and punctuation, so tests can predict them. */
export function loopbackTokenCount(text: string): number {
  return (text.match(/\w+|[^\s\w]/g) ?? []).length;
}

function usageOf(r: TextReply, chat: ChatRequestView): (UsageReply & { total_tokens: number }) | undefined {
  if (r.usage === 'missing') return undefined;
  const u = r.usage ?? {
    prompt_tokens: chat.messages.reduce((n, m) => n + loopbackTokenCount(m.content), 0),
    completion_tokens: loopbackTokenCount(r.text) + loopbackTokenCount(r.reasoning ?? ''),
  };
  return { ...u, total_tokens: u.prompt_tokens + u.completion_tokens };
}

function completionBody(r: TextReply, chat: ChatRequestView): unknown {
  const message: Record<string, unknown> = { role: 'assistant', content: r.text };
  if (r.reasoning) message.reasoning_content = r.reasoning;
  const body: Record<string, unknown> = {
    id: 'chatcmpl-loop',
    object: 'chat.completion',
    created: 0,
    model: r.model ?? chat.model,
    choices: [{ index: 0, message, finish_reason: r.finishReason ?? 'stop', logprobs: null }],
  };
  const usage = usageOf(r, chat);
  if (usage) body.usage = usage;
  return body;
}

function chunks(text: string, chunkChars?: number): string[] {
  if (text.length === 0) return [];
  if (chunkChars && chunkChars > 0) {
    const out: string[] = [];
    for (let i = 0; i < text.length; i += chunkChars) out.push(text.slice(i, i + chunkChars));
    return out;
  }
  return text.match(/\s*\S+/g) ?? [text];
}

function errorType(status: number): string {
  if (status === 401) return 'invalid_authentication';
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

// ---------------------------------------------------------------------------- gold answers

export interface GoldItem {
  /** The question as it appears in the user message. */
  input: string;
  gold: string;
}

export interface GoldScriptOptions {
  items: GoldItem[];
  /** Fraction of questions answered wrongly, a function of the system prompt (so better prompts can score better). Default 0. */
  wrongFraction?: number | ((systemPrompt: string) => number);
  /** How a right answer is written; default `The answer is <gold>.\nAnswer: <gold>`. */
  formatAnswer?: (gold: string, item: GoldItem) => string;
  /** How a wrong answer is written; default `Answer: <gold>-wrong` (numbers: gold + 1). */
  formatWrong?: (gold: string, item: GoldItem) => string;
  /** Replies to requests that match no item (backward, update, judge calls). Default: a 500. */
  otherwise?: ScriptFn;
}

/**
 * A script answering forward calls from gold answers: the item is the one whose `input`
 * occurs in the last user message (longest match wins). Whether it is answered wrongly
 * is a deterministic function of sha256(system prompt + input), below `wrongFraction`.
 */
export function answerFromGold(o: GoldScriptOptions): ScriptFn {
  const items = [...o.items].sort((a, b) => b.input.length - a.input.length);
  const right = o.formatAnswer ?? ((gold: string) => `The answer is ${gold}.\nAnswer: ${gold}`);
  const wrong =
    o.formatWrong ??
    ((gold: string) => {
      const n = Number(gold.replace(/,/g, ''));
      return `Answer: ${Number.isFinite(n) && gold.trim() !== '' ? String(n + 1) : `${gold}-wrong`}`;
    });
  return (req) => {
    const item = items.find((it) => it.input.length > 0 && req.chat.lastUser.includes(it.input));
    if (!item) {
      if (o.otherwise) return o.otherwise(req);
      return { type: 'error', status: 500, message: 'answerFromGold: no gold item matches this request' };
    }
    const fraction = typeof o.wrongFraction === 'function' ? o.wrongFraction(req.chat.system) : (o.wrongFraction ?? 0);
    const draw = parseInt(sha256(`${req.chat.system}\n${item.input}`).slice(0, 8), 16) / 0x1_0000_0000;
    return { type: 'text', text: draw < fraction ? wrong(item.gold, item) : right(item.gold, item) };
  };
}
