import { strict as assert } from 'node:assert';
import { boxedMetric } from '../../../src/core/metrics/boxed';
import { boxedContents, lastBoxed, latexAnswersEqual, normalizeLatexAnswer } from '../../../src/core/metrics/latexAnswer';
import { ex } from './helpers';

describe('boxed metric and LaTeX normalisation', () => {
  it('extracts nested braces and takes the last box', () => {
    assert.equal(lastBoxed('first \\boxed{1} then \\boxed{\\frac{1}{2}}'), '\\frac{1}{2}');
    assert.deepEqual(boxedContents('\\boxed{a{b}c} and \\boxed 5$'), ['a{b}c', '5']);
    assert.equal(lastBoxed('\\boxed{unclosed'), undefined);
    assert.equal(lastBoxed('\\fbox{7}'), '7');
  });

  /** Each row: gold, then spellings that must count as the same answer. */
  const EQUIVALENT: [string, string[]][] = [
    ['\\frac{1}{2}', ['\\dfrac{1}{2}', '\\tfrac12', '\\frac12', '1/2', '0.5', '.5', '\\frac{1}{2}.']],
    ['\\frac{3}{4}', ['0.75', '3/4', '\\dfrac34']],
    ['-\\frac{2}{3}', ['-\\dfrac{2}{3}', '-2/3', '- \\frac{2}{3}']],
    ['\\left( 3, \\frac{\\pi}{2} \\right)', ['(3,\\frac{\\pi}{2})', '(3, \\dfrac{\\pi}{2})', '\\left(3,\\frac\\pi2\\right)'.replace('\\frac\\pi2', '\\frac{\\pi}{2}')]],
    ['90^\\circ', ['90', '90^{\\circ}', '90°']],
    ['\\text{(C)}', ['(C)', '\\text{ (C)}'.replace('\\text{ (C)}', '\\text{(C)}')]],
    ['10\\%', ['10', '10%']],
    ['\\$18.90', ['18.90', '\\$ 18.90']],
    ['5\\text{ cm}', ['5']],
    ['x = 5', ['5', 'x=5']],
    ['2\\sqrt{3}', ['2\\sqrt3', '2 \\sqrt{3}']],
    ['1,000', ['1000', '1{,}000']],
    ['\\frac{\\sqrt{3}}{2}', ['\\dfrac{\\sqrt{3}}{2}', '\\frac{\\sqrt3}{2}']],
    ['\\mbox{Evelyn}', ['\\text{Evelyn}', 'Evelyn']],
  ];
  for (const [gold, spellings] of EQUIVALENT) {
    for (const s of [gold, ...spellings]) {
      it(`${s} ≡ ${gold}`, async () => {
        assert.ok(latexAnswersEqual(s, gold), `${normalizeLatexAnswer(s)} vs ${normalizeLatexAnswer(gold)}`);
        const r = await boxedMetric().score(`Work...\nThe answer is $\\boxed{${s}}$.`, ex(gold));
        assert.equal(r.score, 1, r.reason);
      });
    }
  }

  const DIFFERENT: [string, string][] = [
    ['\\frac{1}{2}', '\\frac{1}{3}'],
    ['\\frac{1}{23}', '\\frac{12}{3}'],
    ['(3,\\frac{\\pi}{2})', '(3,\\frac{\\pi}{3})'],
    ['2\\sqrt{3}', '3\\sqrt{2}'],
    ['-5', '5'],
    ['1,2', '12'],
  ];
  for (const [a, b] of DIFFERENT) {
    it(`${a} ≢ ${b}`, async () => {
      assert.equal(latexAnswersEqual(a, b), false);
      assert.equal((await boxedMetric().score(`\\boxed{${a}}`, ex(b))).score, 0);
    });
  }

  it('a reply without a box scores 0 with a reason', async () => {
    const r = await boxedMetric().score('The answer is 5.', ex('5'));
    assert.equal(r.score, 0);
    assert.match(r.reason, /no \\boxed/);
  });
});
