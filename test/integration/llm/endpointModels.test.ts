import { strict as assert } from 'node:assert';
import { listEndpointModels } from '../../../src/core/llm/endpointModels';
import { startLoopbackServer } from '../../support/loopbackServer';

describe('listEndpointModels (GET /models over HTTP)', () => {
  it('lists what the endpoint offers, sorted and without duplicates', async () => {
    const server = await startLoopbackServer({ models: ['llama3.1', 'gpt-4o-mini', 'llama3.1'] });
    try {
      assert.deepEqual(await listEndpointModels({ baseUrl: server.baseUrl, apiKey: 'k' }), { ok: true, models: ['gpt-4o-mini', 'llama3.1'] });
    } finally {
      await server.close();
    }
  });

  it('a 401 is the key check: it says whether no key or a wrong key was sent', async () => {
    const server = await startLoopbackServer({ modelsStatus: 401 });
    try {
      const none = await listEndpointModels({ baseUrl: server.baseUrl });
      assert.ok(!none.ok && none.problem === 'key');
      assert.match(none.message, /needs an API key \(HTTP 401\) and none is set/);
      const wrong = await listEndpointModels({ baseUrl: server.baseUrl, apiKey: 'wrong' });
      assert.ok(!wrong.ok && /rejected the API key/.test(wrong.message) && !wrong.message.includes('wrong'));
    } finally {
      await server.close();
    }
  });

  it('an endpoint without a list, or a stopped server, falls back to typing the name', async () => {
    const server = await startLoopbackServer({ modelsStatus: 404 });
    const baseUrl = server.baseUrl;
    try {
      const noList = await listEndpointModels({ baseUrl });
      assert.ok(!noList.ok && noList.problem === 'no-list');
    } finally {
      await server.close();
    }
    const gone = await listEndpointModels({ baseUrl });
    assert.ok(!gone.ok && gone.problem === 'unreachable');
    assert.match(gone.message, /did not answer/);
  });
});
