import { strict as assert } from 'node:assert';
import type { ContrastiveEntry } from '../../../src/core/dlpo/techniques/contrastive';
import { contrastiveInstruction, contrastiveList, contrastiveView, rememberPrompt } from '../../../src/core/dlpo/techniques/contrastive';

describe('TCL: contrastive memory', () => {
  const add = (mem: ContrastiveEntry[], prompt: string, score: number, dup = false) => rememberPrompt(mem, { prompt, score, step: mem.length }, dup);

  it('keeps entries best first, ties in insertion order, one per prompt unless duplicates are asked for', () => {
    let mem: ContrastiveEntry[] = [];
    mem = add(mem, 'p1', 0.5);
    mem = add(mem, 'p2', 0.7);
    mem = add(mem, 'p3', 0.5);
    mem = add(mem, 'p1', 0.5);
    assert.deepEqual(mem.map((e) => e.prompt), ['p2', 'p1', 'p3']);
    const dup = add(mem, 'p1', 0.5, true);
    assert.deepEqual(dup.map((e) => e.prompt), ['p2', 'p1', 'p3', 'p1']);
  });

  it('shows best and worst when the gap is at least 0.15, only the best below it, nothing with < 2 entries', () => {
    let mem: ContrastiveEntry[] = [];
    mem = add(mem, 'only', 0.6);
    assert.equal(contrastiveView(mem, 0.15), null);
    mem = add(mem, 'worse', 0.45);
    const both = contrastiveView(mem, 0.15)!;
    assert.equal(both.best.prompt, 'only');
    assert.equal(both.worst?.prompt, 'worse');
    const list = contrastiveList(both);
    assert.match(list, /<BETTER_PROMPT train_accuracy="0.6">\nonly\n<\/BETTER_PROMPT>/);
    assert.match(list, /<POOR_PROMPT train_accuracy="0.45">\nworse\n<\/POOR_PROMPT>/);
    assert.match(contrastiveInstruction(both), /what sets the better one apart/);
    const close = contrastiveView([{ prompt: 'a', score: 0.6, step: 1 }, { prompt: 'b', score: 0.5, step: 2 }], 0.15)!;
    assert.equal(close.worst, null);
    assert.doesNotMatch(contrastiveList(close), /POOR_PROMPT/);
  });
});
