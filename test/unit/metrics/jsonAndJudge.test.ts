import { strict as assert } from 'node:assert';
import type { ChatModel, ChatRequest, ChatResponse } from '../../../src/core/llm/chatModel';
import { MetricConfigError } from '../../../src/core/metrics/errors';
import { jsonSchemaMetric, extractJson } from '../../../src/core/metrics/jsonSchema';
import { judgeMetric, parseJudgeReply } from '../../../src/core/metrics/judge';
import { ex } from './helpers';

function scriptedModel(replies: string[]): ChatModel & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  let i = 0;
  const complete = async (req: ChatRequest): Promise<ChatResponse> => {
    requests.push(req);
    const text = replies[Math.min(i++, replies.length - 1)];
    return { text, finishReason: 'stop', usage: { promptTokens: 10, completionTokens: 5 }, model: 'scripted' };
  };
  return {
    id: 'scripted',
    label: 'Scripted judge',
    requests,
    complete,
    async *stream(req) {
      const r = await complete(req);
      yield { type: 'done' as const, response: r };
    },
  };
}

describe('json-schema metric', () => {
  const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } }, required: ['name', 'age'] };
  const m = jsonSchemaMetric({ schema });
  it('accepts valid JSON, bare or fenced', async () => {
    assert.equal((await m.score('{"name":"Ada","age":36}', ex(''))).score, 1);
    assert.equal((await m.score('Here:\n```json\n{"name":"Ada","age":36}\n```', ex(''))).score, 1);
    assert.equal((await m.score('Sure! {"name":"Ada","age":36} Done.', ex(''))).score, 1);
  });
  it('rejects with the path of the violation', async () => {
    const r = await m.score('{"name":"Ada","age":-1}', ex(''));
    assert.equal(r.score, 0);
    assert.match(r.reason, /age/);
    assert.match((await m.score('not json', ex(''))).reason, /no JSON/);
  });
  it('needs a schema', () => {
    assert.throws(() => jsonSchemaMetric({}), MetricConfigError);
    assert.equal(extractJson('[1,2]')?.value instanceof Array, true);
  });
});

describe('judge metric', () => {
  it('parses many reply shapes', () => {
    assert.deepEqual(parseJudgeReply('{"score": 0.8, "reason": "close"}'), { score: 0.8, reason: 'close' });
    assert.equal(parseJudgeReply('<ACCURACY> 1 </ACCURACY>')?.score, 1);
    assert.equal(parseJudgeReply('Score: 7/10\nReason: mostly right')?.score, 0.7);
    assert.equal(parseJudgeReply('Score: 7/10\nReason: mostly right')?.reason, 'mostly right');
    assert.equal(parseJudgeReply('score = 8')?.score, 0.8);
    assert.equal(parseJudgeReply('Verdict: FAIL because wrong')?.score, 0);
    assert.equal(parseJudgeReply('1')?.score, 1);
    assert.equal(parseJudgeReply('I cannot decide'), undefined);
    assert.equal(parseJudgeReply('{"score": 500}'), undefined);
  });
  it('asks the model with the rubric and scores its reply', async () => {
    const model = scriptedModel(['{"score": 1, "reason": "matches the reference"}']);
    const m = judgeMetric({ judgeModel: model, rubric: 'Must name the capital.' });
    const r = await m.score('Paris', ex('Paris', 'Capital of France?'));
    assert.equal(r.score, 1);
    assert.match(r.reason, /matches the reference/);
    const sent = model.requests[0].messages.map((x) => x.content).join('\n');
    assert.match(sent, /Must name the capital/);
    assert.match(sent, /Capital of France\?/);
    assert.equal(model.requests[0].temperature, 0);
  });
  it('an unparseable reply scores 0 with the reason', async () => {
    const r = await judgeMetric({ judgeModel: scriptedModel(['hmm']) }).score('x', ex('y'));
    assert.equal(r.score, 0);
    assert.match(r.reason, /not understood/);
  });
  it('needs a model', () => assert.throws(() => judgeMetric({}), MetricConfigError));
});
