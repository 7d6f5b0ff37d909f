import { strict as assert } from 'node:assert';
import { bindVariables, checkVariables, findVariables, renderTemplate, TemplateError } from '../../../src/core/prompt/templateVariables';

describe('template variables', () => {
  it('detects the four spellings with positions', () => {
    const text = 'A {{question}} B {{ question }} C {{inputs.context}} D ${input:topic} E ${input:lang:e.g. English} F {{#each}} ${selection}';
    const vars = findVariables(text);
    assert.deepEqual(
      vars.map((v) => [v.name, v.syntax]),
      [
        ['question', 'mustache'],
        ['question', 'mustache'],
        ['context', 'prompty-inputs'],
        ['topic', 'copilot-input'],
        ['lang', 'copilot-input'],
      ],
    );
    for (const v of vars) assert.equal(text.slice(v.start, v.end), v.raw);
    assert.equal(vars[4].placeholder, 'e.g. English');
  });

  it('renders by name, case-insensitively as a fallback, values verbatim', () => {
    assert.equal(renderTemplate('Q: {{ question }} / {{inputs.Ctx}} / ${input:question}', { question: '2+2 {{x}}', ctx: 'c' }), 'Q: 2+2 {{x}} / c / 2+2 {{x}}');
  });

  it('an unknown variable is a TemplateError naming it and the fields', () => {
    assert.throws(() => renderTemplate('{{questoin}}', { question: 'x', answer: 'y' }), (e: unknown) => e instanceof TemplateError && /\{\{questoin\}\}.*fields: question, answer/.test(e.message));
  });

  it('binds to dataset fields', () => {
    assert.deepEqual(bindVariables(['question', 'Context', 'nope'], ['question', 'context']), { binding: { question: 'question', Context: 'context' }, unknown: ['nope'] });
  });

  it('checkVariables rejects dropped and invented variables', () => {
    assert.equal(checkVariables('Solve {{question}}.', 'Carefully solve {{ question }}.'), undefined);
    assert.match(checkVariables('Solve {{question}}.', 'Solve it.')!, /drops \{\{question\}\}/);
    assert.match(checkVariables('Solve {{question}}.', 'Solve {{question}} in {{language}}.')!, /invents \{\{language\}\}/);
    assert.equal(checkVariables('no vars', 'still none'), undefined);
  });
});
