// The loopback model the e2e UI journey talks to: what it answers decides what the
// journey can check (the gradient marker in the panel, the candidate sentence on disk),
// so its behaviour is pinned here, over real HTTP, without a browser.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REQUEST_KIND, TAG } from '../../../src/core/dlpo/markers';
import { CANDIDATE_MARKER, GRADIENT_MARKER, startJourneyModel, type JourneyModel } from '../../e2e/lib/journeyModel';

async function chat(model: JourneyModel, system: string, user: string): Promise<string> {
  const res = await fetch(`${model.server.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'e2e-forward', messages: [{ role: 'system', content: system }, { role: 'user', content: user }] }),
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { choices: { message: { content: string } }[] };
  return body.choices[0].message.content;
}

describe('e2e journey model (loopback)', () => {
  let dir: string;
  let model: JourneyModel;
  const rows = Array.from({ length: 20 }, (_, i) => ({ question: `How much is ${i} plus ${i}?`, answer: String(2 * i) }));

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journey-model-'));
    fs.writeFileSync(path.join(dir, 'data.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    model = await startJourneyModel({ datasetFile: path.join(dir, 'data.jsonl'), gradientTokensPerSecond: 10_000 });
  });
  after(async () => {
    await model.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers an update with the current prompt plus one numbered candidate sentence', async () => {
    const prompt = 'Solve the problem.\nAnswer with a number.';
    const reply = await chat(model, `${REQUEST_KIND.update}\nImprove it.`, `<${TAG.currentPrompt}>\n${prompt}\n</${TAG.currentPrompt}>`);
    const body = new RegExp(`<${TAG.improved}>\\n([\\s\\S]*)\\n</${TAG.improved}>`).exec(reply)?.[1];
    assert.equal(body, `${prompt}\n${model.candidateSentence(model.updates())}`);
    assert.ok(body?.includes(CANDIDATE_MARKER));
  });

  it('marks gradients so the panel check can find them', async () => {
    const reply = await chat(model, `${REQUEST_KIND.promptGradient}\nGive feedback.`, 'anything');
    assert.ok(reply.startsWith(GRADIENT_MARKER), reply);
  });

  it('answers forward calls from the gold answers, more often right once the prompt has a candidate sentence', async () => {
    const score = async (system: string) => {
      let right = 0;
      for (const r of rows) {
        const reply = await chat(model, system, r.question);
        if (reply.trim().endsWith(`Answer: ${r.answer}`)) right += 1;
      }
      return right;
    };
    const plain = await score('You are a careful math tutor.');
    const improved = await score(`You are a careful math tutor.\n${model.candidateSentence(1)}`);
    assert.ok(improved > plain, `improved ${improved} vs plain ${plain} of ${rows.length}`);
    assert.ok(plain < rows.length && plain > 0, `plain ${plain}: some right, some wrong`);
  });

  it('counts requests by kind', () => {
    const counts = model.countsByKind();
    assert.equal(counts.update, 1);
    assert.equal(counts.promptGradient, 1);
    assert.equal(counts.forward, 2 * rows.length);
  });
});
