import { strict as assert } from 'node:assert';
import YAML from 'yaml';
import { buildPromptfooConfig, type PromptfooExportInput } from '../../../src/extension/export/promptfooConfig';
import type { ModelSpec } from '../../../src/core/config/runConfig';

const model: ModelSpec = { provider: 'openai', model: 'gpt-4o-mini', temperature: 0 };
const examples = [
  { id: 'gsm8k#1', input: 'Tom has 3 apples and buys 4 more. How many?', gold: '7', vars: { question: 'Tom has 3 apples and buys 4 more. How many?', answer: '7' } },
  { id: 'gsm8k#2', input: 'What is 1,000 + 250?', gold: '1250', vars: { question: 'What is 1,000 + 250?', answer: '1250' } },
];
const sent = (e: (typeof examples)[number]) => [
  { role: 'system' as const, content: 'Solve the problem step by step.' },
  { role: 'user' as const, content: `${e.input}\n\nEnd with "Answer: $VALUE".` },
];
const input = (over: Partial<PromptfooExportInput> = {}): PromptfooExportInput => ({
  prompt: 'Solve the problem step by step.',
  tests: examples.map((example) => ({ example, messages: sent(example) })),
  model,
  metric: 'numeric',
  ...over,
});

type Doc = {
  prompts: { label: string; raw: string }[];
  providers: { id: string; config: Record<string, unknown> }[];
  defaultTest: { assert: { type: string; value?: string }[] };
  tests: { description: string; vars: Record<string, string> }[];
};

/** Runs a promptfoo `javascript` assertion the way promptfoo does: a function body of (output, context). */
function runJs(code: string, output: string, gold: string): { pass: boolean; reason: string } {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('output', 'context', code)(output, { vars: { gold } }) as { pass: boolean; reason: string };
}

describe('Export to promptfoo', () => {
  it('writes each example’s messages exactly as given, the provider, and one test per example', () => {
    const { yaml, warnings } = buildPromptfooConfig(input());
    assert.deepEqual(warnings, []);
    assert.match(yaml, /^# yaml-language-server: \$schema=/);
    assert.match(yaml, /^# {3}Solve the problem step by step\.$/m);
    const doc = YAML.parse(yaml) as Doc;
    assert.equal(doc.prompts[0].raw, '{{ dlpo_messages }}');
    const messages = JSON.parse(doc.tests[1].vars.dlpo_messages) as { role: string; content: string }[];
    assert.deepEqual(messages, sent(examples[1]));
    assert.equal(doc.providers[0].id, 'openai:chat:gpt-4o-mini');
    assert.equal(doc.providers[0].config.temperature, 0);
    assert.deepEqual(doc.tests.map((t) => t.vars.gold), ['7', '1250']);
  });

  it('derives a numeric assertion that passes right answers and fails wrong ones', () => {
    const doc = YAML.parse(buildPromptfooConfig(input()).yaml) as Doc;
    const a = doc.defaultTest.assert[0];
    assert.equal(a.type, 'javascript');
    assert.equal(runJs(a.value!, 'First 3, then 4.\nAnswer: 7', '7').pass, true);
    assert.equal(runJs(a.value!, 'Answer: 1,250', '1250').pass, true);
    assert.equal(runJs(a.value!, 'Answer: 6. Wait, Answer: 8', '7').pass, false);
    assert.equal(runJs(a.value!, 'seven', '7').pass, false);
    assert.equal(runJs(a.value!, 'Answer: -3/4', '-0.75').pass, true);
  });

  it('derives a choice assertion for multiple choice', () => {
    const doc = YAML.parse(buildPromptfooConfig(input({ metric: 'choice' })).yaml) as Doc;
    const code = doc.defaultTest.assert[0].value!;
    assert.equal(runJs(code, 'So it is B.\nAnswer: (B)', '(B)').pass, true);
    assert.equal(runJs(code, 'Answer: (C)', '(B)').pass, false);
  });

  it('maps text metrics to promptfoo’s built-in assertions', () => {
    const type = (metric: string) => (YAML.parse(buildPromptfooConfig(input({ metric })).yaml) as Doc).defaultTest.assert[0];
    assert.equal(type('exact').type, 'javascript');
    assert.deepEqual(type('contains'), { type: 'contains', value: '{{gold}}' });
    assert.deepEqual(type('icontains'), { type: 'icontains', value: '{{gold}}' });
    assert.deepEqual(type('regex:^\\d+$'), { type: 'regex', value: '^\\d+$' });
    assert.equal(type('judge').type, 'llm-rubric');
  });

  it('maps Azure and compatible endpoints, and never writes a key', () => {
    const azure = YAML.parse(
      buildPromptfooConfig(input({ model: { provider: 'azure', model: 'my-deploy', azureEndpoint: 'https://res.openai.azure.com/', azureApiVersion: '2024-10-21', apiKeyEnv: 'MY_KEY', temperature: 0 } })).yaml,
    ) as Doc;
    assert.equal(azure.providers[0].id, 'azure:chat:my-deploy');
    assert.equal(azure.providers[0].config.apiHost, 'res.openai.azure.com');
    assert.equal(azure.providers[0].config.apiKeyEnvar, 'MY_KEY');
    const local = YAML.parse(buildPromptfooConfig(input({ model: { provider: 'openai-compatible', model: 'llama3.1', baseUrl: 'http://127.0.0.1:11434/v1', temperature: 0 } })).yaml) as Doc;
    assert.equal(local.providers[0].config.apiBaseUrl, 'http://127.0.0.1:11434/v1');
  });

  it('warns when the run’s provider cannot be called from promptfoo', () => {
    const sim = buildPromptfooConfig(input({ model: { provider: 'simulator', model: 'simulator', temperature: 0 } }));
    assert.equal(sim.warnings.length, 1);
    assert.match(sim.yaml, /# NOTE: The run used the offline simulator/);
    const lm = buildPromptfooConfig(input({ model: { provider: 'vscode-lm', model: 'copilot/gpt-4o', temperature: 0 } }));
    assert.match(lm.warnings[0], /VS Code language model "copilot\/gpt-4o"/);
  });
});
