import { strict as assert } from 'node:assert';
import { combineResults } from '../../../src/core/promptfoo/combineResults';
import { jsonObjectsIn } from '../../../src/core/promptfoo/jsonInOutput';
import { promptfooMetric } from '../../../src/core/promptfoo/promptfooMetric';
import { scoreAssertion } from '../../../src/core/promptfoo/scoreAssertion';
import type { PromptfooAssertion, PromptfooTest } from '../../../src/core/promptfoo/testCase';
import type { Example } from '../../../src/core/data/example';
import { ScriptedModel } from '../../support/scriptedModel';

const pass = async (a: PromptfooAssertion, output: string) => (await scoreAssertion(a, output, undefined)).pass;

function exampleOf(assertions: PromptfooAssertion[], threshold?: number): Example {
  const test: PromptfooTest = { description: 't', vars: {}, assert: assertions, origin: { file: 'f.yaml', record: 1 }, ...(threshold !== undefined ? { threshold } : {}) };
  return { id: 't', input: '', gold: '', vars: {}, promptfoo: test };
}

describe('promptfoo assertions, with promptfoo’s meaning', () => {
  it('equals compares the whole output, exactly; an object value compares parsed JSON', async () => {
    assert.equal(await pass({ type: 'equals', value: 'Paris' }, 'Paris'), true);
    assert.equal(await pass({ type: 'equals', value: 'Paris' }, 'Paris\n'), false);
    assert.equal(await pass({ type: 'equals', value: 'Paris' }, 'Answer: Paris'), false);
    assert.equal(await pass({ type: 'equals', value: 4 }, '4'), true);
    assert.equal(await pass({ type: 'equals', value: { a: 1, b: [2] } }, '{"b":[2],"a":1}'), true);
    assert.equal(await pass({ type: 'equals', value: { a: 1 } }, 'not json'), false);
    assert.equal(await pass({ type: 'not-equals', value: 'Paris' }, 'Lyon'), true);
  });

  it('contains, icontains, -any/-all, starts-with, regex, and their not- forms', async () => {
    assert.equal(await pass({ type: 'contains', value: 'Paris' }, 'It is Paris.'), true);
    assert.equal(await pass({ type: 'contains', value: 'paris' }, 'It is Paris.'), false);
    assert.equal(await pass({ type: 'icontains', value: 'paris' }, 'It is PARIS.'), true);
    assert.equal(await pass({ type: 'not-icontains', value: 'paris' }, 'It is PARIS.'), false);
    assert.equal(await pass({ type: 'contains-any', value: 'Rome, "Paris, France"' }, 'Paris, France'), true);
    assert.equal(await pass({ type: 'contains-all', value: ['a', 'z'] }, 'abc'), false);
    assert.equal(await pass({ type: 'icontains-all', value: 'A, B' }, 'ab'), true);
    assert.equal(await pass({ type: 'icontains-any', value: ['X', 'Q'] }, 'abc'), false);
    assert.equal(await pass({ type: 'starts-with', value: 'Yes' }, 'Yes, it is'), true);
    assert.equal(await pass({ type: 'starts-with', value: 'Yes' }, ' Yes'), false);
    assert.equal(await pass({ type: 'regex', value: '^\\d{3}$' }, '123'), true);
    assert.equal(await pass({ type: 'regex', value: '^\\d{3}$' }, '1234'), false);
    assert.equal(await pass({ type: 'not-regex', value: 'error' }, 'fine'), true);
    assert.equal(await pass({ type: 'regex', value: '(' }, 'x'), false);
  });

  it('is-json needs the whole output; contains-json finds an object in text; both take a schema', async () => {
    assert.equal(await pass({ type: 'is-json' }, '{"a": 1}'), true);
    assert.equal(await pass({ type: 'is-json' }, 'Here: {"a": 1}'), false);
    assert.equal(await pass({ type: 'is-json' }, '[1, 2]'), true);
    assert.equal(await pass({ type: 'contains-json' }, 'Here: {"a": 1} done'), true);
    assert.equal(await pass({ type: 'contains-json' }, 'no json [1]'), false);
    assert.equal(await pass({ type: 'not-contains-json' }, 'plain'), true);
    const schema = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };
    assert.equal(await pass({ type: 'is-json', value: schema }, '{"name": "x"}'), true);
    assert.equal(await pass({ type: 'is-json', value: schema }, '{"name": 3}'), false);
    assert.equal(await pass({ type: 'contains-json', value: 'type: object\nrequired: [id]' }, 'a {"x": 1} b {"id": 2}'), true);
    assert.deepEqual(jsonObjectsIn('x {"a": {"b": 1}} y {c: 2} z {"open": 1'), [{ a: { b: 1 } }, { c: 2 }, { open: 1 }]);
    // Hostile input stays bounded.
    const t0 = Date.now();
    jsonObjectsIn('{'.repeat(200_000));
    assert.ok(Date.now() - t0 < 5000);
  });

  it('combines as promptfoo: all must pass; weighted mean score; weight 0 never fails; a threshold decides', () => {
    const r = (p: boolean, score = p ? 1 : 0) => ({ pass: p, score, reason: p ? 'ok' : 'bad' });
    assert.deepEqual(combineResults([]), { pass: true, score: 1, reason: 'no assertions' });
    const mixed = combineResults([{ result: r(true), weight: 3 }, { result: r(false) }]);
    assert.equal(mixed.pass, false);
    assert.equal(mixed.score, 0.75);
    assert.equal(combineResults([{ result: r(false), weight: 0 }]).score, 0);
    assert.equal(combineResults([{ result: r(true), weight: 3 }, { result: r(false) }], 0.7).pass, true);
    assert.equal(combineResults([{ result: r(true) }, { result: r(false) }], 0.7).pass, false);
    // threshold 0 is no threshold in promptfoo
    assert.equal(combineResults([{ result: r(true) }, { result: r(false) }], 0).pass, false);
  });

  it('the metric: 1 when the test passes, its weighted score (below 1) when it fails; llm-rubric through the judge', async () => {
    const judge = new ScriptedModel((call) => (call.user.includes('Response to grade:\nPolite reply') ? '{"score": 0.9, "reason": "polite"}' : '{"score": 0.3, "reason": "rude"}'));
    const asserts: PromptfooAssertion[] = [
      { type: 'icontains', value: 'reply' },
      { type: 'llm-rubric', value: 'Is polite' },
    ];
    const ex = exampleOf(asserts);
    const metric = promptfooMetric({ judgeModel: judge, tests: [ex.promptfoo!] });
    assert.equal(metric.formatInstruction, '');
    assert.equal((await metric.score('Polite reply', ex)).score, 1);
    const rude = await metric.score('Rude reply', ex);
    assert.ok(Math.abs(rude.score - 0.65) < 1e-9, String(rude.score));
    assert.match(rude.reason, /1\/2 assertions passed; failed: rubric "Is polite" \(rude\)/);
    assert.match(judge.calls[0].user, /Rubric:\nIs polite/);
    const weighted = exampleOf([{ type: 'equals', value: 'x', weight: 0 }, { type: 'contains', value: 'y' }]);
    assert.equal((await metric.score('y', weighted)).score, 1);
    const all = exampleOf([{ type: 'equals', value: 'x' }, { type: 'contains', value: 'x' }]);
    const failedFull = await metric.score('x!', all);
    assert.equal(failedFull.score, 0.5);
    // An assert-set is combined with its own threshold, then weighted in the test; a failed set of weight 0 still fails it (as in promptfoo).
    const set = (weight: number) =>
      exampleOf([{ type: 'contains', value: 'y' }, { type: 'assert-set', threshold: 0.5, weight, assert: [{ type: 'contains', value: 'y' }, { type: 'contains', value: 'z' }, { type: 'contains', value: 'w' }] } as PromptfooAssertion]);
    const failedSet = await metric.score('y', set(1));
    assert.ok(Math.abs(failedSet.score - (1 + 1 / 3) / 2) < 1e-9, String(failedSet.score));
    assert.equal((await metric.score('yz', set(1))).score, 1);
    assert.ok((await metric.score('y', set(0))).score < 1);
    // A passing threshold is a pass even below a full score.
    assert.equal((await metric.score('y', exampleOf([{ type: 'contains', value: 'y' }, { type: 'contains', value: 'z' }], 0.5))).score, 1);
    await assert.rejects(promptfooMetric({ tests: [ex.promptfoo!] }).score('x', ex), /need a judge model/);
  });
});
