import YAML from 'yaml';
import type { ModelSpec } from '../config/runConfig';
import type { Example } from '../data/example';
import type { Task } from '../data/task';
import type { ChatMessage } from '../llm/chatModel';
import { EXACT_CI_JS, EXACT_JS } from './exactAssertion';
import { PROMPTFOO_METRIC_NAME, usesJudge } from './promptfooMetric';
import { setMembers } from './supportedAssertions';
import type { PromptfooAssertion } from './testCase';

/**
 * A `promptfooconfig.yaml` that runs in the real promptfoo CLI what `dlpo eval` runs:
 *
 * - **The same messages.** Each test carries the exact chat messages `dlpo eval` sends for
 *   its example (`Task.forwardMessages`: the whole prompt file rendered, Copilot
 *   `${input:x}` and Prompty `{{inputs.x}}` filled, the format instruction where eval puts
 *   it) as JSON in the var `dlpo_messages`, and the prompt is just that var. promptfoo
 *   parses a JSON message list as chat messages. Braces inside the JSON strings are
 *   written as `\u007b`/`\u007d`, so promptfoo's template pass (nunjucks, and its
 *   `{{var}}` substitution inside vars) finds nothing to change; JSON.parse restores them.
 *   The price: the prompt is baked into the tests, so export again after editing it.
 * - **The same checks.** A promptfoo suite keeps each test's own assertions (values as
 *   DLPO rendered them, guarded with `{% raw %}` when they contain template syntax), its
 *   threshold and weights; other metrics become one assertion in `defaultTest` with the
 *   gold in the var `gold` (`javascript` replicas of our numeric, choice, boxed and exact
 *   checks; promptfoo's own `contains`/`icontains`/`regex`/`llm-rubric` where they mean
 *   the same).
 * - **The same models**: the forward model as the provider (temperature and max tokens as
 *   the run had them), the judge model as the grader for `llm-rubric`.
 */

export interface PromptfooExportTest {
  example: Example;
  /** What `dlpo eval` sends for this example. */
  messages: readonly ChatMessage[];
}

export interface PromptfooExportInput {
  /** The prompt (body) being exported; shown in the header and the description. */
  prompt: string;
  tests: readonly PromptfooExportTest[];
  model: ModelSpec;
  /** Grades `llm-rubric` (DLPO's judge is the backward model). */
  judge?: ModelSpec;
  /** The run's metric spec (`numeric`, `regex:^\d+$`, `promptfoo`, …). */
  metric: string;
  description?: string;
  /** `judge` metric: the rubric. */
  rubric?: string;
  /** `regex` metric with a fixed pattern. */
  pattern?: string;
}

export interface PromptfooExport {
  yaml: string;
  /** Things the user must know (e.g. a provider promptfoo cannot call). */
  warnings: string[];
}

/** The messages, as `dlpo eval` sends them, for each example. */
export function exportTests(task: Pick<Task, 'forwardMessages'>, prompt: string, examples: readonly Example[], options: { includeFormatInstruction: boolean }): PromptfooExportTest[] {
  return examples.map((example) => ({ example, messages: task.forwardMessages(prompt, example, options) }));
}

/** JSON of the messages with every brace inside a string escaped (see above). */
export function messagesJson(messages: readonly ChatMessage[]): string {
  const str = (s: string) => JSON.stringify(s).replace(/[{}]/g, (c) => (c === '{' ? '\\u007b' : '\\u007d'));
  return `[${messages.map((m) => `{"role":${str(m.role)},"content":${str(m.content)}}`).join(',')}]`;
}

const TEMPLATE_SYNTAX = /\{[{%#]/;

/** A value promptfoo will render with nunjucks, made to render to itself. */
function literal(value: string, warnings: string[]): string {
  if (!TEMPLATE_SYNTAX.test(value)) return value;
  if (/\{%-?\s*endraw/.test(value)) warnings.push(`An assertion value contains "{% endraw %}"; promptfoo may render it differently: ${value.slice(0, 60)}`);
  return `{% raw %}${value}{% endraw %}`;
}

function literalAssertion(a: PromptfooAssertion, warnings: string[]): PromptfooAssertion {
  if (a.type === 'assert-set') return { ...a, assert: setMembers(a).map((m) => literalAssertion(m, warnings)) };
  if (typeof a.value === 'string') return { ...a, value: literal(a.value, warnings) };
  if (Array.isArray(a.value)) return { ...a, value: a.value.map((v) => (typeof v === 'string' ? literal(v, warnings) : v)) };
  return { ...a };
}

export function buildPromptfooConfig(x: PromptfooExportInput): PromptfooExport {
  const warnings: string[] = [];
  const provider = providerFor(x.model, warnings, 'forward');
  const ownAssertions = x.metric.split(':')[0] === PROMPTFOO_METRIC_NAME;
  const tests = x.tests.map(({ example, messages }) => {
    const test: Record<string, unknown> = { description: example.id, vars: { dlpo_messages: messagesJson(messages) } };
    if (ownAssertions) {
      const own = example.promptfoo;
      if (!own) throw new Error(`example ${example.id} has no promptfoo test to export`);
      if (own.assert.length) test.assert = own.assert.map((a) => literalAssertion(a, warnings));
      if (own.threshold !== undefined) test.threshold = own.threshold;
    } else {
      (test.vars as Record<string, string>).gold = example.gold;
    }
    return test;
  });
  const needsGrader = ownAssertions ? usesJudge(x.tests.flatMap((t) => (t.example.promptfoo ? [t.example.promptfoo] : []))) : x.metric.startsWith('judge');
  const defaultTest: Record<string, unknown> = {};
  if (!ownAssertions) defaultTest.assert = [assertionFor(x.metric, x.rubric, x.pattern, warnings)];
  if (needsGrader && x.judge) defaultTest.options = { provider: providerFor(x.judge, warnings, 'judge') };
  const doc: Record<string, unknown> = {
    description: x.description ?? 'DLPO-optimized prompt',
    prompts: [{ label: 'dlpo-optimized', raw: '{{ dlpo_messages }}' }],
    providers: [provider],
    ...(Object.keys(defaultTest).length ? { defaultTest } : {}),
    tests,
  };
  const promptLines = x.prompt.split('\n').slice(0, 40);
  const header = [
    '# yaml-language-server: $schema=https://promptfoo.dev/config-schema.json',
    '# Written by DLPO. Run with `npx promptfoo@latest eval -c <this file>`.',
    '# Each test sends exactly the messages `dlpo eval` sends (var dlpo_messages); export again after editing the prompt.',
    `# Metric: ${x.metric}. API keys are read by promptfoo from the environment, never stored here.`,
    ...warnings.map((w) => `# NOTE: ${w}`),
    '# The prompt:',
    ...promptLines.map((l) => `#   ${l}`),
    ...(x.prompt.split('\n').length > promptLines.length ? ['#   …'] : []),
  ].join('\n');
  return { yaml: `${header}\n${YAML.stringify(doc, { lineWidth: 0 })}`, warnings };
}

function providerFor(m: ModelSpec, warnings: string[], role: 'forward' | 'judge'): Record<string, unknown> {
  const config: Record<string, unknown> = { temperature: role === 'judge' ? 0 : m.temperature };
  if (m.maxTokens && role === 'forward') config.max_tokens = m.maxTokens;
  if (m.apiKeyEnv) config.apiKeyEnvar = m.apiKeyEnv;
  const what = role === 'judge' ? 'judge' : 'run';
  switch (m.provider) {
    case 'openai':
    case 'openai-compatible':
      if (m.baseUrl) config.apiBaseUrl = m.baseUrl;
      return { id: `openai:chat:${m.model}`, config };
    case 'azure':
      if (m.azureEndpoint) config.apiHost = m.azureEndpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '');
      if (m.azureApiVersion) config.apiVersion = m.azureApiVersion;
      return { id: `azure:chat:${m.model}`, config };
    case 'vscode-lm':
      warnings.push(`The ${what} used the VS Code language model "${m.model}", which promptfoo cannot call; the provider below is a placeholder to replace.`);
      return { id: 'openai:chat:gpt-4o-mini', config };
    case 'simulator':
      warnings.push(`The ${what} used the offline simulator, which promptfoo cannot call; the provider below is a placeholder to replace.`);
      return { id: 'openai:chat:gpt-4o-mini', config };
  }
}

/** JavaScript assertions see `output` and `context.vars`; they return a GradingResult. */
const NUMERIC_JS = `const toNum = (s) => { const t = String(s).replace(/[,\\s$]/g, ''); const f = t.match(/^(-?\\d+)\\/(\\d+)$/); return f ? Number(f[1]) / Number(f[2]) : Number(t); };
const ms = [...String(output).matchAll(/Answer\\s*:\\s*\\**\\s*\\$?\\s*(-?[\\d,]*\\.?\\d+(?:\\/\\d+)?)/gi)];
if (ms.length === 0) return { pass: false, score: 0, reason: 'no number after "Answer:"' };
const got = toNum(ms[ms.length - 1][1]);
const gold = toNum(context.vars.gold);
const pass = Math.abs(got - gold) <= 1e-6 * Math.max(1, Math.abs(gold));
return { pass, score: pass ? 1 : 0, reason: pass ? 'correct' : \`expected \${gold}, got \${got}\` };`;

const CHOICE_JS = `const ms = [...String(output).matchAll(/Answer\\s*:\\s*\\(?([A-R])\\)?/g)];
const got = ms.length ? ms[ms.length - 1][1] : null;
const gold = String(context.vars.gold).replace(/[()\\s]/g, '').toUpperCase();
const pass = got === gold;
return { pass, score: pass ? 1 : 0, reason: pass ? 'correct' : \`expected (\${gold}), got \${got ? '(' + got + ')' : 'no option'}\` };`;

const BOXED_JS = `const s = String(output); const i = s.lastIndexOf('\\\\boxed{');
if (i < 0) return { pass: false, score: 0, reason: 'no \\\\boxed{}' };
let depth = 0, j = i + 7, start = j; for (; j < s.length; j++) { if (s[j] === '{') depth++; else if (s[j] === '}') { if (depth === 0) break; depth--; } }
const norm = (t) => String(t).replace(/\\\\boxed\\{([\\s\\S]*)\\}/, '$1').replace(/[\\s{}$]/g, '').replace(/\\\\left|\\\\right|\\\\!|\\\\,/g, '');
const got = s.slice(start, j); const pass = norm(got) === norm(context.vars.gold);
return { pass, score: pass ? 1 : 0, reason: pass ? 'correct' : \`expected \${context.vars.gold}, got \${got}\` };`;

function assertionFor(metric: string, rubric: string | undefined, pattern: string | undefined, warnings: string[]): Record<string, unknown> {
  const colon = metric.indexOf(':');
  const name = colon < 0 ? metric : metric.slice(0, colon);
  const arg = colon < 0 ? undefined : metric.slice(colon + 1);
  switch (name) {
    case 'numeric':
      return { type: 'javascript', value: NUMERIC_JS };
    case 'lenient':
      warnings.push('The "lenient" metric is checked with the strict numeric rule in promptfoo.');
      return { type: 'javascript', value: NUMERIC_JS };
    case 'choice':
      return { type: 'javascript', value: CHOICE_JS };
    case 'boxed':
      warnings.push('The "boxed" check below normalises spacing and braces only; DLPO’s metric also handles LaTeX equivalences.');
      return { type: 'javascript', value: BOXED_JS };
    case 'exact':
      return { type: 'javascript', value: EXACT_JS };
    case 'exact-ci':
      return { type: 'javascript', value: EXACT_CI_JS };
    case 'contains':
      return { type: 'contains', value: '{{gold}}' };
    case 'icontains':
      return { type: 'icontains', value: '{{gold}}' };
    case 'regex':
      return { type: 'regex', value: pattern ?? arg ?? '{{gold}}' };
    case 'json-schema':
      warnings.push('The "json-schema" metric is exported as is-json without the schema.');
      return { type: 'is-json' };
    case 'judge':
      return { type: 'llm-rubric', value: rubric ?? arg ?? 'The answer is correct and matches the reference answer: {{gold}}' };
    default:
      warnings.push(`No promptfoo assertion is known for the metric "${metric}"; a "contains the gold answer" check is used.`);
      return { type: 'contains', value: '{{gold}}' };
  }
}
