import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { RunConfig } from '../config/runConfig';
import { ENDPOINT_FIELDS } from './resumeModels';

/**
 * `checkpoint.json`: everything needed to continue a run exactly after its last complete
 * step. Written atomically (temp file, fsync, rename) after the journal's `checkpoint`
 * line is on disk, so a crash at any moment leaves either the old or the new checkpoint,
 * and `journalBytes` tells resume where the journal stops being trustworthy.
 */

export const CHECKPOINT_VERSION = 1;

const UsageTotalsSchema = z.object({
  calls: z.number().int().min(0),
  cachedCalls: z.number().int().min(0),
  promptTokens: z.number().int().min(0),
  completionTokens: z.number().int().min(0),
  costUsd: z.number().min(0),
});

export const CheckpointFileSchema = z.object({
  version: z.literal(CHECKPOINT_VERSION),
  runId: z.string().min(1),
  /** Steps completed (the trainer state's step). */
  step: z.number().int().min(0),
  /** Hash of the configuration that shapes the trajectory (configHash below). */
  configHash: z.string().min(1),
  /** The trainer's state; validated with the trainer's own schema by the caller. */
  state: z.unknown(),
  /** The meter's totals so far, so a resumed run's usage keeps counting. */
  usage: UsageTotalsSchema,
  /** What the budget tracker has charged so far (cache hits excluded), so caps hold across a resume. */
  budgetSpent: z.object({
    calls: z.number().int().min(0),
    tokens: z.number().int().min(0),
    costUsd: z.number().min(0),
    /** Wall time of every session of this run: the time cap spans resumes. */
    elapsedMs: z.number().min(0),
  }),
  /** Length of events.jsonl when this checkpoint was taken; resume truncates to it. */
  journalBytes: z.number().int().min(0),
  /**
   * Length of events.jsonl when `usage` and `budgetSpent` were read: the accounting records
   * after it (requests sent and answered after the checkpoint, until a crash) are added back
   * on resume (`recoverSpend.ts`). Absent in checkpoints of older versions.
   */
  accountedBytes: z.number().int().min(0).optional(),
  /** Set when the run has ended (done was journaled); a finished run cannot be resumed. */
  finished: z.boolean(),
  savedAt: z.string(),
});
export type CheckpointFile = z.infer<typeof CheckpointFileSchema>;

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/** Writes `file` to `target` so that readers see the old or the new content, never a mix. */
export function writeFileAtomic(target: string, content: string): void {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target);
}

export function writeCheckpoint(file: string, checkpoint: CheckpointFile): void {
  writeFileAtomic(file, `${JSON.stringify(checkpoint, null, 1)}\n`);
}

/** Reads and validates a checkpoint; the trainer state is checked with `stateSchema`. */
export function readCheckpoint<S>(file: string, stateSchema: z.ZodType<S>): CheckpointFile & { state: S } {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    throw new CheckpointError(`No checkpoint at ${file}: the run never completed a step, so there is nothing to resume. Start it again.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new CheckpointError(`${file} is not valid JSON; the checkpoint is damaged. Start the run again.`);
  }
  const parsed = CheckpointFileSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new CheckpointError(`${file} is not a DLPO checkpoint (${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'}).`);
  }
  const state = stateSchema.safeParse(parsed.data.state);
  if (!state.success) {
    const first = state.error.issues[0];
    throw new CheckpointError(
      `${file}: the saved trainer state does not match this version of DLPO (${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'}).`,
    );
  }
  return { ...parsed.data, state: state.data };
}

/**
 * Hash of what decides the run's trajectory: data, metric, sampling, method, techniques,
 * batch, epochs, steps and seed. Budgets, cache, concurrency and timeouts are left out on
 * purpose, so a run stopped by a cap can be resumed with a higher one; so is where the
 * models are reached (provider, model, URL, key variable: resumeModels.ts), so a run can
 * continue after its server moved.
 */
export function configHash(config: RunConfig): string {
  const withoutEndpoint = (spec: RunConfig['forward']) => {
    const rest: Record<string, unknown> = { ...spec };
    for (const field of ENDPOINT_FIELDS) delete rest[field];
    return rest;
  };
  return legacyConfigHash({ ...config, forward: withoutEndpoint(config.forward), backward: withoutEndpoint(config.backward) } as RunConfig);
}

/** The hash of checkpoints written before endpoints could change on resume (models included); still accepted. */
export function legacyConfigHash(config: RunConfig): string {
  const { budget: _b, cache: _c, maxConcurrency: _m, requestTimeoutSec: _t, ...shaping } = config;
  return createHash('sha256').update(canonicalJson(shaping)).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
