import type { ChatModel } from '../llm/chatModel';
import type { Metric, MetricResult } from './metric';
import { brief } from './answerText';
import { MetricConfigError } from './errors';

export const DEFAULT_JUDGE_RUBRIC =
  'The response is correct if its final answer means the same as the reference answer. Ignore style and length.';

/**
 * Reads a score in 0..1 from a judge's reply, whatever shape it took: JSON
 * `{"score": …, "reason": …}`, the reference's `<ACCURACY> 1 </ACCURACY>`, `Score: 7/10`,
 * `score: 0.8`, `PASS`/`FAIL`, or a lone number. Scores above 1 are read as out of 10
 * (or 100). Undefined when nothing usable is there.
 */
export function parseJudgeReply(reply: string): { score: number; reason: string } | undefined {
  // A judge's verdict is short; a hostile or runaway reply is cut so parsing stays cheap.
  const text = reply.trim().slice(0, 20_000);
  const reasonFrom = (fallback: string) => {
    const m = /reason\s*[:=]\s*"?([^\n"]+)/i.exec(text);
    return brief(m ? m[1] : fallback, 80);
  };
  const scale = (raw: number, outOf?: number) => {
    if (!Number.isFinite(raw)) return undefined;
    let v = outOf ? raw / outOf : raw;
    if (!outOf && v > 1) v = v <= 10 ? v / 10 : v / 100;
    return v < 0 || v > 1 ? undefined : v;
  };
  const open = text.indexOf('{');
  const close = text.lastIndexOf('}');
  if (open >= 0 && close > open) {
    try {
      const obj = JSON.parse(text.slice(open, close + 1)) as Record<string, unknown>;
      const raw = obj.score ?? obj.Score ?? obj.accuracy ?? obj.grade;
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number.parseFloat(raw) : typeof raw === 'boolean' ? Number(raw) : NaN;
      const v = scale(n);
      if (v !== undefined) return { score: v, reason: brief(typeof obj.reason === 'string' ? obj.reason : 'judge gave no reason', 80) };
    } catch {
      // not JSON after all; try the other shapes
    }
  }
  const tag = /<ACCURACY>\s*([0-9.]+)\s*<\/ACCURACY>/i.exec(text);
  if (tag) {
    const v = scale(Number.parseFloat(tag[1]));
    if (v !== undefined) return { score: v, reason: reasonFrom(v >= 0.5 ? 'judged correct' : 'judged incorrect') };
  }
  const outOf = /score[\s:=*]{0,20}(-?[0-9]+(?:\.[0-9]+)?)\s{0,5}(?:\/|out of)\s{0,5}([0-9]+)/i.exec(text);
  if (outOf) {
    const v = scale(Number.parseFloat(outOf[1]), Number.parseFloat(outOf[2]));
    if (v !== undefined) return { score: v, reason: reasonFrom(`score ${outOf[1]}/${outOf[2]}`) };
  }
  const labelled = /score\s{0,5}[:=][\s*]{0,10}(-?[0-9]+(?:\.[0-9]+)?)/i.exec(text);
  if (labelled) {
    const v = scale(Number.parseFloat(labelled[1]));
    if (v !== undefined) return { score: v, reason: reasonFrom(`score ${labelled[1]}`) };
  }
  const verdict = /\b(PASS|FAIL|CORRECT|INCORRECT)\b/.exec(text);
  if (verdict) return { score: verdict[1] === 'PASS' || verdict[1] === 'CORRECT' ? 1 : 0, reason: reasonFrom(verdict[1].toLowerCase()) };
  const lone = /^\s*([01](?:\.[0-9]+)?)\s*$/.exec(text);
  if (lone) return { score: Number.parseFloat(lone[1]), reason: 'judge gave a bare score' };
  return undefined;
}

/** An LLM judge with a rubric. One call per scored output (purpose `judge`, temperature 0). */
export function judgeMetric(options: { judgeModel?: ChatModel; rubric?: string }): Metric {
  const model = options.judgeModel;
  if (!model) throw new MetricConfigError('the judge metric needs a judge model (the backward model is used by default)');
  const rubric = options.rubric?.trim() || DEFAULT_JUDGE_RUBRIC;
  return {
    name: 'judge',
    description: `An LLM (${model.label}) grades the output against the reference with a rubric`,
    formatInstruction: '',
    async score(output, example, opts): Promise<MetricResult> {
      const response = await model.complete(
        {
          temperature: 0,
          messages: [
            {
              role: 'system',
              content:
                'You grade a model response. Follow the rubric. Reply with JSON only: {"score": <number from 0 to 1>, "reason": "<one short sentence>"}.',
            },
            {
              role: 'user',
              content: `Rubric:\n${rubric}\n\nQuestion:\n${example.input}\n\nReference answer:\n${example.gold || '(none)'}\n\nResponse to grade:\n${output}`,
            },
          ],
        },
        { signal: opts?.signal, purpose: 'judge' },
      );
      const parsed = parseJudgeReply(response.text);
      if (!parsed) return { score: 0, reason: `judge reply not understood: "${brief(response.text, 50)}"` };
      return { score: parsed.score, reason: `judge: ${parsed.reason}` };
    },
  };
}
