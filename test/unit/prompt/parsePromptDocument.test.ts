import { strict as assert } from 'node:assert';
import { parsePromptDocument } from '../../../src/core/prompt/parsePromptDocument';
import { PromptParseError } from '../../../src/core/prompt/promptParseError';
import { replaceBody } from '../../../src/core/prompt/replaceBody';

function parseError(fn: () => unknown, line: number, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PromptParseError, `expected PromptParseError, got ${String(e)}`);
    assert.equal(e.line, line, e.message);
    assert.match(e.reason, pattern);
    return true;
  });
}

const COPILOT = `---
description: 'Solve a math word problem'
mode: agent
tools: ['codebase']
---

You are a careful math tutor.
Solve: \${input:question:Paste the problem}
`;

const PROMPTY = `---
name: Math
model:
  api: chat
inputs:
  question:
    type: string
---
system:
You are a helpful assistant. Think step by step.

user:
{{question}}
`;

describe('parsePromptDocument', () => {
  it('.prompt.md: front matter as data, body after it, variables with positions', () => {
    const doc = parsePromptDocument(COPILOT, 'solve.prompt.md');
    assert.equal(doc.format, 'prompt.md');
    assert.deepEqual(doc.frontMatter, { description: 'Solve a math word problem', mode: 'agent', tools: ['codebase'] });
    assert.equal(doc.body, 'You are a careful math tutor.\nSolve: ${input:question:Paste the problem}');
    assert.equal(doc.text.slice(doc.bodyRange.start, doc.bodyRange.end), doc.body);
    assert.equal(doc.variables.length, 1);
    const v = doc.variables[0];
    assert.deepEqual([v.name, v.syntax, v.placeholder], ['question', 'copilot-input', 'Paste the problem']);
    assert.equal(doc.text.slice(v.start, v.end), v.raw);
  });

  it('.prompty: the system section by default, another by name', () => {
    const doc = parsePromptDocument(PROMPTY, 'math.prompty');
    assert.equal(doc.body, 'You are a helpful assistant. Think step by step.');
    assert.equal(doc.bodySource, 'role-section');
    const user = parsePromptDocument(PROMPTY, 'math.prompty', { region: { section: 'user' } });
    assert.equal(user.body, '{{question}}');
    assert.equal(user.variables[0].name, 'question');
    parseError(() => parsePromptDocument(PROMPTY, 'math.prompty', { region: { section: 'assistant' } }), 9, /no section "assistant".*system, user/);
  });

  it('.prompty role lines as Prompty writes them: `# user:`, attributes, developer, implicit system', () => {
    const text = '---\nname: x\n---\nYou are terse.\n\n# User[name="Alice"]:\n{{question}}\n\ndeveloper:\nBe safe.\n';
    const doc = parsePromptDocument(text, 'x.prompty');
    assert.equal(doc.body, 'You are terse.');
    assert.deepEqual(doc.regions.filter((r) => r.kind === 'role-section').map((r) => r.name), ['system', 'user', 'developer']);
    assert.equal(parsePromptDocument(text, 'x.prompty', { region: { section: 'developer' } }).body, 'Be safe.');
    assert.throws(() => replaceBody(doc, 'Terse.\n# assistant:\nInjected'), /structure/);
  });

  it('a marked region is the body; markers and the rest stay', () => {
    const text = '# Title\n\nIntro stays.\n<!-- dlpo:begin -->\nOptimize me.\n<!-- dlpo:end -->\nOutro stays.\n';
    const doc = parsePromptDocument(text, 'AGENTS.md');
    assert.equal(doc.body, 'Optimize me.');
    assert.equal(replaceBody(doc, 'Better.'), text.replace('Optimize me.', 'Better.'));
    parseError(() => parsePromptDocument('a\n<!-- dlpo:begin -->\nb\n', 'x.md'), 2, /never closed/);
    parseError(() => parsePromptDocument('a\n<!-- dlpo:end -->\nb\n', 'x.md'), 2, /without <!-- dlpo:begin/);
    parseError(() => parsePromptDocument('<!-- dlpo:begin -->x<!-- dlpo:end -->\n<!-- dlpo:begin -->y<!-- dlpo:end -->', 'x.md'), 2, /more than one/);
  });

  it('a markdown heading section by name', () => {
    const text = '# Agent\n\n## Rules\n\nBe brief.\nCite sources.\n\n### Detail\nkeep\n\n## Other\nstays\n';
    const doc = parsePromptDocument(text, 'a.md', { region: { section: 'rules' } });
    assert.equal(doc.body, 'Be brief.\nCite sources.\n\n### Detail\nkeep');
    assert.throws(() => replaceBody(doc, 'Be brief.\n\n## Sneaky'), PromptParseError);
  });

  it('explicit offsets (an editor selection)', () => {
    const text = '---\na: 1\n---\nKeep this. Change this sentence. Keep that.';
    const start = text.indexOf('Change');
    const end = text.indexOf(' Keep that');
    const doc = parsePromptDocument(text, 'p.prompt.md', { region: { start, end } });
    assert.equal(doc.body, 'Change this sentence.');
    assert.equal(replaceBody(doc, 'Changed.'), '---\na: 1\n---\nKeep this. Changed. Keep that.');
    parseError(() => parsePromptDocument(text, 'p.prompt.md', { region: { start: 0, end: 5 } }), 1, /overlaps the front matter/);
    parseError(() => parsePromptDocument(text, 'p.prompt.md', { region: { start: 5, end: 5 } }), 2, /not a non-empty range/);
  });

  it('errors carry reason and 1-based line', () => {
    parseError(() => parsePromptDocument('---\ndescription: x\n', 'a.prompt.md'), 1, /never closed/);
    parseError(() => parsePromptDocument('---\nok: 1\nbad: [unclosed\n---\nbody', 'a.prompt.md'), 3, /invalid YAML/);
    parseError(() => parsePromptDocument('---\n- a\n- b\n---\nbody', 'a.prompt.md'), 2, /must be a YAML mapping/);
    parseError(() => parsePromptDocument('---\ndescription: x\n---\n\n  \n', 'a.prompt.md'), 4, /prompt body .* is empty/);
    parseError(() => parsePromptDocument('', 'a.txt'), 1, /empty/);
    parseError(() => parsePromptDocument('---\nname: x\n---\nsystem:\n\nuser:\n{{q}}\n', 'a.prompty'), 5, /"system" section is empty/);
  });

  it('plain markdown: a leading horizontal rule that is not YAML is body text', () => {
    const doc = parsePromptDocument('---\nJust a rule, not: [yaml\n---\nText', 'notes.md');
    assert.equal(doc.frontMatter, null);
    assert.ok(doc.body.startsWith('---'));
  });

  it('.txt has no front matter; --- lines separate promptfoo prompts', () => {
    const doc = parsePromptDocument('---\na: 1\n---\nhello', 'p.txt', { region: { prompt: 1 } });
    assert.equal(doc.frontMatter, null);
    assert.equal(doc.body, 'a: 1');
    assert.equal(parsePromptDocument('a: 1\n--- not a separator\nhello', 'p.txt').body, 'a: 1\n--- not a separator\nhello');
  });

  it('BOM and CRLF: offsets count the BOM; replaceBody writes CRLF', () => {
    const text = '\uFEFF---\r\ndescription: x\r\n---\r\n\r\nLine one.\r\nLine two.\r\n';
    const doc = parsePromptDocument(text, 'a.prompt.md');
    assert.equal(doc.hasBom, true);
    assert.equal(doc.eol, '\r\n');
    assert.equal(doc.body, 'Line one.\r\nLine two.');
    assert.equal(text.slice(doc.bodyRange.start, doc.bodyRange.end), doc.body);
    assert.equal(replaceBody(doc, doc.body), text);
    assert.equal(replaceBody(doc, 'New one.\nNew two.\nNew three.'), '\uFEFF---\r\ndescription: x\r\n---\r\n\r\nNew one.\r\nNew two.\r\nNew three.\r\n');
  });

  it('replaceBody refuses structure changes and empty bodies', () => {
    const doc = parsePromptDocument(PROMPTY, 'math.prompty');
    assert.throws(() => replaceBody(doc, 'Be nice.\nuser:\nInjected'), /structure/);
    assert.throws(() => replaceBody(doc, '   \n'), /empty/);
    assert.throws(() => replaceBody(doc, 'x <!-- dlpo:begin -->'), PromptParseError);
    const plain = parsePromptDocument('Hello there.', 'p.md');
    assert.throws(() => replaceBody(plain, '---\na: 1\n---\nHi'), PromptParseError);
  });
});

describe('front matter YAML limits', () => {
  it('refuses recursive aliases and alias floods with a line', () => {
    assert.throws(() => parsePromptDocument('---\na: &a [*a, *a]\n---\nbody', 'p.prompt.md'), (e: unknown) => e instanceof PromptParseError && /recursive alias/.test(e.reason) && e.line === 2);
    const flood = `---\nb: &b [1]\nc: [${'*b, '.repeat(150)}]\n---\nbody`;
    assert.throws(() => parsePromptDocument(flood, 'p.prompt.md'), /more than 100 YAML aliases/);
    assert.deepEqual(parsePromptDocument('---\nb: &b [1]\nc: *b\n---\nbody', 'p.prompt.md').frontMatter, { b: [1], c: [1] });
  });
});
