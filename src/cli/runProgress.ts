import type { RunEvent } from '../core/run/events';
import { formatScore, formatUsd } from '../core/run/report';
import { createProgress, type Progress, type ProgressStream } from './progress';

/**
 * `dlpo run`'s progress on stderr, from the run's events: a bar over the steps with the
 * current phase, and one line per finished step (loss, candidate, TSA decision,
 * validation, spend). Simulator runs carry the label on every line with a number.
 */
export class ProgressPrinter {
  private readonly progress: Progress;
  private total = 0;
  private step = 0;
  private simulator = false;
  private costUsd = 0;
  private calls = 0;
  private stepNotes: string[] = [];

  private readonly tty: boolean;

  constructor(stream: ProgressStream, opts: { quiet?: boolean } = {}) {
    this.progress = createProgress(stream, opts);
    this.tty = stream.isTTY === true;
  }

  /** The phase within a step: redrawn in place on a terminal, left out of logs (one line per step is enough there). */
  private phase(done: number, status: string): void {
    if (this.tty) this.progress.update(done, this.total, status);
  }

  private get tag(): string {
    return this.simulator ? '[offline simulator] ' : '';
  }

  onEvent(e: RunEvent): void {
    switch (e.type) {
      case 'run-start':
        this.total = e.totalSteps;
        this.simulator = e.simulator;
        this.progress.log(
          e.resumedFromStep !== undefined
            ? `${this.tag}Resuming run ${e.runId} after step ${e.resumedFromStep} of ${e.totalSteps}.`
            : `${this.tag}Run ${e.runId}: ${e.totalSteps} steps on ${e.sizes.train}/${e.sizes.val}/${e.sizes.test} train/val/test, preset ${e.preset}` +
                `${e.techniques.length ? ` (${e.techniques.join('+')})` : ''}, forward ${e.forwardModel}, backward ${e.backwardModel}.`,
        );
        if (e.changed?.length) this.progress.log(`Changed on resume: ${e.changed.join('; ')}.`);
        break;
      case 'step-start':
        this.step = e.step;
        this.stepNotes = [];
        this.phase(e.step - 1, `step ${e.step}: forward on ${e.batch.length} examples${e.lr !== null ? ` · R=${e.lr}` : ''}`);
        break;
      case 'loss':
        this.stepNotes.push(`batch ${formatScore(e.batchScore)} (${e.failures} wrong)`);
        this.phase(e.step - 1, `step ${e.step}: writing feedback (${e.failures} of ${e.n} wrong)`);
        break;
      case 'gradient':
        this.phase(e.step - 1, `step ${e.step}: updating the prompt`);
        break;
      case 'technique-applied':
        this.stepNotes.push(e.summary);
        break;
      case 'candidate':
        this.stepNotes.push(`${e.edits.length} edit${e.edits.length === 1 ? '' : 's'}`);
        this.phase(e.step - 1, `step ${e.step}: scoring the candidate`);
        break;
      case 'update-skipped':
        this.stepNotes.push(`update skipped: ${e.reason}`);
        break;
      case 'tsa-decision':
        this.stepNotes.push(
          `TSA Δ ${e.delta >= 0 ? '+' : ''}${e.delta.toFixed(3)} · T ${Number(e.temperature.toPrecision(3))} · p ${e.probability.toFixed(3)}` +
            `${e.draw !== null ? ` · draw ${e.draw.toFixed(3)}` : ''} → ${e.accepted ? 'accepted' : 'rejected'}`,
        );
        break;
      case 'review':
        if (e.by !== 'tsa') this.stepNotes.push(e.accepted ? 'accepted' : 'rejected');
        break;
      case 'eval':
        if (e.split === 'val' && e.prompt === 'current' && e.step > 0) {
          this.progress.log(`${this.tag}step ${e.step}/${this.total}: val ${formatScore(e.score)} · ${this.stepNotes.join(' · ')} · ${this.calls} calls · ${formatUsd(this.costUsd)}`);
          this.phase(e.step, `val ${formatScore(e.score)}`);
        }
        break;
      case 'usage':
        this.calls = e.totals.calls;
        this.costUsd = e.totals.costUsd;
        break;
      case 'waiting':
        this.progress.log(`waiting ${e.seconds} s: ${e.message}`);
        break;
      case 'error':
        if (e.fatal) this.progress.error(`error: ${e.message}${e.action ? ` (${e.action})` : ''}`);
        else this.progress.log(`warning: ${e.message}`);
        break;
      case 'done':
        this.progress.end();
        break;
      default:
        break;
    }
    void this.step;
  }
}
