import { performance } from 'node:perf_hooks';
import { resolvePreset } from '../../src/core/config/presets';
import type { MethodOptions, PresetName, RunConfig, TechniqueOptions } from '../../src/core/config/runConfig';
import { RunConfigSchema } from '../../src/core/config/runConfig';
import type { ChatModel } from '../../src/core/llm/chatModel';
import type { RunEvent } from '../../src/core/run/events';
import { startRun } from '../../src/core/run/runner';
import type { RunResult } from '../../src/core/run/runTypes';
import type { Workspace } from './workspace';

/**
 * One benchmark run through the real runner (`startRun`): model stacks with limiter,
 * budget, cache and meter, the journal, a checkpoint per step, reports. Every event is
 * timestamped as the runner hands it out.
 */

export interface TimedEvent {
  event: RunEvent;
  /** performance.now() when the event was emitted. */
  t: number;
  /** Date.now() at the same moment (to line up with the loopback server's records). */
  wall: number;
}

export interface BenchRunOptions {
  ws: Workspace;
  preset: PresetName;
  techniques?: Partial<TechniqueOptions>;
  method?: Partial<MethodOptions>;
  sizes: { train: number; val: number; test: number };
  batchSize: number;
  steps?: number;
  seed?: number;
  maxConcurrency: number;
  /** An HTTP endpoint (the loopback server); absent = `models` below. */
  baseUrl?: string;
  models?: { forward: ChatModel; backward: ChatModel };
  cache: { enabled: boolean; dir?: string };
  /** Called synchronously with each event as it is recorded. */
  onEvent?: (event: RunEvent) => void;
}

export function benchConfig(o: BenchRunOptions): RunConfig {
  const resolved = resolvePreset(o.preset, { techniques: o.techniques ?? {}, method: o.method ?? {} });
  const spec = (model: string) => ({ provider: 'openai-compatible', model, baseUrl: o.baseUrl ?? 'http://127.0.0.1:9/v1', temperature: 0 });
  return RunConfigSchema.parse({
    promptFile: o.ws.promptFile,
    data: { source: o.ws.dataFile, trainSize: o.sizes.train, valSize: o.sizes.val, testSize: o.sizes.test },
    forward: spec('bench-forward'),
    backward: spec('bench-backward'),
    preset: o.preset,
    techniques: resolved.techniques,
    method: resolved.method,
    batchSize: o.batchSize,
    ...(o.steps !== undefined ? { steps: o.steps } : {}),
    seed: o.seed ?? 1001,
    maxConcurrency: o.maxConcurrency,
    requestTimeoutSec: 120,
    budget: {},
    cache: o.cache,
  });
}

export interface BenchRunResult {
  result: RunResult;
  events: TimedEvent[];
  config: RunConfig;
  wallMs: number;
}

export async function benchRun(o: BenchRunOptions): Promise<BenchRunResult> {
  const config = benchConfig(o);
  const events: TimedEvent[] = [];
  const t0 = performance.now();
  const result = await startRun({
    config,
    runsDir: 'runs',
    cwd: o.ws.dir,
    apiKeys: { forward: 'sk-bench-loopback-0000', backward: 'sk-bench-loopback-0000' },
    ...(o.models ? { models: o.models } : {}),
    onEvent: (event) => {
      events.push({ event, t: performance.now(), wall: Date.now() });
      o.onEvent?.(event);
    },
  });
  return { result, events, config, wallMs: performance.now() - t0 };
}

/** Events of step `s`: from its step-start to its checkpoint (both included). */
export function stepWindow(events: TimedEvent[], s: number): TimedEvent[] {
  const start = events.findIndex((e) => e.event.type === 'step-start' && e.event.step === s);
  const end = events.findIndex((e) => e.event.type === 'checkpoint' && e.event.step === s);
  if (start < 0 || end < 0) return [];
  return events.slice(start, end + 1);
}
