/**
 * Memory PROXY for the extension host during a long run: the runner with the offline
 * simulator (what the extension runs in its host process for a simulator run) in plain
 * Node, `steps` steps, RSS and heap sampled after every checkpoint, and the heap after a
 * forced GC at step 10 and at the last step (retained memory, i.e. what could leak).
 * Prints one JSON line. Usage: node --expose-gc --import tsx memoryRun.ts <steps>
 */
import { performance } from 'node:perf_hooks';
import { RunConfigSchema } from '../../src/core/config/runConfig';
import { resolvePreset } from '../../src/core/config/presets';
import { startRun } from '../../src/core/run/runner';
import { makeWorkspace, syntheticDataset } from './workspace';

const steps = Number(process.argv[2] ?? 500);
const MiB = 2 ** 20;

async function main(): Promise<void> {
  const sizes = { train: 20, val: 20, test: 5 };
  const ws = makeWorkspace(syntheticDataset(sizes.train + sizes.val + sizes.test));
  const resolved = resolvePreset('best');
  const config = RunConfigSchema.parse({
    promptFile: ws.promptFile,
    data: { source: ws.dataFile, trainSize: sizes.train, valSize: sizes.val, testSize: sizes.test },
    preset: 'best',
    techniques: resolved.techniques,
    method: resolved.method,
    batchSize: 3,
    steps,
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  const samples: { step: number; rss: number; heap: number }[] = [];
  const retained: Record<string, number> = {};
  let events = 0;
  gc?.();
  const base = process.memoryUsage();
  const t0 = performance.now();
  const result = await startRun({
    config,
    runsDir: 'runs',
    cwd: ws.dir,
    onEvent: (e) => {
      events++;
      if (e.type !== 'checkpoint') return;
      const m = process.memoryUsage();
      samples.push({ step: e.step, rss: m.rss / MiB, heap: m.heapUsed / MiB });
      if (gc && (e.step === 10 || e.step === steps)) {
        gc();
        retained[`step${e.step === 10 ? 10 : 'Last'}`] = process.memoryUsage().heapUsed / MiB;
      }
    },
  });
  const wallSec = (performance.now() - t0) / 1000;
  ws.cleanup();
  const peak = (k: 'rss' | 'heap') => Math.max(...samples.map((s) => s[k]));
  console.log(
    JSON.stringify({
      label: 'offline simulator run (runner in plain Node)',
      stoppedBy: result.done.stoppedBy,
      steps: result.done.steps,
      events,
      wallSec,
      rssBeforeMiB: base.rss / MiB,
      heapBeforeMiB: base.heapUsed / MiB,
      rssPeakMiB: peak('rss'),
      heapPeakMiB: peak('heap'),
      heapRetainedStep10MiB: retained.step10 ?? NaN,
      heapRetainedLastStepMiB: retained.stepLast ?? NaN,
      rssEndMiB: samples.at(-1)?.rss ?? NaN,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
