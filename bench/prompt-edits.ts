/**
 * The cost of the edit model on large prompts (issue 15): segmenting a prompt into
 * structure-aware units, the aligning diff against a proposal, and TLR's cut to R edits
 * (which applies the kept edits and re-diffs the result), the way one step does it. The
 * baseline in the same run is a plain line diff (`diff`'s diffLines) of the same two
 * texts: the cheapest thing that could tell the user what changed.
 *
 * Prompts are built from the real prompt files in test/fixtures/prompts, repeated to
 * 100 KB and 1 MB; the proposal rewrites, deletes and inserts about 2% of the units and
 * moves one section, the way an update model does. Targets: under 200 ms for 100 KB and
 * under 2 s for 1 MB. Last line: `prompt edits: X ms (100 KB) · Y ms (1 MB)`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { diffLines } from 'diff';
import { limitEdits } from '../src/core/dlpo/techniques/learningRate';
import { parsePromptDocument } from '../src/core/prompt';
import { diffSentences } from '../src/core/prompt/sentenceDiff';
import { forgetSegmentations, segmentSentences } from '../src/core/prompt/sentences';
import { machineInfo, machineLine, printTable, round2, writeResult } from './lib/report';

const FIXTURES = path.resolve(__dirname, '../test/fixtures/prompts');
const SIZES = [{ label: '100 KB', bytes: 100_000, targetMs: 200 }, { label: '1 MB', bytes: 1_000_000, targetMs: 2000 }];
const REPEATS = 5;

function fixtureBodies(dir: string): string[] {
  return fs.readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (fs.statSync(file).isDirectory()) return fixtureBodies(file);
    if (!/\.(md|prompty)$/.test(name)) return [];
    try {
      return [parsePromptDocument(fs.readFileSync(file, 'utf8'), file).body];
    } catch {
      return [];
    }
  });
}

function promptOfSize(bytes: number): string {
  const bodies = fixtureBodies(FIXTURES);
  let text = '';
  for (let i = 0; text.length < bytes; i++) text += `${text ? '\n\n' : ''}${bodies[i % bodies.length]}`;
  return text;
}

/** About 2% of the units rewritten, deleted or followed by a new sentence; one heading moved to the end. */
function proposalFor(text: string): string {
  const units = segmentSentences(text);
  let out = '';
  let last = 0;
  units.forEach((u, i) => {
    out += text.slice(last, u.start);
    last = u.end;
    if (!u.editable || i % 50 !== 7) {
      out += u.text;
      return;
    }
    const op = (i / 50) % 3 | 0;
    if (op === 0) out += u.kind === 'sentence' ? `${u.text.replace(/[.!?]?$/, '')}, and check it twice.` : u.text;
    else if (op === 1) out += u.kind === 'code' || u.kind === 'table' ? u.text : '';
    else out += `${u.text}\n\nWhen unsure, ask.`;
  });
  out += text.slice(last);
  const heading = units.find((u, i) => i > units.length / 2 && u.kind === 'heading');
  if (heading) out = `${out.replace(heading.text, '')}\n\n${heading.text}\n`;
  return out;
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const startedAt = new Date();
const machine = machineInfo();
console.log(machineLine(machine));
const rows: (string | number)[][] = [];
const figures: Record<string, unknown>[] = [];
for (const size of SIZES) {
  const before = promptOfSize(size.bytes);
  const after = proposalFor(before);
  const segment: number[] = [];
  const diff: number[] = [];
  const cut: number[] = [];
  const lineDiff: number[] = [];
  let edits = 0;
  let units = 0;
  for (let r = 0; r < REPEATS; r++) {
    // Each repeat is a cold step: segmentations are kept between the phases of one step
    // (that is what the cache is for), never between steps of the benchmark.
    forgetSegmentations();
    segment.push(time(() => (units = segmentSentences(before).length)));
    forgetSegmentations();
    let all: ReturnType<typeof diffSentences> = [];
    diff.push(time(() => (all = diffSentences(before, after))));
    edits = all.length;
    cut.push(time(() => limitEdits(before, all, 2, 'check the steps twice and ask when unsure')));
    lineDiff.push(time(() => diffLines(before, after)));
  }
  const total = median(diff) + median(cut);
  const baseline = median(lineDiff);
  rows.push([size.label, before.length, units, edits, round2(median(segment)), round2(median(diff)), round2(median(cut)), round2(total), round2(baseline), round2(total / baseline), total <= size.targetMs ? 'yes' : 'NO']);
  figures.push({ size: size.label, chars: before.length, units, edits, segmentMs: median(segment), diffMs: median(diff), cutMs: median(cut), totalMs: total, lineDiffMs: baseline, ratio: total / baseline, targetMs: size.targetMs });
}
printTable(
  'Edit model per step (median of 5, cold): segment = one text; diff = segment both + align; cut = TLR to R = 2 (apply + re-diff)',
  ['prompt', 'chars', 'units', 'edits', 'segment ms', 'diff ms', 'cut ms', 'step ms', 'line diff ms', 'ratio', 'in target'],
  rows,
);
writeResult('prompt-edits', machine, startedAt, { figures });
console.log(`prompt edits: ${round2(figures[0].totalMs as number)} ms (100 KB) · ${round2(figures[1].totalMs as number)} ms (1 MB)`);
