import { DatasetError } from '../data/datasetError';
import { renderText } from '../prompt/template/renderText';
import { TemplateError } from '../prompt/templateVariables';
import { setMembers } from './supportedAssertions';
import { testName, type PromptfooAssertion, type PromptfooTest } from './testCase';

/**
 * An assertion's value with the test's vars filled in, as promptfoo does before
 * checking (`value: "{{answer}}"`): a string value, or each string of a list, rendered
 * with nunjucks (no autoescaping); other values as they are. Done at load time so a
 * template error names the test before any call.
 */
export function renderAssertion(a: PromptfooAssertion, test: PromptfooTest, index: number): PromptfooAssertion {
  const render = (text: string) => {
    try {
      return renderText(text, 'jinja2', test.vars);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      throw new DatasetError(`${testName(test, test.origin)}: the value of "${a.type}" does not render: ${e.message}`, {
        file: test.origin.file,
        record: test.origin.record,
        field: `assert[${index}].value`,
      });
    }
  };
  if (a.type === 'assert-set') return { ...a, assert: setMembers(a).map((m) => renderAssertion(m, test, index)) };
  if (typeof a.value === 'string') return { ...a, value: render(a.value) };
  if (Array.isArray(a.value)) return { ...a, value: a.value.map((v) => (typeof v === 'string' ? render(v) : v)) };
  return { ...a };
}
