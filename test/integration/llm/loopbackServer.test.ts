import assert from 'node:assert/strict';
import { answerFromGold, reply, startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import { ask, providerFor, rejectionOf } from './helpers';

describe('loopback server (test support)', () => {
  let server: LoopbackServer;
  afterEach(async () => server?.close());

  const items = Array.from({ length: 40 }, (_, i) => ({ input: `What is ${i} + ${i}?`, gold: String(2 * i) }));
  const systemAsk = (system: string, user: string) => ({ messages: [{ role: 'system' as const, content: system }, { role: 'user' as const, content: user }] });

  it('answerFromGold: right answers at fraction 0, a deterministic wrong share keyed on the system prompt', async () => {
    server = await startLoopbackServer({
      script: answerFromGold({ items, wrongFraction: (system) => (system.includes('careful') ? 0 : 0.5) }),
    });
    const model = providerFor(server);
    const score = async (system: string) => {
      let right = 0;
      for (const it of items) if ((await model.complete(systemAsk(system, `Question: ${it.input}`))).text.endsWith(`Answer: ${it.gold}`)) right++;
      return right;
    };
    assert.equal(await score('Be careful.'), items.length);
    const sloppy = await score('Be quick.');
    assert.ok(sloppy > 5 && sloppy < 35, `about half right, got ${sloppy}`);
    assert.equal(await score('Be quick.'), sloppy, 'the same prompt gets the same answers');
  });

  it('answerFromGold: requests matching no item go to `otherwise`', async () => {
    server = await startLoopbackServer({ script: answerFromGold({ items, otherwise: () => reply.text('critique') }) });
    assert.equal((await providerFor(server).complete(ask('Critique this prompt.'))).text, 'critique');
  });

  it('an exhausted queue answers 500 and says so', async () => {
    server = await startLoopbackServer({ script: [] });
    const e = await rejectionOf(providerFor(server).complete(ask('x')));
    assert.match(e.message, /loopback script exhausted/);
  });

  it('records in-flight counts and resets', async () => {
    server = await startLoopbackServer({ fallback: () => reply.text('a', { delayMs: 30 }) });
    const model = providerFor(server);
    await Promise.all([model.complete(ask('1')), model.complete(ask('2'))]);
    assert.equal(server.maxInFlight, 2);
    assert.equal(server.inFlight, 0);
    server.reset();
    assert.equal(server.requests.length, 0);
    assert.equal(server.maxInFlight, 0);
  });
});
