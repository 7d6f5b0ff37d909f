import { strict as assert } from 'node:assert';
import type { Example } from '../../../src/core/data/example';
import { buildForwardMessages } from '../../../src/core/data/forwardMessages';

const example: Example = { id: 'e1', input: 'What is 2 + 3?', gold: '5', vars: { question: 'What is 2 + 3?' } };
const FORMAT = 'End with "Answer: <number>".';

describe('forward messages: the format instruction and its separator', () => {
  it('appends the instruction after a blank line by default, and glued on with formatSeparator none (the reference at evaluation)', () => {
    const base = { includeFormatInstruction: true, format: 'question-prefix' as const, formatInstruction: FORMAT };
    assert.equal(buildForwardMessages('Solve it.', example, base)[1].content, `Question: What is 2 + 3?\n\n${FORMAT}`);
    assert.equal(buildForwardMessages('Solve it.', example, { ...base, formatSeparator: 'none' })[1].content, `Question: What is 2 + 3?${FORMAT}`);
    assert.equal(buildForwardMessages('Q: {{question}}', example, { ...base, formatSeparator: 'none' })[0].content, `Q: What is 2 + 3?${FORMAT}`);
    assert.equal(buildForwardMessages('Solve it.', example, { ...base, includeFormatInstruction: false })[1].content, 'Question: What is 2 + 3?');
  });
});
