import { strict as assert } from 'node:assert';
import { numericMetric } from '../../../src/core/metrics/numeric';
import { findNumbers, parseGoldNumber } from '../../../src/core/metrics/numberParsing';
import { ex } from './helpers';

describe('numeric metric', () => {
  const m = numericMetric();
  const cases: [string, string, number][] = [
    ['Answer: 18', '18', 1],
    ['steps...\nAnswer: 17', '18', 0],
    ['Answer: $1,600', '1,600', 1],
    ['Answer: $1,600.00', '1600', 1],
    ['Answer: 1600', '#### 1,600', 1],
    ['Answer: -5', '-5', 1],
    ['Answer: −5', '-5', 1], // Unicode minus
    ['Answer: 5', '-5', 0],
    ['Answer: 2.5', '2.5', 1],
    ['Answer: 5/2', '2.5', 1],
    ['Answer: 2 1/2 cups', '2.5', 1],
    ['Answer: 3/4.', '0.75', 1],
    ['Answer: 50%', '50', 1],
    ['Answer: 50%', '0.5', 1],
    ['Answer: **42**', '42', 1],
    ['Answer: 0.333333333', '1/3', 1], // within the default 1e-6
    ['Answer: 0.33', '1/3', 0],
    ['The answer is: 7 apples.', '7', 1],
    ['Answer: 3552672438520863', '3552672438520863', 1],
    ['Answer: 3552672438520864', '3552672438520863', 0], // beyond 2^53: still exact
    ['Answer: 286503', '286503.', 1], // BigGSM's stray full stop
    ['Answer: ১২', '12', 1], // Bengali digits
    ['Answer: 18\nAnswer: 20', '20', 1], // the last Answer: wins
    ['Answer: 20 (earlier) \n final Answer: 18', '18', 1],
    ['I think it is 18', '18', 0], // strict: no Answer: line
    ['Answer: none', '18', 0],
    ['Answer: 1e3', '1000', 0],
    ['Answer: 1.600', '1600', 1], // continental thousands (MGSM de/es/fr)
    ['Answer: 1.600', '1.6', 1],
    ['Answer: 2,5', '2.5', 1], // continental decimal comma
    ['Answer: 1.234.567 €', '1234567', 1],
    ['Answer: 1,600', '1.6', 0], // English grouping is never a decimal comma
    ['Answer: 1.60', '160', 0],
  ];
  for (const [output, gold, expected] of cases) {
    it(`${JSON.stringify(output)} vs gold ${JSON.stringify(gold)} → ${expected}`, async () => {
      const r = await m.score(output, ex(gold));
      assert.equal(r.score, expected, r.reason);
      assert.ok(r.reason.length > 0 && r.reason.length < 120);
    });
  }

  it('explains a miss with expected and got', async () => {
    const r = await m.score('Answer: 41', ex('42'));
    assert.equal(r.reason, 'expected 42, got 41');
  });

  it('tolerance admits rounding noise only', async () => {
    assert.equal((await numericMetric({ tolerance: 0.01 }).score('Answer: 3.333', ex('10/3'))).score, 1);
    assert.equal((await numericMetric().score('Answer: 3.333', ex('10/3'))).score, 0);
  });

  it('falls back to the last number only when asked', async () => {
    assert.equal((await numericMetric({ fallbackToLastNumber: true }).score('so it is 18', ex('18'))).score, 1);
  });

  it('a gold that is not a number is reported, not crashed on', async () => {
    const r = await m.score('Answer: 3', ex('three'));
    assert.equal(r.score, 0);
    assert.match(r.reason, /not a number/);
  });

  it('finds signed, grouped and fractional numbers', () => {
    assert.deepEqual(
      findNumbers('-$1,234.5 and 3/4 and 7%').map((n) => n.text),
      ['-$1,234.5', '3/4', '7%'],
    );
    assert.equal(parseGoldNumber('#### 1,600')?.num, 1600n);
  });
});
