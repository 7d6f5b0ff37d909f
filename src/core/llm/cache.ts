import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { CallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart } from './chatModel';

const CACHE_FORMAT = 1;

/**
 * The cache key: sha256 over the model's id, the messages and every sampling parameter
 * that changes the answer. `purpose` and the signal are left out: they do not.
 */
export function cacheKey(modelId: string, request: ChatRequest): string {
  const material = JSON.stringify({
    v: CACHE_FORMAT,
    model: modelId,
    messages: request.messages.map((m) => [m.role, m.content]),
    temperature: request.temperature ?? null,
    maxTokens: request.maxTokens ?? null,
    seed: request.seed ?? null,
    stop: request.stop ?? null,
  });
  return createHash('sha256').update(material).digest('hex');
}

const EntrySchema = z.object({
  v: z.literal(CACHE_FORMAT),
  key: z.string(),
  model: z.string(),
  response: z.object({
    text: z.string(),
    finishReason: z.enum(['stop', 'length', 'content_filter', 'other']),
    usage: z.object({
      promptTokens: z.number().int().min(0),
      completionTokens: z.number().int().min(0),
      estimated: z.boolean().optional(),
    }),
    model: z.string(),
    reasoning: z.string().optional(),
  }),
});

/** A content-addressed store of responses, one JSON file per key under `dir/ab/`. */
export class ResponseCache {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The stored response, or undefined when absent or unreadable (a corrupt entry is a miss). */
  async get(key: string): Promise<ChatResponse | undefined> {
    let raw: string;
    try {
      raw = await fs.readFile(this.file(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = EntrySchema.safeParse(JSON.parse(raw));
      if (!parsed.success || parsed.data.key !== key) return undefined;
      return { ...parsed.data.response, cached: true };
    } catch {
      return undefined;
    }
  }

  /** Writes to a temporary file then renames it, so readers never see half an entry. */
  async put(key: string, modelId: string, response: ChatResponse): Promise<void> {
    const file = this.file(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const { cached: _cached, ...stored } = response;
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(tmp, JSON.stringify({ v: CACHE_FORMAT, key, model: modelId, response: stored }));
    try {
      await fs.rename(tmp, file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  }
}

/**
 * Answers repeated requests from `cache` without calling `model`. Identical requests in
 * flight at the same time share one call. A streaming hit replays the cached text as a
 * single delta. A failure to write the cache never fails the call.
 */
export function withCache(model: ChatModel, cache: ResponseCache): ChatModel {
  const pending = new Map<string, Promise<ChatResponse>>();
  const store = (key: string, r: ChatResponse) => cache.put(key, model.id, r).catch(() => undefined);

  return {
    id: model.id,
    label: model.label,
    async complete(request: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
      const key = cacheKey(model.id, request);
      const hit = await cache.get(key);
      if (hit) return hit;
      const shared = pending.get(key);
      if (shared) {
        // The first caller's response is this caller's cache hit.
        const r = await shared;
        return { ...r, cached: true };
      }
      const call = (async () => {
        const r = await model.complete(request, options);
        await store(key, r);
        return r;
      })();
      pending.set(key, call);
      try {
        return await call;
      } finally {
        pending.delete(key);
      }
    },
    async *stream(request: ChatRequest, options?: CallOptions): AsyncGenerator<ChatStreamPart> {
      const key = cacheKey(model.id, request);
      const hit = await cache.get(key);
      if (hit) {
        if (hit.text) yield { type: 'delta', text: hit.text };
        yield { type: 'done', response: hit };
        return;
      }
      for await (const part of model.stream(request, options)) {
        if (part.type === 'done') await store(key, part.response);
        yield part;
      }
    },
  };
}
