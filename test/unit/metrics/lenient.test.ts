import { strict as assert } from 'node:assert';
import { lenientCorrect, lenientMetric, parseIntegerAnswer } from '../../../src/core/metrics/lenient';
import { ex } from './helpers';

/*
 * Expected values worked out by hand from the reference's Python
 * (sfasfaffa/DLPO textgrad/tasks/big_bench_hard.py and mgsm.py).
 */
describe('lenient metric (reference parity)', () => {
  it('parse_integer_answer: last token with a digit, cut at ".", digits only', () => {
    assert.equal(parseIntegerAnswer('The total is $1,234.56 dollars'), 1234n);
    assert.equal(parseIntegerAnswer('no digits here'), 0n);
    assert.equal(parseIntegerAnswer('-42'), 42n); // the sign is dropped
    assert.equal(parseIntegerAnswer('.5'), 0n); // "" after the cut → int("") fails → 0
  });

  it('gsm8k variant: last run, first run, or integer answer', () => {
    assert.equal(lenientCorrect('Answer: 18', '18', 'gsm8k'), true);
    assert.equal(lenientCorrect('18 eggs, then 3 more make 21', '18', 'gsm8k'), true); // first run
    assert.equal(lenientCorrect('3 then 18 then 21', '18', 'gsm8k'), false); // middle run only
    assert.equal(lenientCorrect('Answer: -5', '5', 'gsm8k'), true); // sign ignored: the over-count
    assert.equal(lenientCorrect('Answer: 5.9', '5', 'gsm8k'), true); // "5.9" runs 5, 9; first run 5
    assert.equal(lenientCorrect('no number', '0', 'gsm8k'), false);
  });

  it('mgsm variant: integer answer or any of the last four runs', () => {
    assert.equal(lenientCorrect('1 2 3 4 5 6', '3', 'mgsm'), true);
    assert.equal(lenientCorrect('1 2 3 4 5 6', '2', 'mgsm'), false);
    assert.equal(lenientCorrect('18 then 1 2 3 4 5', '18', 'mgsm'), false); // no first-run rule here
  });

  it('metric wraps it with a reason', async () => {
    const r = await lenientMetric().score('I get 41 or maybe 42', ex('#### 42'));
    assert.equal(r.score, 1);
    assert.match(r.reason, /lenient/);
    assert.equal((await lenientMetric({ variant: 'mgsm' }).score('x', ex('42'))).score, 0);
  });
});
