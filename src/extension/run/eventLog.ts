import type { RunEvent } from '../../core/run/events';
import { percent } from './runProgress';

/**
 * One readable line per journal event for the "DLPO" output channel (null: not worth a
 * line, e.g. streamed gradient tokens). Events never carry keys; this adds none.
 */
export function logLine(e: RunEvent): { level: 'info' | 'warn' | 'error' | 'debug'; text: string } | null {
  switch (e.type) {
    case 'run-start':
      return {
        level: 'info',
        text: `${e.resumedFromStep !== undefined ? `Resumed run ${e.runId} from step ${e.resumedFromStep}` : `Run ${e.runId} started`} on ${e.promptFile}: preset ${e.preset} [${e.techniques.join(', ') || 'no technique'}], forward ${e.forwardModel}, backward ${e.backwardModel}, seed ${e.seed}, ${e.totalSteps} steps, train/val/test ${e.sizes.train}/${e.sizes.val}/${e.sizes.test}${e.simulator ? ' — offline simulator: no real model is called' : ''}`,
      };
    case 'step-start':
      return { level: 'info', text: `Step ${e.step} (epoch ${e.epoch + 1}): batch of ${e.batch.length}${e.lr !== null ? `, learning rate ${e.lr}` : ''}` };
    case 'forward-result':
      return { level: 'debug', text: `  ${e.exampleId}: score ${e.score} (${e.reason})` };
    case 'loss':
      return { level: 'info', text: `  batch score ${percent(e.batchScore)}, ${e.failures} of ${e.n} wrong` };
    case 'gradient-delta':
      return null;
    case 'gradient':
      return { level: 'debug', text: `  gradient from ${e.critiques} critique(s): ${oneLine(e.text, 200)}` };
    case 'technique-applied':
      return { level: 'info', text: `  ${e.summary}` };
    case 'candidate':
      return { level: 'info', text: `  candidate: ${e.edits.length} sentence edit(s)${e.reverted.length ? `, ${e.reverted.length} reverted` : ''}` };
    case 'update-skipped':
      return { level: 'warn', text: `  update skipped: ${e.reason}` };
    case 'tsa-decision':
      return { level: 'info', text: `  TSA Δ ${e.delta.toFixed(2)} · T ${e.temperature} · p ${e.probability.toFixed(3)}${e.draw !== null ? ` · draw ${e.draw.toFixed(2)}` : ''} → ${e.accepted ? 'accepted' : 'rejected'}` };
    case 'review':
      return { level: 'info', text: `  candidate ${e.accepted ? 'accepted' : 'rejected'} by ${e.by}` };
    case 'eval':
      return { level: 'info', text: `  ${e.split} ${percent(e.score)} (${e.prompt} prompt, n ${e.n})` };
    case 'prompt-length':
      return { level: 'debug', text: `  prompt length ${e.sentences} sentences, ${e.tokens} tokens` };
    case 'usage':
    case 'request':
      return null;
    case 'waiting':
      return { level: 'warn', text: `  waiting ${Math.round(e.seconds)} s: ${e.message}` };
    case 'checkpoint':
      return { level: 'debug', text: `  checkpoint after step ${e.step}` };
    case 'error':
      return { level: e.fatal ? 'error' : 'warn', text: `${e.fatal ? 'Error' : 'Warning'} (${e.kind}): ${e.message}${e.action ? ` — ${e.action}` : ''}` };
    case 'done':
      return {
        level: e.stoppedBy === 'error' ? 'error' : 'info',
        text: `Done (${e.stoppedBy}): ${e.message} Steps ${e.steps}, best step ${e.bestStep}; val start ${percent(e.scores.start.val)} → best ${percent(e.scores.best.val)}, test best ${percent(e.scores.best.test)}; ${e.usage.calls} calls (${e.usage.cachedCalls} cached), $${e.usage.costUsd.toFixed(4)}`,
      };
  }
}

function oneLine(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
