import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parsePromptDocument } from '../../../src/core/prompt/parsePromptDocument';
import { PromptParseError } from '../../../src/core/prompt/promptParseError';
import { replaceBody } from '../../../src/core/prompt/replaceBody';
import { checkVariables, findVariables, renderTemplate, TemplateError } from '../../../src/core/prompt/templateVariables';

/**
 * Fuzzing the prompt parser: documents built from the pieces real files are made of
 * (BOM, front matter fences, YAML lines good and bad, role lines, markers, headings, code
 * fences, variables, CRLF) plus arbitrary Unicode. The only error allowed is
 * PromptParseError; every parsed document must satisfy the invariants the rest of the
 * product relies on.
 */

const PIECES = [
  '---',
  '...',
  'description: "x"',
  'mode: agent',
  'tools: [a, b',
  'key: : :',
  '- item',
  '  nested: true',
  'system:',
  'user:',
  'assistant:',
  '<!-- dlpo:begin -->',
  '<!-- dlpo:end -->',
  '# Heading',
  '## Rules ##',
  '```',
  '~~~',
  '{{question}}',
  '{{ inputs.context }}',
  '${input:topic:Pick one}',
  '${input:x',
  'Think step by step.',
  'Answer: 42',
  '',
  '   ',
  '\t',
  'é 中文 🙂',
];

const lineArb = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) });
const docArb = fc
  .tuple(fc.boolean(), fc.array(lineArb, { maxLength: 25 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([bom, lines, eol, trailing]) => `${bom ? '\uFEFF' : ''}${lines.join(eol)}${trailing ? eol : ''}`);
const nameArb = fc.constantFrom('a.prompt.md', 'b.prompty', 'c.instructions.md', 'd.md', 'e.txt', 'f.agent.md', 'g.unknown');
const regionArb = fc.option(
  fc.oneof(
    fc.record({ section: fc.constantFrom('system', 'user', 'assistant', 'Heading', 'Rules', 'nope') }),
    fc.record({ start: fc.integer({ min: -2, max: 400 }), end: fc.integer({ min: -2, max: 400 }) }),
  ),
  { nil: undefined },
);

function onlyParseErrors(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof PromptParseError)) throw e;
    assert.ok(e.line >= 1, 'lines are 1-based');
    assert.ok(e.reason.length > 0);
  }
}

describe('fuzz: prompt documents', function () {
  this.timeout(60_000);

  it('parses or throws PromptParseError; parsed documents keep their invariants', () => {
    fc.assert(
      fc.property(docArb, nameArb, regionArb, (text, name, region) => {
        onlyParseErrors(() => {
          const doc = parsePromptDocument(text, name, region ? { region } : {});
          assert.equal(text.slice(doc.bodyRange.start, doc.bodyRange.end), doc.body);
          assert.ok(doc.body.trim().length > 0 && doc.body === doc.body.trim());
          assert.equal(replaceBody(doc, doc.body), text);
          for (const v of doc.variables) assert.equal(text.slice(v.start, v.end), v.raw);
          JSON.stringify(doc.frontMatter); // printable by `dlpo inspect --json`
        });
      }),
      { numRuns: 600 },
    );
  });

  it('replaceBody either writes a document whose body is the new text, or refuses with PromptParseError', () => {
    fc.assert(
      fc.property(docArb, nameArb, fc.array(lineArb, { maxLength: 6 }).map((l) => l.join('\n')), (text, name, newBody) => {
        let doc;
        try {
          doc = parsePromptDocument(text, name);
        } catch (e) {
          if (e instanceof PromptParseError) return;
          throw e;
        }
        onlyParseErrors(() => {
          const out = replaceBody(doc, newBody);
          assert.equal(out.slice(0, doc.bodyRange.start), text.slice(0, doc.bodyRange.start));
          assert.ok(out.endsWith(text.slice(doc.bodyRange.end)));
          const again = parsePromptDocument(out, name);
          assert.equal(again.body, newBody.replace(/\r\n|\r|\n/g, doc.eol).trim() || again.body);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('template functions: only TemplateError, and consistent answers', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 8 }).map((l) => l.join(' ')), fc.dictionary(fc.constantFrom('question', 'topic', 'x', 'context'), fc.string({ maxLength: 10 })), (text, vars) => {
        try {
          const out = renderTemplate(text, vars);
          if (findVariables(text).length === 0) assert.equal(out, text);
        } catch (e) {
          if (!(e instanceof TemplateError)) throw e;
        }
        assert.equal(checkVariables(text, text), undefined);
      }),
      { numRuns: 400 },
    );
  });

  it('pathological inputs finish (no catastrophic backtracking)', () => {
    const big = [
      `# ${'# '.repeat(50_000)}x`,
      `${'${input:a:'.repeat(20_000)}`,
      `{{${' '.repeat(100_000)}`,
      `---\n${'a: '.repeat(500)}\n---\nbody`,
      `---\n${'key: value\n'.repeat(500)}---\nbody`,
      `${'<!-- dlpo:begin -->'.repeat(5_000)}`,
      `system:\n${'user:\n'.repeat(20_000)}`,
      '\r'.repeat(100_000) + 'x',
      `---\na: &a [${'*a, '.repeat(1_000)}]\nb: &b [1, 2]\nc: [${'*b, '.repeat(200)}]\n---\nbody`,
    ];
    for (const text of big) {
      for (const name of ['a.prompt.md', 'b.prompty', 'd.md', 'e.txt']) onlyParseErrors(() => void parsePromptDocument(text, name));
      onlyParseErrors(() => void parsePromptDocument(text, 'd.md', { region: { section: 'x' } }));
    }
  });
});
