import { strict as assert } from 'node:assert';
import { builtInCandidateProblem, parseUpdateReply } from '../../../src/core/dlpo/updateParser';

describe('update reply parsing', () => {
  it('takes the text after the first opening tag up to the next closing tag, trimmed', () => {
    const r = parseUpdateReply('Reasoning...\n<IMPROVED_VARIABLE>\nNew prompt.\n</IMPROVED_VARIABLE>\nextra <IMPROVED_VARIABLE>x</IMPROVED_VARIABLE>', 'Old.');
    assert.deepEqual(r, { ok: true, text: 'New prompt.' });
  });

  it('tolerates tag spelling with spaces and case', () => {
    assert.deepEqual(parseUpdateReply('< improved_variable >P.</ IMPROVED_VARIABLE>', 'Old.'), { ok: true, text: 'P.' });
  });

  it('keeps a prompt that itself mentions the tags whole', () => {
    const current = 'Reply between <IMPROVED_VARIABLE> and </IMPROVED_VARIABLE> tags.';
    const reply = `<IMPROVED_VARIABLE>Always reply between <IMPROVED_VARIABLE> and </IMPROVED_VARIABLE> tags.</IMPROVED_VARIABLE>`;
    assert.deepEqual(parseUpdateReply(reply, current), { ok: true, text: 'Always reply between <IMPROVED_VARIABLE> and </IMPROVED_VARIABLE> tags.' });
  });

  it('fails on a missing opening tag, an empty body, or a truncated reply', () => {
    const missing = parseUpdateReply('Here is the new prompt: Be good.', 'Old.');
    assert.equal(missing.ok, false);
    assert.match((missing as { reason: string }).reason, /no <IMPROVED_VARIABLE> tag/);
    assert.equal(parseUpdateReply('<IMPROVED_VARIABLE>  \n </IMPROVED_VARIABLE>', 'Old.').ok, false);
    assert.equal(parseUpdateReply('<IMPROVED_VARIABLE>Half a prom', 'Old.', 'length').ok, false);
    assert.deepEqual(parseUpdateReply('<IMPROVED_VARIABLE>Forgot to close.', 'Old.', 'stop'), { ok: true, text: 'Forgot to close.' });
  });

  it('rejects an empty candidate and one more than 100× longer', () => {
    assert.match(builtInCandidateProblem('  ', 'Old.')!, /empty/);
    assert.match(builtInCandidateProblem('x'.repeat(401), 'Old.')!, /100×/);
    assert.equal(builtInCandidateProblem('x'.repeat(400), 'Old.'), null);
  });
});
