import { strict as assert } from 'node:assert';
import { makeCandidateValidator } from '../../../src/core/run/runner';
import { templateSyntaxProblem, templateTags } from '../../../src/core/prompt/template/templateGuard';

const body = 'Greet {{ customer.firstName }}.\n{% for o in customer.orders %}\n- {{ o.name }}\n{% endfor %}\n{# keep it short #}\nBe kind.';

describe('template syntax is protected', () => {
  it('finds Jinja blocks, expressions, comments, Mustache triples and Copilot inputs', () => {
    assert.deepEqual(templateTags('{% if a %}{{ b }}{# c #}{{{d}}}${input:e:hint}{%- endif -%}'), ['{% if a %}', '{{ b }}', '{# c #}', '{{{d}}}', '${input:e:hint}', '{%- endif -%}']);
  });

  it('rewording the text around the tags is allowed; spacing inside a tag is not a change', () => {
    assert.equal(templateSyntaxProblem(body, body.replace('Be kind.', 'Be warm and brief.'), 'jinja2'), undefined);
    assert.equal(templateSyntaxProblem(body, body.replace('{{ o.name }}', '{{o.name}}'), 'jinja2'), undefined);
  });

  it('dropping a dotted root or a loop, or inventing an input, is refused and named', () => {
    assert.match(templateSyntaxProblem(body, body.replace('{{ customer.firstName }}', 'the customer').replace(/\{% for[\s\S]*endfor %\}/, ''), 'jinja2')!, /drops \{\{customer\}\}/);
    assert.match(templateSyntaxProblem(body, `${body} Mention {{ coupon }}.`, 'jinja2')!, /invents \{\{coupon\}\}/);
  });

  it('a changed, removed or reordered tag is refused even when the inputs stay', () => {
    assert.match(templateSyntaxProblem(body, body.replace('{{ o.name }}', '{{ o.title }}'), 'jinja2')!, /removes or changes \{\{ o\.name \}\} and adds \{\{ o\.title \}\}/);
    assert.match(templateSyntaxProblem(body, body.replace('{# keep it short #}', ''), 'jinja2')!, /removes or changes \{# keep it short #\}/);
    assert.match(templateSyntaxProblem(body, body.replace('{% endfor %}', ''), 'jinja2')!, /no longer parses as Jinja/);
    assert.match(templateSyntaxProblem('{{a}} and {{b}}', '{{b}} and {{a}}', 'jinja2')!, /reorders/);
  });

  it('Copilot inputs and Mustache tags are protected the same way', () => {
    assert.equal(templateSyntaxProblem('Review ${input:file}.', 'Carefully review ${input:file}.', 'copilot'), undefined);
    assert.match(templateSyntaxProblem('Review ${input:file}.', 'Review the file.', 'copilot')!, /removes or changes \$\{input:file\}/);
    assert.match(templateSyntaxProblem('{{#items}}- {{name}}\n{{/items}}', '- {{name}}', 'mustache')!, /protected|drops/);
  });

  it('the run validator uses it, so the reason reaches the journal', () => {
    const validate = makeCandidateValidator(body, () => null, 'jinja2');
    assert.equal(validate(body.replace('Be kind.', 'Be warm.'), body), null);
    assert.match(validate(body.replace('{% endfor %}', '{% endfor %}{{ extra }}'), body)!, /invents \{\{extra\}\}/);
  });
});
