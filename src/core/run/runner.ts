import { setMaxListeners } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunConfig } from '../config/runConfig';
import { RunConfigSchema } from '../config/runConfig';
import { enabledTechniques } from '../config/presets';
import { loadTask } from '../data/loadTask';
import type { Task } from '../data/task';
import { train } from '../dlpo/trainer';
import type { TrainerState } from '../dlpo/trainerState';
import { TrainerStateSchema } from '../dlpo/trainerState';
import { formatUsd, type BudgetSpent } from '../llm/budget';
import type { UsageRecord } from '../llm/meter';
import { Pricing } from '../llm/pricing';
import type { RetryWait } from '../llm/retry';
import { createRunModels, type RunModels } from '../llm/runModels';
import { templateSyntaxProblem } from '../prompt/template/templateGuard';
import type { TemplateEngine } from '../prompt/template/templateEngine';
import { promptTemplateOf } from '../prompt/template/promptTemplate';
import { answerKeyFromExamples } from '../simulator/answerKey';
import { isSimulatorModel, type SimulatorModel } from '../simulator/simulatorModel';
import { CHECKPOINT_VERSION, CheckpointError, configHash, legacyConfigHash, readCheckpoint, writeCheckpoint, writeFileAtomic, type CheckpointFile } from './checkpoint';
import type { RunEvent, RunEventOf, UsageTotals } from './events';
import { contextProblem } from './contextCheck';
import { InFlightTracker } from './inFlight';
import { addUsage, recoverSpend, type RecoveredSpend } from './recoverSpend';
import { JournalWriter, readJournal } from './journal';
import { applyResumeModels, type AppliedResumeModels } from './resumeModels';
import { acquireRunLock, RunLockedError, type RunLock } from './runLock';
import { loadPromptFile, type LoadedPrompt } from './promptFile';
import { taskForPrompt } from '../data/taskForPrompt';
import { buildReport, renderReportMarkdown, type RunReport } from './report';
import { createFixedRunDir, createRunDir, runPaths, type RunPaths } from './runDir';
import type { RunResult, StartRunOptions } from './runTypes';

/**
 * Runs one optimization from a config to a finished run directory (runDir.ts), or
 * continues one from its last checkpoint. The trainer does the method; the runner does
 * everything around it: models with meter, budget and retry waits wired to events, the
 * task, the journal, checkpoints, resume, reports and the best/final prompt files. The
 * user's prompt file is only ever read.
 *
 * Journal order of an uninterrupted run:
 *   run-start, (step events…, checkpoint)×steps, [checkpoint], done
 * A resumed run cuts the journal after the last checkpoint line and appends a second
 * `run-start` carrying `resumedFromStep`, then continues exactly as the uninterrupted
 * run would (docs/runs.md, "Resume").
 */

/** A candidate this much longer than the starting prompt is rejected outright. */
const MAX_GROWTH = 100;

export class RunSetupError extends Error {
  override readonly name = 'RunSetupError';
}

function totalStepsOf(config: RunConfig, task: Task): number {
  return config.steps ?? Math.ceil(task.train.length / config.batchSize) * config.epochs;
}

function addSpent(a: BudgetSpent, b: RecoveredSpend['budget']): BudgetSpent {
  return { calls: a.calls + b.calls, tokens: a.tokens + b.tokens, costUsd: a.costUsd + b.costUsd, elapsedMs: a.elapsedMs };
}

function recoveredMessage(r: RecoveredSpend): string {
  const calls = r.ended + r.inFlight;
  return (
    `the last session made ${calls} call${calls === 1 ? '' : 's'} after its last checkpoint` +
    `${r.inFlight ? ` (${r.inFlight} still in flight when it stopped, charged their prompt)` : ''}: ` +
    `${r.usage.promptTokens + r.usage.completionTokens} tokens and ${formatUsd(r.usage.costUsd)} were added to the totals and the budget.`
  );
}

function usageEvent(r: UsageRecord): RunEventOf<'usage'> {
  return {
    type: 'usage',
    role: r.role,
    purpose: r.purpose,
    model: r.model,
    promptTokens: r.promptTokens,
    completionTokens: r.completionTokens,
    costUsd: r.costUsd,
    cached: r.cached,
    // Only when true, so journals of servers that report usage stay as they were.
    ...(r.estimated ? { estimated: true } : {}),
    ...(r.failed ? { failed: r.failed } : {}),
    ...(r.request !== undefined ? { request: r.request } : {}),
    totals: r.totals,
  };
}

function waitingEvent(w: RetryWait): RunEventOf<'waiting'> {
  return { type: 'waiting', reason: w.reason, seconds: w.seconds, message: w.message };
}

/**
 * Rejects candidates the trainer must not accept: empty, absurdly long, template syntax
 * changed or variables dropped or invented (src/core/prompt/template/templateGuard.ts), or a body that would break the document's structure when written
 * into it (a new role line, a same-level heading).
 */
export function makeCandidateValidator(
  startPrompt: string,
  problemInDocument: (body: string) => string | null = () => null,
  engine: TemplateEngine = 'jinja2',
): (candidate: string, current: string) => string | null {
  return (candidate, current) => {
    if (!candidate.trim()) return 'the proposed prompt is empty';
    const limit = Math.max(1, startPrompt.length) * MAX_GROWTH;
    if (candidate.length > limit) return `the proposed prompt is ${Math.round(candidate.length / Math.max(1, startPrompt.length))}× longer than the starting prompt`;
    return templateSyntaxProblem(current, candidate, engine) ?? problemInDocument(candidate);
  };
}

function readSavedConfig(paths: RunPaths): RunConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(paths.config, 'utf8'));
  } catch {
    throw new RunSetupError(`${paths.dir} is not a DLPO run directory (no readable config.json).`);
  }
  const parsed = RunConfigSchema.safeParse(raw);
  if (!parsed.success) throw new RunSetupError(`${paths.config} is not a valid run configuration; the run cannot be resumed.`);
  return parsed.data;
}

interface ResumePoint {
  checkpoint: CheckpointFile & { state: TrainerState };
  startEvent: RunEventOf<'run-start'>;
  warnings: string[];
  /**
   * The run was stopped before its step-0 evaluation finished: the trainer must start
   * from scratch (its initial state is a function of the config), not skip step 0.
   */
  redoStart: boolean;
}

function prepareResume(paths: RunPaths, config: RunConfig): ResumePoint {
  let checkpoint: CheckpointFile & { state: TrainerState };
  try {
    checkpoint = readCheckpoint(paths.checkpoint, TrainerStateSchema);
  } catch (e) {
    if (e instanceof CheckpointError) throw new RunSetupError(e.message);
    throw e;
  }
  if (checkpoint.finished) throw new RunSetupError(`The run in ${paths.dir} has already finished; there is nothing to resume. Start a new run instead.`);
  if (checkpoint.configHash !== configHash(config) && checkpoint.configHash !== legacyConfigHash(config)) {
    throw new RunSetupError(`${paths.config} no longer matches the checkpoint (the configuration was edited); the run cannot be resumed exactly.`);
  }
  const journal = readJournal(paths.events);
  const warnings: string[] = [];
  if (journal.truncatedLastLine) warnings.push(`${paths.events}: the last line was cut off mid-write (the run was interrupted while writing); it was discarded.`);
  const kept = journal.endOffsets.filter((end) => end <= checkpoint.journalBytes).length;
  const startEvent = journal.events.slice(0, kept).find((e): e is RunEventOf<'run-start'> => e.type === 'run-start');
  if (!startEvent) throw new RunSetupError(`${paths.events} has no run-start event before the checkpoint; the run cannot be resumed.`);
  // The step-0 evaluation always ends with `prompt-length` of step 0.
  const startEvaluated = journal.events.slice(0, kept).some((e) => e.type === 'prompt-length' && e.step === 0);
  return { checkpoint, startEvent, warnings, redoStart: checkpoint.step === 0 && !startEvaluated };
}

export async function startRun(options: StartRunOptions): Promise<RunResult> {
  const locks: RunLock[] = [];
  try {
    return await runLocked(options, (dir) => {
      try {
        locks.push(acquireRunLock(dir, options.writer ?? 'a DLPO run'));
      } catch (e) {
        // A second writer is bad usage (exit 2 in the CLI), not a failed run.
        if (e instanceof RunLockedError) throw new RunSetupError(e.message);
        throw e;
      }
    });
  } finally {
    for (const lock of locks) lock.release();
  }
}

/** `startRun` once the caller can lock: `lockFolder` is called before anything in the folder is read or written. */
async function runLocked(options: StartRunOptions, lockFolder: (dir: string) => void): Promise<RunResult> {
  const signal = options.signal ?? new AbortController().signal;
  // Every in-flight call listens on the run's signal; hundreds may be queued at once.
  setMaxListeners(0, signal);
  const resuming = options.resumeDir !== undefined;
  const cwd = options.cwd ?? process.cwd();

  // --- where and with what configuration
  let runId: string;
  let paths: RunPaths;
  let config: RunConfig;
  let resume: ResumePoint | undefined;
  let recovered: RecoveredSpend | undefined;
  let endpoints: AppliedResumeModels | undefined;
  if (options.resumeDir) {
    const dir = path.resolve(cwd, options.resumeDir);
    const saved = readSavedConfig(runPaths(dir, 'x.txt'));
    paths = runPaths(dir, saved.promptFile);
    // Before the checkpoint is read: another writer would still be changing it.
    lockFolder(dir);
    // What shapes the trajectory comes from the run; budgets and plumbing may change (raise
    // a cap and resume), and so may where the models are reached (resumeModels.ts).
    endpoints = applyResumeModels(saved, options.resumeModels);
    config = {
      ...saved,
      forward: endpoints.forward,
      backward: endpoints.backward,
      budget: options.config.budget,
      cache: options.config.cache,
      maxConcurrency: options.config.maxConcurrency,
      requestTimeoutSec: options.config.requestTimeoutSec,
    };
    resume = prepareResume(paths, saved);
    runId = resume.checkpoint.runId;
    // Read before the journal is cut back to the checkpoint: the calls made after it count.
    recovered = recoverSpend(paths.events, resume.checkpoint, new Pricing(config.prices));
  } else {
    config = options.config;
    const created = options.runDir ? createFixedRunDir(path.resolve(cwd, options.runDir)) : createRunDir(path.resolve(cwd, options.runsDir));
    runId = created.runId;
    paths = runPaths(created.dir, config.promptFile);
    lockFolder(created.dir);
  }

  // --- inputs (read before anything is written, so bad input leaves no half run behind)
  let prompt: LoadedPrompt;
  try {
    prompt = loadPromptFile(path.resolve(cwd, config.promptFile), config.region);
  } catch (e) {
    if (!resuming) fs.rmSync(paths.dir, { recursive: true, force: true });
    throw e;
  }
  const secrets = [options.apiKeys?.forward, options.apiKeys?.backward].filter((k): k is string => !!k && k.length >= 4);
  const redact = (text: string) => secrets.reduce((t, k) => t.split(k).join('[redacted]'), text);

  let journal: JournalWriter | undefined;
  let closed = false;
  // Where the journal of the last committed state ends: after this session's run-start,
  // the step-0 evaluation, or a checkpoint line. A stopped run's final checkpoint points
  // here, so a resume cuts the unfinished work (see the final checkpoint below).
  let committedJournalBytes = 0;
  const emit = (event: RunEvent) => {
    // After `done` nothing is journaled: a straggler must not break the journal's last line.
    if (closed) return;
    journal?.append(event);
    if (journal && (event.type === 'run-start' || event.type === 'checkpoint' || (event.type === 'prompt-length' && event.step === 0))) {
      committedJournalBytes = journal.size;
    }
    options.onEvent?.(event);
  };
  const inFlight = new InFlightTracker();

  let models: RunModels;
  let task: Task;
  try {
    models = createRunModels(config, {
      models: options.models,
      apiKeys: options.apiKeys,
      keySources: options.keySources,
      limiter: options.limiter,
      budget: options.budget,
      onUsage: (r) => emit(usageEvent(r)),
      onRequest: (r) => emit({ type: 'request', id: r.id, role: r.role, model: r.model, promptTokens: r.promptTokens, ...(r.free ? { free: true } : {}) }),
      onWait: (w) => emit(waitingEvent(w)),
      budgetSpent: resume && recovered ? addSpent(resume.checkpoint.budgetSpent, recovered.budget) : resume?.checkpoint.budgetSpent,
      usageTotals: resume && recovered ? addUsage(resume.checkpoint.usage, recovered.usage) : resume?.checkpoint.usage,
      cwd,
    });
    task = taskForPrompt(
      await loadTask(config.data, { metric: config.metric, seed: config.seed, cwd, judgeModel: models.backward }),
      prompt.document,
      prompt.file,
    );
    if (!resuming) {
      // Before any call: requests that cannot fit the models' context windows are bad input.
      const tooLong =
        contextProblem({ promptText: prompt.body, model: config.forward, role: 'forward', task, examples: [...task.train, ...task.val, ...task.test] }) ??
        contextProblem({ promptText: prompt.body, model: config.backward, role: 'backward' });
      if (tooLong) throw new RunSetupError(tooLong);
    }
  } catch (e) {
    if (!resuming) fs.rmSync(paths.dir, { recursive: true, force: true });
    throw e;
  }
  const simulator = isSimulatorModel(models.forward.base) || isSimulatorModel(models.backward.base);
  const answerKey = answerKeyFromExamples([...task.train, ...task.val, ...task.test]);
  for (const m of [models.forward.base, models.backward.base]) {
    if (isSimulatorModel(m) && 'setAnswerKey' in m) (m as SimulatorModel).setAnswerKey(answerKey);
  }

  // --- the run directory
  writeFileAtomic(paths.config, `${JSON.stringify(config, null, 2)}\n`);
  journal = JournalWriter.open(paths.events, { truncateTo: resume?.checkpoint.journalBytes, redact });
  const hash = configHash(config);
  // The state of the last checkpoint written. The trainer never changes a state it has
  // handed over, so keeping the object is enough: no per-step serialisation to compare.
  let lastSavedState: TrainerState | undefined = resume ? resume.checkpoint.state : undefined;

  const saveCheckpoint = (state: TrainerState, finished: boolean, journalBytes = journal!.size) => {
    const checkpoint: CheckpointFile = {
      version: CHECKPOINT_VERSION,
      runId,
      step: state.step,
      configHash: hash,
      state,
      usage: models.meter.totals(),
      budgetSpent: models.budget.spent(),
      journalBytes,
      accountedBytes: journal!.size,
      finished,
      savedAt: new Date().toISOString(),
    };
    writeCheckpoint(paths.checkpoint, checkpoint);
  };
  const checkpointStep = (state: TrainerState, journalBytes?: number) => {
    emit({ type: 'checkpoint', step: state.step, path: path.basename(paths.checkpoint) });
    saveCheckpoint(state, false, journalBytes);
    lastSavedState = state;
  };

  for (const w of resume?.warnings ?? []) emit({ type: 'error', kind: 'journal', message: w, fatal: false });
  if (recovered) emit({ type: 'error', kind: 'journal', message: recoveredMessage(recovered), fatal: false });
  const startEvent: RunEventOf<'run-start'> = {
    type: 'run-start',
    runId,
    time: new Date().toISOString(),
    promptFile: config.promptFile,
    prompt: resume?.startEvent.prompt ?? prompt.body,
    preset: config.preset,
    techniques: enabledTechniques(config.techniques),
    forwardModel: models.forward.id,
    backwardModel: models.backward.id,
    simulator,
    seed: config.seed,
    totalSteps: totalStepsOf(config, task),
    sizes: { train: task.train.length, val: task.val.length, test: task.test.length },
    budget: { ...config.budget },
    ...(resume ? { resumedFromStep: resume.checkpoint.step } : {}),
    ...(endpoints?.changes.length ? { changed: endpoints.changes } : {}),
  };
  emit(startEvent);
  for (const w of endpoints?.modelWarnings ?? []) emit({ type: 'error', kind: 'resume', message: w, fatal: false });

  // --- train
  let done: RunEventOf<'done'> | undefined;
  let finalState: TrainerState | undefined;
  try {
    const outcome = await train({
      runId,
      config,
      task,
      initialPrompt: startEvent.prompt,
      validateCandidate: makeCandidateValidator(startEvent.prompt, (body) => prompt.problemWith(body), promptTemplateOf(prompt.document).engine),
      forward: inFlight.wrap(models.forward),
      backward: inFlight.wrap(models.backward),
      // `done` is held back so the final checkpoint line can precede it in the journal.
      emit: (event) => {
        if (event.type === 'done') done = event;
        else emit(event);
      },
      signal,
      reviewer: options.reviewer,
      state: resume && !resume.redoStart ? resume.checkpoint.state : undefined,
      onStepComplete: async (state) => checkpointStep(state),
      // A candidate about to wait for review is checkpointed first: a reload resumes at it.
      onReviewPending: async (state) => checkpointStep(state),
    });
    done = outcome.done;
    finalState = outcome.state;
  } catch (e) {
    // The trainer is meant to end every run with `done`; should it throw, the run still ends cleanly.
    const message = redact(e instanceof Error ? e.message : String(e));
    emit({ type: 'error', kind: 'internal', message: `The trainer failed: ${message}`, fatal: true });
    const totals: UsageTotals = models.meter.totals();
    const last = lastSavedState;
    done = {
      type: 'done',
      stoppedBy: 'error',
      message: `Stopped by an internal error: ${message}`,
      steps: last?.step ?? 0,
      bestStep: last?.best.step ?? 0,
      bestPrompt: last?.best.prompt ?? startEvent.prompt,
      finalPrompt: last?.prompt ?? startEvent.prompt,
      scores: { start: { val: null, test: null }, best: { val: null, test: null }, final: { val: null, test: null } },
      usage: totals,
    };
  }
  if (!done) throw new Error('the trainer returned without a done event');
  // Calls a stopped step already sent finish first, so their usage is journaled and counted.
  await inFlight.idle(signal.aborted ? 2_000 : config.requestTimeoutSec * 1000);
  // The meter saw every call of every session (cost included); the trainer only counts tokens.
  done = { ...done, usage: models.meter.totals() };

  // --- finish: final checkpoint (if the state moved since the last one), done, reports, prompt files
  const finished = done.stoppedBy === 'completed' || done.stoppedBy === 'early-stopping';
  if (finalState && (!lastSavedState || JSON.stringify(finalState) !== JSON.stringify(lastSavedState))) {
    // A stopped run (before step 1 completed, or during the final test scoring) has
    // unfinished work in the journal, which a resume redoes: the checkpoint points before it.
    checkpointStep(finalState, finished ? undefined : committedJournalBytes);
  }
  emit(done);
  closed = true;
  journal.close();
  if (finished) {
    // A stopped run (budget, Ctrl-C, error) stays resumable: its checkpoint still points
    // just after the last checkpoint line, so resume cuts the partial step and `done`.
    const checkpoint = readCheckpointLoose(paths);
    if (checkpoint) writeCheckpoint(paths.checkpoint, { ...checkpoint, finished: true });
  }
  writeReports(paths);
  writeFileAtomic(paths.bestPrompt, documentWith(prompt, done.bestPrompt));
  writeFileAtomic(paths.finalPrompt, documentWith(prompt, done.finalPrompt));
  return { runId, runDir: paths.dir, done };
}

/**
 * The prompt document with `body` in place. Candidates are validated against this, but a
 * prompt a reviewer typed in by hand may still not fit the document's structure: then the
 * body alone is written, so the result is never lost.
 */
function documentWith(prompt: LoadedPrompt, body: string): string {
  return prompt.problemWith(body) === null ? prompt.withBody(body) : `${body}\n`;
}

function readCheckpointLoose(paths: RunPaths): CheckpointFile | undefined {
  try {
    return readCheckpoint(paths.checkpoint, TrainerStateSchema);
  } catch {
    return undefined;
  }
}

/** Builds report.json and report.md from the journal (the single source of truth). */
export function writeReports(paths: RunPaths): RunReport {
  const { events } = readJournal(paths.events);
  const report = buildReport(events);
  writeFileAtomic(paths.reportJson, `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(paths.reportMd, renderReportMarkdown(report));
  return report;
}
