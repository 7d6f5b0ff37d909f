import type { RunEvent, RunEventOf } from '../run/events';
import type { BootstrapInterval, PairedExampleTest, Summary } from './stats';
import { bootstrapMeanInterval, pairedSignTest, summarize } from './stats';

/** What the table needs from one finished run, read from its journal. */
export interface RunRecord {
  config: string;
  seed: number;
  runDir: string;
  done: RunEventOf<'done'>;
  /** Sentences in the final prompt (last `prompt-length` event). */
  finalPromptSentences: number | null;
  /** Per-example test scores of the best prompt, when the trainer recorded them. */
  bestTestExamples: { id: string; score: number }[] | null;
}

export function recordFromEvents(config: string, seed: number, runDir: string, events: readonly RunEvent[]): RunRecord | null {
  const done = [...events].reverse().find((e): e is RunEventOf<'done'> => e.type === 'done');
  if (!done) return null;
  const length = [...events].reverse().find((e): e is RunEventOf<'prompt-length'> => e.type === 'prompt-length');
  const bestTest = events.find(
    (e): e is RunEventOf<'eval'> => e.type === 'eval' && e.split === 'test' && e.prompt === 'best' && !!e.examples,
  );
  return {
    config,
    seed,
    runDir,
    done,
    finalPromptSentences: length ? length.sentences : null,
    bestTestExamples: bestTest?.examples ?? null,
  };
}

type Phase = 'start' | 'best' | 'final';

export interface TableRow {
  config: string;
  runs: number;
  /** Validation and test of the best-validation prompt: the run's result. */
  val: Summary;
  test: Summary;
  scores: Record<Phase, { val: Summary; test: Summary }>;
  stepsToBest: Summary;
  /** Totals over the configuration's runs. */
  calls: number;
  tokens: number;
  costUsd: number;
  finalPromptSentences: Summary;
  stoppedBy: Record<string, number>;
  /** Against the baseline configuration; absent on the baseline row itself. */
  comparison?: {
    baseline: string;
    /** Best-prompt test score minus the baseline's, paired by seed. */
    testDiff: BootstrapInterval | null;
    /** Per-example paired test on the test set (same seed, same example). */
    perExample: PairedExampleTest | null;
  };
}

export function buildTable(records: readonly RunRecord[], configOrder: readonly string[], baseline: string, seed = 1): TableRow[] {
  const byConfig = new Map<string, RunRecord[]>();
  for (const name of configOrder) byConfig.set(name, []);
  for (const r of records) byConfig.get(r.config)?.push(r);
  const base = byConfig.get(baseline) ?? [];
  return configOrder.map((name) => {
    const rs = byConfig.get(name) ?? [];
    const phase = (p: Phase) => ({
      val: summarize(rs.map((r) => r.done.scores[p].val)),
      test: summarize(rs.map((r) => r.done.scores[p].test)),
    });
    const stoppedBy: Record<string, number> = {};
    for (const r of rs) stoppedBy[r.done.stoppedBy] = (stoppedBy[r.done.stoppedBy] ?? 0) + 1;
    const row: TableRow = {
      config: name,
      runs: rs.length,
      val: phase('best').val,
      test: phase('best').test,
      scores: { start: phase('start'), best: phase('best'), final: phase('final') },
      stepsToBest: summarize(rs.map((r) => r.done.bestStep)),
      calls: sum(rs.map((r) => r.done.usage.calls)),
      tokens: sum(rs.map((r) => r.done.usage.promptTokens + r.done.usage.completionTokens)),
      costUsd: sum(rs.map((r) => r.done.usage.costUsd)),
      finalPromptSentences: summarize(rs.map((r) => r.finalPromptSentences)),
      stoppedBy,
    };
    if (name !== baseline && base.length > 0) row.comparison = compare(rs, base, baseline, seed);
    return row;
  });
}

function compare(rs: readonly RunRecord[], base: readonly RunRecord[], baseline: string, seed: number) {
  const baseBySeed = new Map(base.map((b) => [b.seed, b]));
  const diffs: number[] = [];
  const pairs: { a: number; b: number }[] = [];
  for (const r of rs) {
    const b = baseBySeed.get(r.seed);
    if (!b) continue;
    const a = r.done.scores.best.test;
    const c = b.done.scores.best.test;
    if (a !== null && c !== null) diffs.push(a - c);
    if (r.bestTestExamples && b.bestTestExamples) {
      const other = new Map(b.bestTestExamples.map((e) => [e.id, e.score]));
      for (const e of r.bestTestExamples) {
        const s = other.get(e.id);
        if (s !== undefined) pairs.push({ a: e.score, b: s });
      }
    }
  }
  return {
    baseline,
    testDiff: bootstrapMeanInterval(diffs, seed),
    perExample: pairs.length > 0 ? pairedSignTest(pairs) : null,
  };
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
