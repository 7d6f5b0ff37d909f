import type { PromptfooAssertion } from './testCase';

/**
 * A CSV `__expected` cell read as promptfoo reads it: `javascript:`/`fn:`/`eval:`,
 * `python:`, `grade:`/`llm-rubric:` prefixes; otherwise `[not-]TYPE[(threshold)][:value]`
 * for a known assertion type; otherwise the whole cell is an `equals` value. The cell is
 * trimmed first (by the caller, as promptfoo does).
 */

/** Assertion types promptfoo knows by name (the ones a CSV cell can start with). */
const KNOWN_TYPES = [
  'answer-relevance', 'bleu', 'classifier', 'contains-all', 'contains-any', 'contains-html', 'contains-json', 'contains-sql',
  'contains-xml', 'contains', 'context-faithfulness', 'context-recall', 'context-relevance', 'conversation-relevance', 'cost',
  'equals', 'factuality', 'finish-reason', 'g-eval', 'gleu', 'guardrails', 'icontains-all', 'icontains-any', 'icontains',
  'is-html', 'is-json', 'is-refusal', 'is-sql', 'is-valid-function-call', 'is-valid-openai-function-call',
  'is-valid-openai-tools-call', 'is-xml', 'javascript', 'latency', 'levenshtein', 'llm-rubric', 'meteor', 'model-graded-closedqa',
  'model-graded-factuality', 'moderation', 'perplexity-score', 'perplexity', 'pi', 'python', 'regex', 'rouge-n', 'ruby',
  'select-best', 'similar', 'starts-with', 'trace-error-spans', 'trace-span-count', 'trace-span-duration', 'webhook', 'word-count',
] as const;

// Longest names first, so `contains-json` is not read as `contains` with the value `-json`.
const TYPE_ALTERNATION = [...KNOWN_TYPES].sort((a, b) => b.length - a.length).map((t) => t.replace(/-/g, '\\-')).join('|');
const CELL = new RegExp(`^(not-)?(${TYPE_ALTERNATION})(?:\\((\\d+(?:\\.\\d+)?)\\))?(?::([\\s\\S]*))?$`);

const LIST_TYPES = new Set(['contains-all', 'contains-any', 'icontains-all', 'icontains-any']);
/** Types whose cell form carries a threshold, defaulting as promptfoo's does. */
const THRESHOLD_TYPES = new Set([
  'answer-relevance', 'classifier', 'context-faithfulness', 'context-recall', 'context-relevance', 'cost', 'latency',
  'levenshtein', 'perplexity-score', 'perplexity', 'rouge-n', 'similar', 'starts-with',
]);

export function assertionFromString(cell: string): PromptfooAssertion {
  for (const prefix of ['javascript:', 'fn:', 'eval:']) {
    if (cell.startsWith(prefix)) return { type: 'javascript', value: cell.slice(prefix.length).trim() };
  }
  if (cell.startsWith('file://') && /\.(m?js|cjs|ts|mts|cts)(:|$)/.test(cell)) return { type: 'javascript', value: cell };
  if (cell.startsWith('grade:')) return { type: 'llm-rubric', value: cell.slice(6) };
  if (cell.startsWith('llm-rubric:')) return { type: 'llm-rubric', value: cell.slice(11) };
  if (cell.startsWith('python:')) return { type: 'python', value: cell.slice(7).trim() };
  if (cell.startsWith('file://') && (cell.endsWith('.py') || cell.includes('.py:'))) return { type: 'python', value: cell.slice(7).trim() };
  const m = CELL.exec(cell);
  if (!m) return { type: 'equals', value: cell };
  const [, not, type, thresholdText, value] = m;
  const fullType = not ? `not-${type}` : type;
  if (LIST_TYPES.has(type)) return { type: fullType, value: value === undefined ? undefined : value.split(',').map((s) => s.trim()) };
  if (type === 'contains-json' || type === 'is-json') return value === undefined ? { type: fullType } : { type: fullType, value };
  const out: PromptfooAssertion = { type: fullType };
  if (value !== undefined) out.value = value.trim();
  if (THRESHOLD_TYPES.has(type)) {
    const t = thresholdText === undefined ? NaN : Number.parseFloat(thresholdText);
    out.threshold = Number.isFinite(t) ? t : type === 'similar' ? 0.8 : 0.75;
  }
  return out;
}
