import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePromptDocument } from '../../../src/core/prompt/parsePromptDocument';
import { documentInputs } from '../../../src/core/prompt/template/documentInputs';

const FIXTURES = path.resolve(__dirname, '../../fixtures');

function inputsOf(file: string) {
  return documentInputs(parsePromptDocument(fs.readFileSync(file, 'utf8'), path.basename(file)));
}

/** A deliberately naive scan, good enough for the corpus files (none has loops): every name after `{{` or `${input:`. */
function naiveNames(text: string): string[] {
  const body = text.replace(/^---\n[\s\S]*?\n---\n/, '');
  const names = [...body.matchAll(/\{\{\s*([A-Za-z_]\w*)|\$\{input:([A-Za-z_]\w*)/g)].map((m) => m[1] ?? m[2]);
  return [...new Set(names)];
}

describe('dlpo inspect finds every input', () => {
  for (const dir of ['prompty', 'prompt.md']) {
    const folder = path.join(FIXTURES, 'prompts', dir);
    for (const name of fs.readdirSync(folder)) {
      it(`${dir}/${name}`, () => {
        const file = path.join(folder, name);
        const found = inputsOf(file);
        assert.equal(found.problem, undefined);
        const used = found.inputs.filter((i) => i.used).map((i) => i.name);
        assert.deepEqual([...used].sort(), naiveNames(fs.readFileSync(file, 'utf8')).sort());
      });
    }
  }

  it('a contoso-style chat prompty: loop iterables, dotted roots, item fields and defaults', () => {
    const found = inputsOf(path.join(FIXTURES, 'render/outfitter-chat.prompty'));
    assert.equal(found.engine, 'jinja2');
    assert.deepEqual(
      found.inputs.map((i) => ({ name: i.name, loop: i.loop, required: i.required, declared: i.declared })),
      [
        { name: 'documentation', loop: true, required: true, declared: true },
        { name: 'customer', loop: false, required: true, declared: true },
        { name: 'question', loop: false, required: false, declared: true },
      ],
    );
    assert.deepEqual(found.inputs[1].paths, ['customer.orders', 'customer.orders[].name', 'customer.orders[].description', 'customer.firstName', 'customer.lastName', 'customer.age', 'customer.membership']);
    assert.equal(found.inputs[2].default, 'Which tent should I take?');
  });

  it('declared but unused Prompty inputs are listed as such; defaults make an input optional', () => {
    const text = '---\ninputs:\n  - name: question\n    default: hi\n  - name: unused\n---\nsystem:\nBe brief.\n\nuser:\n{{question}} {% for m in chat_history %}{{ m.content }}{% endfor %}\n';
    const found = documentInputs(parsePromptDocument(text, 'x.prompty'));
    assert.deepEqual(
      found.inputs.map((i) => [i.name, i.used, i.required, i.loop]),
      [
        ['question', true, false, false],
        ['chat_history', true, true, true],
        ['unused', false, false, false],
      ],
    );
  });
});

describe('promptfoo multi-prompt .txt files', () => {
  const text = 'Answer: {{question}}\n---\nThink step by step, then answer {{question}}.\n  ---  \n\n---\nBe terse: {{question}}\n';

  it('must be told which prompt, and the message lists them', () => {
    assert.throws(() => parsePromptDocument(text, 'prompts.txt'), /holds 3 prompts separated by "---" lines .*1: "Answer: \{\{question\}\}", 2: "Think step by step.*choose one with --prompt N/);
  });

  it('--prompt N makes that prompt the body and the only text sent', () => {
    const doc = parsePromptDocument(text, 'prompts.txt', { region: { prompt: 2 } });
    assert.equal(doc.body, 'Think step by step, then answer {{question}}.');
    assert.equal(doc.prompts?.length, 3);
    assert.deepEqual(doc.sendRange, doc.bodyRange);
    const found = documentInputs(doc);
    assert.deepEqual(found.inputs.map((i) => i.name), ['question']);
    assert.throws(() => parsePromptDocument(text, 'prompts.txt', { region: { prompt: 4 } }), /no prompt 4; this file holds 3/);
  });

  it('a file with one prompt is read as before', () => {
    assert.equal(parsePromptDocument('Just {{question}}\n', 'p.txt').body, 'Just {{question}}');
    assert.throws(() => parsePromptDocument('Just one\n', 'p.txt', { region: { prompt: 1 } }), /holds one prompt/);
  });
});
