import { strict as assert } from 'node:assert';
import { choiceMetric, chosenLetter } from '../../../src/core/metrics/choice';
import { containsMetric } from '../../../src/core/metrics/contains';
import { exactMetric } from '../../../src/core/metrics/exact';
import { regexMetric } from '../../../src/core/metrics/regex';
import { MetricConfigError } from '../../../src/core/metrics/errors';
import { ex } from './helpers';

const INPUT = 'Today is Christmas Eve of 1937. What is the date tomorrow in MM/DD/YYYY?\nOptions:\n(A) 12/11/1937\n(B) 12/25/1937\n(C) 01/04/1938';

describe('choice metric', () => {
  const m = choiceMetric();
  const cases: [string, string, number][] = [
    ['Let me think. (A) is wrong.\nAnswer: (B)', '(B)', 1],
    ['Answer: B', '(B)', 1],
    ['Answer: **(B)**', '(B)', 1],
    ['Answer: B) 12/25/1937', '(B)', 1],
    ['Answer: 12/25/1937', '(B)', 1], // option text maps to its letter
    ['Answer: (C)', '(B)', 0],
    ['It must be (A)... no, (B).', '(B)', 1], // no Answer: → last (X)
    ['Answer: a lot', '(B)', 0], // lower-case word is not a letter
    ['nothing', '(B)', 0],
  ];
  for (const [output, gold, expected] of cases) {
    it(`${JSON.stringify(output)} → ${expected}`, async () => {
      const r = await m.score(output, ex(gold, INPUT));
      assert.equal(r.score, expected, r.reason);
    });
  }
  it('letters (A) to (R)', () => {
    assert.equal(chosenLetter('Answer: (R)', ''), 'R');
    assert.equal(chosenLetter('Answer: (S)', ''), undefined);
  });
});

describe('exact, exact-ci, contains, regex', () => {
  it('exact compares the answer part, trimmed', async () => {
    const m = exactMetric();
    assert.equal((await m.score('thinking...\nAnswer: Yes.', ex('Yes'))).score, 1);
    assert.equal((await m.score('Answer: yes', ex('Yes'))).score, 0);
    assert.equal((await m.score('  Yes  ', ex('Yes'))).score, 1);
  });
  it('exact-ci ignores case and spacing', async () => {
    const m = exactMetric({ caseInsensitive: true });
    assert.equal((await m.score('Answer: apple  banana cherry', ex('Apple Banana Cherry'))).score, 1);
    assert.equal((await m.score('Answer: apple cherry', ex('apple banana cherry'))).score, 0);
  });
  it('contains / icontains', async () => {
    assert.equal((await containsMetric().score('the capital is Paris.', ex('Paris'))).score, 1);
    assert.equal((await containsMetric().score('the capital is paris.', ex('Paris'))).score, 0);
    assert.equal((await containsMetric({ caseInsensitive: true }).score('the capital is paris.', ex('Paris'))).score, 1);
  });
  it('regex: fixed pattern or the gold as pattern', async () => {
    assert.equal((await regexMetric({ pattern: '^\\d{3}$' }).score('123', ex(''))).score, 1);
    assert.equal((await regexMetric({ pattern: '^\\d{3}$' }).score('1234', ex(''))).score, 0);
    assert.equal((await regexMetric().score('order #A-17 shipped', ex('#[A-Z]-\\d+'))).score, 1);
    const bad = await regexMetric().score('x', ex('(unclosed'));
    assert.equal(bad.score, 0);
    assert.match(bad.reason, /invalid/);
    assert.throws(() => regexMetric({ pattern: '(' }), MetricConfigError);
  });
});
