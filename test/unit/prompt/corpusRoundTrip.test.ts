import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeUtf8Strict } from '../../../src/core/data/inputFile';
import { parsePromptDocument } from '../../../src/core/prompt/parsePromptDocument';
import { replaceBody } from '../../../src/core/prompt/replaceBody';

/**
 * Real prompt files collected from public MIT-licensed repositories (see
 * test/fixtures/prompts/SOURCES.md), plus CRLF and BOM variants made from them here.
 */
const CORPUS = path.join(__dirname, '../../fixtures/prompts');
const FOLDERS = ['prompt.md', 'prompty', 'instructions.md', 'agent.md', 'markdown', 'text'];

const files = FOLDERS.flatMap((dir) => fs.readdirSync(path.join(CORPUS, dir)).map((f) => path.join(dir, f)));

function variants(text: string): [string, string][] {
  const lf = text.replace(/\r\n/g, '\n');
  const crlf = lf.replace(/\n/g, '\r\n');
  return [
    ['original', text],
    ['crlf', crlf],
    ['bom', `\uFEFF${text}`],
    ['bom+crlf', `\uFEFF${crlf}`],
  ];
}

describe('round trip over the real prompt corpus', () => {
  it('has files of every format', () => {
    for (const dir of FOLDERS) assert.ok(files.filter((f) => f.startsWith(`${dir}${path.sep}`)).length >= 3, dir);
    const sources = fs.readFileSync(path.join(CORPUS, 'SOURCES.md'), 'utf8');
    for (const f of files) assert.ok(sources.includes(`\`${f.split(path.sep).join('/')}\``), `${f} is listed in SOURCES.md`);
  });

  for (const file of files) {
    const bytes = fs.readFileSync(path.join(CORPUS, file));
    const name = path.basename(file);
    for (const [variant, text] of variants(decodeUtf8Strict(bytes, file))) {
      it(`${file} (${variant})`, () => {
        const doc = parsePromptDocument(text, name);
        // The body is exactly where the document says.
        assert.equal(text.slice(doc.bodyRange.start, doc.bodyRange.end), doc.body);
        assert.ok(doc.body.length > 0);
        // No change → identical text, and identical bytes once encoded.
        const same = replaceBody(doc, doc.body);
        assert.equal(same, text);
        if (variant === 'original') assert.ok(Buffer.from(same, 'utf8').equals(bytes));
        // A new body changes the body range only; front matter and the rest stay byte for byte.
        const updated = replaceBody(doc, 'First new sentence.\nSecond new sentence.');
        assert.equal(updated.slice(0, doc.bodyRange.start), text.slice(0, doc.bodyRange.start));
        assert.equal(updated.slice(updated.length - (text.length - doc.bodyRange.end)), text.slice(doc.bodyRange.end));
        const again = parsePromptDocument(updated, name);
        assert.equal(again.body, `First new sentence.${doc.eol}Second new sentence.`);
        assert.deepEqual(again.frontMatter, doc.frontMatter);
        // Variables and offsets agree with the text.
        for (const v of doc.variables) assert.equal(text.slice(v.start, v.end), v.raw);
      });
    }
  }

  it('.prompty files optimize the system section and keep the user template', () => {
    for (const file of files.filter((f) => f.endsWith('.prompty'))) {
      const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
      const doc = parsePromptDocument(text, file);
      if (/^system:/m.test(text)) assert.equal(doc.bodySource, 'role-section', file);
      assert.ok(doc.frontMatter && typeof doc.frontMatter === 'object', file);
    }
  });
});
