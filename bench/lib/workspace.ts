import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A scratch workspace for benchmark runs: a prompt file and a synthetic GSM8K-style
 * dataset (question / integer answer) large enough for validation sets of 200. The
 * questions are distinct and none is a substring of another, so the loopback server's
 * `answerFromGold` finds each one's gold answer unambiguously.
 */

export interface DatasetRow {
  question: string;
  answer: string;
}

const NAMES = ['Ana', 'Ben', 'Chloe', 'Dmitri', 'Emeka', 'Farah', 'Goran', 'Hana', 'Ivo', 'Jun', 'Kemal', 'Lena'];
const THINGS = ['apples', 'pencils', 'stamps', 'marbles', 'books', 'shells', 'coins', 'cards'];

export function syntheticDataset(n: number): DatasetRow[] {
  const rows: DatasetRow[] = [];
  for (let i = 0; i < n; i++) {
    const name = NAMES[i % NAMES.length];
    const thing = THINGS[Math.floor(i / NAMES.length) % THINGS.length];
    const a = 10 + ((i * 37) % 89);
    const bags = 2 + ((i * 13) % 9);
    const per = 3 + ((i * 7) % 11);
    const given = 1 + ((i * 5) % 9);
    const question = `Problem ${i + 1}. ${name} has ${a} ${thing}. ${name} buys ${bags} bags with ${per} ${thing} in each bag and then gives ${given} ${thing} to a friend. How many ${thing} does ${name} have now?`;
    rows.push({ question, answer: String(a + bags * per - given) });
  }
  return rows;
}

export const BENCH_PROMPT = `---
name: bench-solver
description: Benchmark prompt (synthetic word problems).
---
You are a helpful assistant. Solve the math word problem.
`;

export interface Workspace {
  dir: string;
  promptFile: string;
  dataFile: string;
  rows: DatasetRow[];
  cleanup(): void;
}

export function makeWorkspace(rows: DatasetRow[]): Workspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-bench-'));
  fs.writeFileSync(path.join(dir, 'bench.prompt.md'), BENCH_PROMPT);
  fs.writeFileSync(path.join(dir, 'data.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return {
    dir,
    promptFile: 'bench.prompt.md',
    dataFile: 'data.jsonl',
    rows,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
