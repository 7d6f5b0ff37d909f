import { RunConfigSchema } from '../../src/core/config/runConfig';
import type { MethodOptions, RunConfig, TechniqueOptions } from '../../src/core/config/runConfig';
import type { PresetName } from '../../src/core/config/runConfig';
import { resolvePreset } from '../../src/core/config/presets';
import type { Task } from '../../src/core/data/task';
import { TAG } from '../../src/core/dlpo/markers';
import type { TrainerInput, TrainOutcome } from '../../src/core/dlpo/trainer';
import { totalSteps, train } from '../../src/core/dlpo/trainer';
import type { TrainerState } from '../../src/core/dlpo/trainerState';
import type { RunEvent } from '../../src/core/run/events';
import { RunEventSchema } from '../../src/core/run/events';
import { arithmeticTask, parseSum } from './arithmeticTask';
import type { RecordedCall, ScriptReply, ScriptedModelOptions } from './scriptedModel';
import { ScriptedModel } from './scriptedModel';

/**
 * Scripted forward and backward behaviour for trainer tests on the arithmetic task.
 * The forward model gets more sums right the more "good features" the system prompt
 * has, so updates that add them visibly help; the backward model answers each request
 * kind in its format and delegates updates to a function the test controls.
 */

export const FEATURES = ['step by step', 'check', 'carefully'];

export function promptQuality(prompt: string): number {
  const lower = prompt.toLowerCase();
  return FEATURES.filter((f) => lower.includes(f)).length;
}

/** Correct for a deterministic share of sums that grows with prompt quality (all of them at 3 features). */
export function forwardScript(call: RecordedCall): ScriptReply {
  const sum = parseSum(call.user) ?? parseSum(call.system);
  if (!sum) return 'I cannot tell.';
  let h = 7;
  for (const ch of `${sum.a}+${sum.b}`) h = (h * 31 + ch.charCodeAt(0)) % 1000003;
  const key = h % 4;
  const correct = key < 1 + promptQuality(call.system || call.user);
  return `Let me add. Answer: ${sum.a + sum.b + (correct ? 0 : 1)}`;
}

export function extractTagBody(text: string, tag: string): string | undefined {
  const open = `<${tag}>\n`;
  const s = text.indexOf(open);
  if (s < 0) return undefined;
  const e = text.indexOf(`\n</${tag}>`, s + open.length);
  return e < 0 ? undefined : text.slice(s + open.length, e);
}

/** The default update: add the next missing feature sentence, else reword the last sentence. */
export function improvePrompt(current: string): string {
  const lower = current.toLowerCase();
  if (!lower.includes('step by step')) return `${current} Think step by step.`;
  if (!lower.includes('check')) return `${current} Check the result.`;
  if (!lower.includes('carefully')) return `${current} Work carefully.`;
  return `${current} Be precise.`;
}

export type Updater = (current: string, call: RecordedCall) => ScriptReply;

export function backwardScript(updater: Updater = (c) => `<IMPROVED_VARIABLE>${improvePrompt(c)}</IMPROVED_VARIABLE>`) {
  return (call: RecordedCall): ScriptReply => {
    switch (call.kind) {
      case 'critique':
        return `The answer to "${extractTagBody(call.user, 'LM_INPUT')}" was ${/Verdict: correct/.test(call.user) ? 'right' : 'off by one'}.`;
      case 'promptGradient':
        return `Ask the model to work step by step for "${extractTagBody(call.user, 'LM_INPUT')}".`;
      case 'summary':
        return `Summary of ${(call.user.match(/### Feedback \d+ of/g) ?? []).length} pieces of feedback on ${[...call.user.matchAll(/What is \d+ \+ \d+\?/g)].map((m) => m[0]).join(' ') || 'the batch'}: work step by step.`;
      case 'update':
        return updater(extractTagBody(call.user, TAG.currentPrompt) ?? '', call);
      default:
        throw new Error(`unexpected backward request: ${call.system.slice(0, 60)}`);
    }
  };
}

export interface HarnessOptions {
  preset?: PresetName;
  techniques?: Partial<TechniqueOptions>;
  method?: Partial<MethodOptions>;
  sizes?: { train: number; val: number; test: number };
  batchSize?: number;
  steps?: number;
  epochs?: number;
  seed?: number;
  patience?: number;
  prompt?: string;
  updater?: Updater;
  backward?: (call: RecordedCall) => ScriptReply | Promise<ScriptReply>;
  forward?: (call: RecordedCall) => ScriptReply | Promise<ScriptReply>;
  modelOptions?: ScriptedModelOptions;
  state?: TrainerState;
  signal?: AbortSignal;
  extra?: Partial<TrainerInput>;
  task?: Task;
}

export interface HarnessRun {
  outcome: TrainOutcome;
  events: RunEvent[];
  forward: ScriptedModel;
  backward: ScriptedModel;
  states: TrainerState[];
  config: RunConfig;
  task: Task;
}

export function makeConfig(o: HarnessOptions): RunConfig {
  const resolved = resolvePreset(o.preset ?? 'custom', { techniques: o.techniques ?? {}, method: o.method ?? {} });
  return RunConfigSchema.parse({
    promptFile: 'prompt.md',
    data: { source: 'test/arithmetic' },
    preset: o.preset ?? 'custom',
    techniques: resolved.techniques,
    method: resolved.method,
    batchSize: o.batchSize ?? 3,
    epochs: o.epochs ?? 1,
    ...(o.steps !== undefined ? { steps: o.steps } : {}),
    ...(o.patience !== undefined ? { patience: o.patience } : {}),
    seed: o.seed ?? 1001,
  });
}

export async function runTrainer(o: HarnessOptions = {}): Promise<HarnessRun> {
  const config = makeConfig(o);
  const task = o.task ?? arithmeticTask(o.sizes ?? { train: 6, val: 4, test: 4 });
  // Calls are tagged with the step in progress (0 = before step 1; after the last step: the final scoring).
  let step = o.state?.step ?? 0;
  let finished = false;
  const onCall = (call: RecordedCall) => {
    call.step = finished ? -1 : step;
  };
  const forward = new ScriptedModel(o.forward ?? forwardScript, { id: 'forward', onCall, ...o.modelOptions });
  const backward = new ScriptedModel(o.backward ?? backwardScript(o.updater), { id: 'backward', onCall, ...o.modelOptions });
  const events: RunEvent[] = [];
  const states: TrainerState[] = [];
  const outcome = await train({
    runId: 'test-run',
    config,
    task,
    initialPrompt: o.prompt ?? 'You solve sums.',
    forward,
    backward,
    emit: (e) => {
      // Every event must be valid for the journal.
      RunEventSchema.parse(e);
      if (e.type === 'step-start') step = e.step;
      events.push(JSON.parse(JSON.stringify(e)) as RunEvent);
    },
    signal: o.signal ?? new AbortController().signal,
    ...(o.state ? { state: o.state } : {}),
    onStepComplete: async (s) => {
      states.push(JSON.parse(JSON.stringify(s)) as TrainerState);
      if (s.step >= totalSteps(config, task.train.length)) finished = true;
    },
    ...o.extra,
  });
  return { outcome, events, forward, backward, states, config, task };
}

export function eventsOf<T extends RunEvent['type']>(events: RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}

/** Events of one step, from its step-start to the next step-start (or `done`). */
export function stepEvents(events: RunEvent[], step: number): RunEvent[] {
  const start = events.findIndex((e) => e.type === 'step-start' && e.step === step);
  if (start < 0) return [];
  let end = events.findIndex((e, i) => i > start && (e.type === 'step-start' || e.type === 'done'));
  if (end < 0) end = events.length;
  return events.slice(start, end);
}
