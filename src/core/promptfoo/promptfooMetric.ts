import type { Example } from '../data/example';
import type { ChatModel } from '../llm/chatModel';
import { MetricConfigError } from '../metrics/errors';
import { judgeMetric } from '../metrics/judge';
import type { Metric } from '../metrics/metric';
import { combineResults, type TestResult } from './combineResults';
import { scoreAssertion, type RubricJudge } from './scoreAssertion';
import { baseType, setMembers } from './supportedAssertions';
import type { PromptfooAssertion, PromptfooTest } from './testCase';

/**
 * The metric of a promptfoo suite: each example carries its test (`example.promptfoo`),
 * whose assertions are checked and combined as promptfoo does (`combineResults`). An
 * example scores 1 when its test passes, as promptfoo would decide, and otherwise the
 * test's weighted score kept below 1, so "correct" in DLPO is "passed" in promptfoo and a
 * failed test with partial credit still tells the optimizer it is closer.
 *
 * No answer-format instruction: promptfoo sends the prompt as written, and assertions
 * such as `equals` read the whole output.
 */
export const PROMPTFOO_METRIC_NAME = 'promptfoo';

export function usesJudge(tests: readonly PromptfooTest[]): boolean {
  const rubric = (a: PromptfooAssertion): boolean => (a.type === 'assert-set' ? setMembers(a).some(rubric) : baseType(a.type) === 'llm-rubric');
  return tests.some((t) => t.assert.some(rubric));
}

/** Assertions scored and combined; an `assert-set` is its own assertions combined with its own threshold. */
async function scoreAll(assertions: readonly PromptfooAssertion[], threshold: number | undefined, output: string, judge: RubricJudge, signal?: AbortSignal): Promise<TestResult> {
  const results = [];
  for (const a of assertions) {
    if (a.type === 'assert-set') {
      const set = await scoreAll(setMembers(a), a.threshold, output, judge, signal);
      results.push({ result: { ...set, reason: `assert-set: ${set.reason}` }, weight: a.weight });
      continue;
    }
    const r = await scoreAssertion(a, output, judge, signal);
    // promptfoo runs an assertion of weight 0 but never lets it fail the test.
    results.push({ result: a.weight === 0 ? { ...r, pass: true } : r, weight: a.weight });
  }
  return combineResults(results, threshold);
}

export function promptfooMetric(options: { judgeModel?: ChatModel; tests: readonly PromptfooTest[] }): Metric {
  const model = options.judgeModel;
  // Checked when a rubric is graded rather than here, so a suite can be loaded (to export it, to inspect it) without a judge; `dlpo eval` and runs always pass one.
  const judge: RubricJudge = async (rubric, output, signal) => {
    if (!model) throw new MetricConfigError('the suite has llm-rubric assertions, which need a judge model (the backward model is used by default)');
    // The rubric is the whole criterion; promptfoo's grader sees no reference answer.
    const graded = await judgeMetric({ judgeModel: model, rubric }).score(output, { id: '', input: '', gold: '', vars: {} }, { signal });
    return { score: graded.score, reason: graded.reason.replace(/^judge: /, '') };
  };
  return {
    name: PROMPTFOO_METRIC_NAME,
    description: "The example's promptfoo assertions, checked and combined as promptfoo does",
    formatInstruction: '',
    async score(output: string, example: Example, opts) {
      const test = example.promptfoo;
      if (!test) return { score: 0, reason: 'this example has no promptfoo test' };
      const combined = await scoreAll(test.assert, test.threshold, output, judge, opts?.signal);
      const score = combined.pass ? 1 : Math.min(combined.score, 0.99);
      return { score, reason: combined.reason };
    },
  };
}
