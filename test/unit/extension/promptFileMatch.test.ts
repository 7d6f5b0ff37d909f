import { strict as assert } from 'node:assert';
import { hasDlpoFrontMatter, isPromptFile, isPromptFileName } from '../../../src/extension/providers/promptFileMatch';

describe('prompt file detection', () => {
  it('recognises prompt file names', () => {
    for (const n of ['math.prompt.md', 'a.prompty', 'x.instructions.md', 'MATH.PROMPT.MD']) assert.equal(isPromptFileName(n), true, n);
    for (const n of ['README.md', 'prompt.txt', 'a.prompt.md.bak', 'promptmd']) assert.equal(isPromptFileName(n), false, n);
  });

  it('recognises a dlpo key in the front matter only', () => {
    assert.equal(hasDlpoFrontMatter('---\ntitle: x\ndlpo:\n  data: gsm8k\n---\nSolve it.'), true);
    assert.equal(hasDlpoFrontMatter('---\r\ndlpo.data: gsm8k\r\n---\r\nbody'), true);
    assert.equal(hasDlpoFrontMatter('---\ntitle: dlpo notes\n---\ndlpo: not front matter'), false);
    assert.equal(hasDlpoFrontMatter('dlpo: x\n'), false);
    assert.equal(hasDlpoFrontMatter('\uFEFF---\ndlpo: {}\n---\n'), true);
    assert.equal(isPromptFile('notes.md', '---\ndlpo: {}\n---\n'), true);
  });
});
