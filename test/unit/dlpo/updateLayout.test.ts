import { strict as assert } from 'node:assert';
import { TAG } from '../../../src/core/dlpo/markers';
import type { TechniqueBlocks } from '../../../src/core/dlpo/prompts';
import { promptExcerpt, updateRequest } from '../../../src/core/dlpo/prompts';

const BLOCKS: TechniqueBlocks = {
  learningRate: 'lr text',
  dropout: { instruction: 'dropout says', sentences: 'Keep me.' },
  pastFeedback: { instruction: 'past says', list: 'old feedback' },
  contrastive: { instruction: 'contrast says', list: 'better and poorer' },
  regularize: 'regu text',
};

/** Positions of the opening tags in the user message, in the order they appear. */
function tagOrder(user: string): string[] {
  return [...user.matchAll(/^<([A-Z_]+)>$/gm)].map((m) => m[1]);
}

describe('update request layout', () => {
  it('prompt-first (ours): full prompt at the top, past feedback before contrastive', () => {
    const [, user] = updateRequest('You solve sums.', 'grad', BLOCKS);
    assert.deepEqual(tagOrder(user.content), [
      TAG.currentPrompt,
      TAG.feedback,
      TAG.pastFeedback,
      TAG.contrastive,
      TAG.dropout,
      TAG.regularize,
      TAG.learningRate,
    ]);
  });

  it('prompt-last + contrastive-first (reference): excerpt, feedback, TCL→TMnt→TDO→TRegu→TLR, full prompt at the end', () => {
    // optimizer_v2/optimizer_prompts.py 26-32 (role, short variable, feedback), 208-308 (blocks in this order), 309 + 46-51 (full variable last).
    const [system, user] = updateRequest('You solve sums.', 'grad', BLOCKS, { layout: 'prompt-last', order: 'contrastive-first' });
    assert.deepEqual(tagOrder(user.content), [
      TAG.promptExcerpt,
      TAG.feedback,
      TAG.contrastive,
      TAG.pastFeedback,
      TAG.dropout,
      TAG.regularize,
      TAG.learningRate,
      TAG.currentPrompt,
    ]);
    assert.ok(user.content.startsWith('The prompt to improve is the system prompt'));
    assert.ok(user.content.trimEnd().endsWith('and nothing else between them.'));
    // The first CURRENT_PROMPT tag is still the block itself (the simulator relies on it).
    assert.equal(user.content.indexOf(`<${TAG.currentPrompt}>`), user.content.lastIndexOf(`<${TAG.currentPrompt}>`));
    assert.equal(system.content, updateRequest('x', 'y', {})[0].content);
  });

  it('leaves out absent blocks in either layout', () => {
    const [, user] = updateRequest('P.', 'g', { regularize: 'r' }, { layout: 'prompt-last', order: 'contrastive-first' });
    assert.deepEqual(tagOrder(user.content), [TAG.promptExcerpt, TAG.feedback, TAG.regularize, TAG.currentPrompt]);
  });

  it('the excerpt is the whole prompt up to 20 words, else the first and last 10', () => {
    const short = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
    assert.equal(promptExcerpt(short), short);
    const long = Array.from({ length: 25 }, (_, i) => `w${i}`).join(' ');
    const ex = promptExcerpt(long);
    assert.ok(ex.startsWith('w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 ['));
    assert.ok(ex.endsWith('] w15 w16 w17 w18 w19 w20 w21 w22 w23 w24'));
    assert.ok(!ex.includes(' w10 '));
  });
});
