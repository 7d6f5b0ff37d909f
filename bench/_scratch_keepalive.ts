import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createOpenAiModel } from '../src/core/llm/openaiProvider';
import { startRemoteServer } from './lib/remoteServer';
import { makeWorkspace, syntheticDataset } from './lib/workspace';

async function main() {
  const ws = makeWorkspace(syntheticDataset(300));
  const server = await startRemoteServer({ dataFile: path.join(ws.dir, ws.dataFile), latencyMs: 200, backwardTokensPerSecond: 75, seed: 5 });
  const model = createOpenAiModel({ provider: 'openai-compatible', model: 'm', apiKey: 'sk-x', keySource: 'x', baseUrl: server.baseUrl });
  const round = async () => {
    const t0 = performance.now();
    await Promise.all(ws.rows.slice(0, 200).map((r) => model.complete({ messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: r.question }] })));
    return Math.round(performance.now() - t0);
  };
  await round(); await round();
  for (const idle of [1000, 3000, 6000, 1000, 6000]) {
    await new Promise((r) => setTimeout(r, idle));
    console.log(`after ${idle} ms idle: 200 calls in ${await round()} ms`);
  }
  await server.close();
  ws.cleanup();
}
main();
