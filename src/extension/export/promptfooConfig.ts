import YAML from 'yaml';
import type { ModelSpec } from '../../core/config/runConfig';
import type { Example } from '../../core/data/example';

/**
 * A `promptfooconfig.yaml` that keeps gating the optimized prompt in CI: the prompt as
 * chat messages, the forward model as the provider, and the dataset's examples as tests
 * with one assertion derived from the metric. Pure (no `vscode`), so it is unit-tested.
 */
export interface PromptfooExportInput {
  /** The optimized prompt text. */
  prompt: string;
  /** Appended to the system prompt, as the run did (the metric's answer-format instruction). */
  formatInstruction?: string;
  /** Whether the prompt has `{{variables}}` bound from each row (else input is the user message). */
  templated: boolean;
  model: ModelSpec;
  metric: string;
  examples: readonly Example[];
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

export function buildPromptfooConfig(x: PromptfooExportInput): PromptfooExport {
  const warnings: string[] = [];
  const system = x.formatInstruction ? `${x.prompt.trimEnd()}\n\n${x.formatInstruction}` : x.prompt;
  const messages = x.templated
    ? [{ role: 'user', content: system }]
    : [
        { role: 'system', content: system },
        { role: 'user', content: '{{input}}' },
      ];
  const provider = providerFor(x.model, warnings);
  const assertion = assertionFor(x.metric, x.rubric, x.pattern, warnings);
  const tests = x.examples.map((e) => ({
    description: e.id,
    vars: x.templated ? { ...e.vars, gold: e.gold } : { input: e.input, gold: e.gold },
  }));
  const doc = {
    description: x.description ?? 'DLPO-optimized prompt',
    prompts: [{ label: 'dlpo-optimized', raw: JSON.stringify(messages, null, 2) }],
    providers: [provider],
    defaultTest: { assert: [assertion] },
    tests,
  };
  const header = [
    '# yaml-language-server: $schema=https://promptfoo.dev/config-schema.json',
    '# Written by DLPO: Export to promptfoo. Run with `npx promptfoo@latest eval`.',
    `# Metric: ${x.metric}. API keys are read by promptfoo from the environment, never stored here.`,
    ...warnings.map((w) => `# NOTE: ${w}`),
  ].join('\n');
  return { yaml: `${header}\n${YAML.stringify(doc, { lineWidth: 0 })}`, warnings };
}

function providerFor(m: ModelSpec, warnings: string[]): Record<string, unknown> {
  const config: Record<string, unknown> = { temperature: m.temperature };
  if (m.maxTokens) config.max_tokens = m.maxTokens;
  if (m.apiKeyEnv) config.apiKeyEnvar = m.apiKeyEnv;
  switch (m.provider) {
    case 'openai':
      if (m.baseUrl) config.apiBaseUrl = m.baseUrl;
      return { id: `openai:chat:${m.model}`, config };
    case 'openai-compatible':
      if (m.baseUrl) config.apiBaseUrl = m.baseUrl;
      return { id: `openai:chat:${m.model}`, config };
    case 'azure':
      if (m.azureEndpoint) config.apiHost = m.azureEndpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '');
      if (m.azureApiVersion) config.apiVersion = m.azureApiVersion;
      return { id: `azure:chat:${m.model}`, config };
    case 'vscode-lm':
      warnings.push(`The run used the VS Code language model "${m.model}", which promptfoo cannot call; the provider below is a placeholder to replace.`);
      return { id: 'openai:chat:gpt-4o-mini', config };
    case 'simulator':
      warnings.push('The run used the offline simulator, which promptfoo cannot call; the provider below is a placeholder to replace.');
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

const EXACT_CI_JS = `const n = (t) => String(t).trim().replace(/\\s+/g, ' ').toLowerCase();
const ms = [...String(output).matchAll(/Answer\\s*:\\s*(.+)/gi)];
const got = ms.length ? ms[ms.length - 1][1] : String(output);
const pass = n(got) === n(context.vars.gold);
return { pass, score: pass ? 1 : 0, reason: pass ? 'correct' : \`expected \${context.vars.gold}\` };`;

function assertionFor(metric: string, rubric: string | undefined, pattern: string | undefined, warnings: string[]): Record<string, unknown> {
  const [name, arg] = splitMetric(metric);
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
      return { type: 'equals', value: '{{gold}}' };
    case 'exact-ci':
      return { type: 'javascript', value: EXACT_CI_JS };
    case 'contains':
      return { type: 'contains', value: '{{gold}}' };
    case 'icontains':
      return { type: 'icontains', value: '{{gold}}' };
    case 'regex':
      return { type: 'regex', value: pattern ?? arg ?? '{{gold}}' };
    case 'json-schema':
      return { type: 'is-json' };
    case 'judge':
      return { type: 'llm-rubric', value: rubric ?? 'The answer is correct and matches the reference answer: {{gold}}' };
    default:
      warnings.push(`No promptfoo assertion is known for the metric "${metric}"; a "contains the gold answer" check is used.`);
      return { type: 'contains', value: '{{gold}}' };
  }
}

function splitMetric(metric: string): [string, string | undefined] {
  const i = metric.indexOf(':');
  return i < 0 ? [metric, undefined] : [metric.slice(0, i), metric.slice(i + 1)];
}
