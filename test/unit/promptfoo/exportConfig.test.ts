import { strict as assert } from 'node:assert';
import nunjucks from 'nunjucks';
import YAML from 'yaml';
import type { Example } from '../../../src/core/data/example';
import { exactMetric } from '../../../src/core/metrics/exact';
import { EXACT_CI_JS, EXACT_JS } from '../../../src/core/promptfoo/exactAssertion';
import { buildPromptfooConfig, messagesJson } from '../../../src/core/promptfoo/exportConfig';

function runJs(code: string, output: string, gold: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return (new Function('output', 'context', code)(output, { vars: { gold } }) as { pass: boolean }).pass;
}

const env = new nunjucks.Environment(null, { autoescape: false });

describe('promptfoo export', () => {
  it('message JSON has no template syntax left for promptfoo to touch, and parses back exactly', () => {
    const messages = [
      { role: 'system' as const, content: 'Use {{ braces }} and {% tags %} and {# notes #} literally.\n"quoted" \\ back' },
      { role: 'user' as const, content: '{"json": {"nested": true}}\n\nEnd with Answer: $X' },
    ];
    const json = messagesJson(messages);
    assert.doesNotMatch(json, /\{[{%#]/);
    assert.doesNotMatch(json, /\{\{\s*\w+\s*\}\}/);
    // What promptfoo does with the var: renders it with nunjucks, then parses the prompt as chat JSON.
    assert.deepEqual(JSON.parse(env.renderString(env.renderString('{{ dlpo_messages }}', { dlpo_messages: json }), {})), messages);
  });

  it('a promptfoo suite keeps its own assertions, thresholds and weights; template-looking values render to themselves', () => {
    const example: Example = {
      id: 'Row #1',
      input: 'q',
      gold: '',
      vars: {},
      promptfoo: {
        description: 'Row #1',
        vars: {},
        threshold: 0.5,
        origin: { file: 'f.yaml', record: 1 },
        assert: [
          { type: 'equals', value: 'Use {{x}} here' },
          { type: 'contains-any', value: ['a', '{% b %}'], weight: 2 },
          { type: 'is-json', value: { type: 'object' } },
          { type: 'llm-rubric', value: 'Is polite' },
        ],
      },
    };
    const built = buildPromptfooConfig({
      prompt: 'P',
      tests: [{ example, messages: [{ role: 'user', content: 'q' }] }],
      model: { provider: 'openai-compatible', model: 'm', baseUrl: 'http://127.0.0.1:1/v1', temperature: 0.2, maxTokens: 50 },
      judge: { provider: 'openai-compatible', model: 'judge', baseUrl: 'http://127.0.0.1:1/v1', temperature: 0.7 },
      metric: 'promptfoo',
    });
    const doc = YAML.parse(built.yaml) as {
      providers: { id: string; config: Record<string, unknown> }[];
      defaultTest: { options: { provider: { id: string; config: Record<string, unknown> } } };
      tests: { assert: { type: string; value: unknown; weight?: number }[]; threshold: number; vars: Record<string, string> }[];
    };
    const t = doc.tests[0];
    assert.equal(t.threshold, 0.5);
    assert.deepEqual(Object.keys(t.vars), ['dlpo_messages']);
    assert.equal(env.renderString(t.assert[0].value as string, {}), 'Use {{x}} here');
    assert.deepEqual((t.assert[1].value as string[]).map((v) => env.renderString(v, {})), ['a', '{% b %}']);
    assert.equal(t.assert[1].weight, 2);
    assert.deepEqual(t.assert[2].value, { type: 'object' });
    assert.deepEqual(doc.providers[0], { id: 'openai:chat:m', config: { temperature: 0.2, max_tokens: 50, apiBaseUrl: 'http://127.0.0.1:1/v1' } });
    assert.deepEqual(doc.defaultTest.options.provider, { id: 'openai:chat:judge', config: { temperature: 0, apiBaseUrl: 'http://127.0.0.1:1/v1' } });
  });

  it('the exact / exact-ci javascript checks agree with our metrics on the same replies', async () => {
    const replies = [
      'Answer: Paris',
      'Reasoning... Answer: **Paris**.',
      'answer is: paris',
      'Answer: Paris\nand more text',
      'Paris',
      '  Paris  ',
      'The answer: "Paris"',
      'Answer: Lyon. Answer: Paris',
      'Answer: Paris Answer: Lyon',
      'ANSWER：Ｐａｒｉｓ',
      'Answer:   new   york',
      'nothing here',
    ];
    for (const gold of ['Paris', 'paris', 'New York', '"Paris".']) {
      for (const r of replies) {
        const ex = { id: 'x', input: '', gold, vars: {} };
        assert.equal(runJs(EXACT_JS, r, gold), (await exactMetric().score(r, ex)).score === 1, `exact: ${JSON.stringify(r)} vs ${gold}`);
        assert.equal(runJs(EXACT_CI_JS, r, gold), (await exactMetric({ caseInsensitive: true }).score(r, ex)).score === 1, `exact-ci: ${JSON.stringify(r)} vs ${gold}`);
      }
    }
  });
});
