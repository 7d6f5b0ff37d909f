import type { AssertionResult } from './scoreAssertion';

/**
 * A test's result from its assertions' results, combined as promptfoo combines them: the
 * score is the weighted mean `Σ weight·score / Σ weight` (weight 1 unless given; 0 when
 * every weight is 0); the test passes when no result failed, or, when there is a non-zero
 * `threshold`, when the score reaches it. A test without assertions passes with score 1.
 * The caller passes a plain assertion of weight 0 as passed (promptfoo's rule: it is
 * checked but cannot fail the test); an `assert-set` of weight 0 can still fail it, as in
 * promptfoo.
 */
export interface TestResult {
  pass: boolean;
  score: number;
  reason: string;
}

export function combineResults(results: readonly { result: AssertionResult; weight?: number }[], threshold?: number): TestResult {
  if (results.length === 0) return { pass: true, score: 1, reason: 'no assertions' };
  let total = 0;
  let weights = 0;
  let failed: string | undefined;
  for (const { result, weight = 1 } of results) {
    total += result.score * weight;
    weights += weight;
    if (!result.pass) failed = result.reason;
  }
  const score = weights > 0 ? total / weights : 0;
  const passedCount = results.filter((r) => r.result.pass).length;
  if (threshold) {
    const pass = score >= threshold;
    return { pass, score, reason: `score ${score.toFixed(2)} ${pass ? '≥' : '<'} threshold ${threshold} (${passedCount}/${results.length} assertions passed)` };
  }
  if (failed === undefined) return { pass: true, score, reason: results.length === 1 ? results[0].result.reason : `all ${results.length} assertions passed` };
  return { pass: false, score, reason: results.length === 1 ? failed : `${passedCount}/${results.length} assertions passed; ${failed}` };
}
