import * as path from 'node:path';
import { lastBoxed } from '../metrics/latexAnswer';
import type { Example } from './example';
import { benchmarksRoot, type BenchmarkSpec } from './benchmarks';
import { DatasetError } from './datasetError';
import { cellText } from './datasetRows';
import { readTextFile, stripBom } from './inputFile';
import { parseJsonArray } from './parseJsonArray';
import { parseJsonl } from './parseJsonl';

/** The final answer of a GSM8K-style solution: the token after `####`, without BigGSM's stray full stop. */
export function gsm8kFinalAnswer(solution: string, where: { file: string; line?: number }): string {
  const at = solution.lastIndexOf('####');
  if (at < 0) throw new DatasetError('the answer has no "#### <final answer>" line', { ...where, field: 'answer' });
  return solution.slice(at + 4).trim().replace(/\.$/, '');
}

function varsOf(values: Record<string, unknown>): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) vars[k] = cellText(v);
  return vars;
}

async function readRows(spec: BenchmarkSpec, file: string, root: string): Promise<Example[]> {
  const full = path.join(root, spec.dir, file);
  const text = stripBom(await readTextFile(full, { what: `benchmark file of ${spec.name}` }));
  const base = `${spec.name}/${path.basename(file)}`;
  switch (spec.reader) {
    case 'gsm8k-jsonl':
      return parseJsonl(text, full).rows.map((row, i) => {
        const question = cellText(row.values.question);
        const gold = gsm8kFinalAnswer(cellText(row.values.answer), { file: full, line: row.line });
        const ownId = cellText(row.values.index);
        return { id: ownId ? `${spec.name}#${ownId}` : `${base}#${i}`, input: question, gold, vars: { ...varsOf(row.values), final_answer: gold } };
      });
    case 'mgsm-tsv': {
      const language = /mgsm_(\w+)\.tsv$/.exec(file)?.[1] ?? 'xx';
      const out: Example[] = [];
      text.split('\n').forEach((line, i) => {
        const clean = line.replace(/\r$/, '');
        if (clean.trim() === '') return;
        const tab = clean.lastIndexOf('\t');
        if (tab < 0) throw new DatasetError('expected "<question>\\t<answer>"', { file: full, line: i + 1 });
        const question = clean.slice(0, tab);
        const answer = clean.slice(tab + 1).trim();
        out.push({ id: `mgsm/${language}#${i + 1}`, input: question, gold: answer, vars: { question, answer_number: answer, language } });
      });
      return out;
    }
    case 'bbh-json': {
      const task = spec.name.slice('bbh/'.length);
      return parseJsonArray(text, full).rows.map((row, i) => {
        const input = cellText(row.values.input);
        const target = cellText(row.values.target);
        return { id: `bbh/${task}#${i}`, input, gold: target, vars: { input, target } };
      });
    }
    case 'math-jsonl':
      return parseJsonl(text, full).rows.map((row) => {
        const problem = cellText(row.values.problem);
        const solution = cellText(row.values.solution);
        const gold = lastBoxed(solution);
        if (gold === undefined) throw new DatasetError('the solution has no \\boxed{} answer', { file: full, line: row.line, field: 'solution' });
        return { id: `math#${cellText(row.values.idx)}`, input: problem, gold, vars: { ...varsOf(row.values), question: problem, answer: gold } };
      });
    case 'math500-jsonl':
      return parseJsonl(text, full).rows.map((row) => {
        const problem = cellText(row.values.problem);
        const answer = cellText(row.values.answer);
        return { id: `math500#${cellText(row.values.unique_id)}`, input: problem, gold: answer, vars: { ...varsOf(row.values), question: problem } };
      });
  }
}

/** The benchmark's examples: the pool train and val come from, and the test pool when separate. */
export async function loadBenchmarkExamples(spec: BenchmarkSpec, options: { root?: string } = {}): Promise<{ pool: Example[]; testPool?: Example[] }> {
  const root = options.root ?? benchmarksRoot();
  const pool = (await Promise.all(spec.files.map((f) => readRows(spec, f, root)))).flat();
  const testPool = spec.testFiles ? (await Promise.all(spec.testFiles.map((f) => readRows(spec, f, root)))).flat() : undefined;
  return { pool, testPool };
}
