import { strict as assert } from 'node:assert';
import { promptLength, regularizationActive } from '../../../src/core/dlpo/techniques/regularization';

describe('TRegu: textual regularisation', () => {
  it('starts at its configured step, or needs 16 memory entries under the reference rule', () => {
    assert.equal(regularizationActive(null, 5, 100), false);
    assert.equal(regularizationActive({ fromStep: 3, needsMemory: false }, 2, 0), false);
    assert.equal(regularizationActive({ fromStep: 3, needsMemory: false }, 3, 0), true);
    assert.equal(regularizationActive({ fromStep: 1, needsMemory: true }, 9, 15), false);
    assert.equal(regularizationActive({ fromStep: 1, needsMemory: true }, 9, 16), true);
  });

  it('measures prompt length in sentence units and estimated tokens', () => {
    assert.deepEqual(promptLength('One. Two three.\n- item'), { sentences: 3, tokens: 6 });
  });
});
