import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parsePromptDocument } from '../../../src/core/prompt';
import { applySentenceEdits, diffSentences, editTouches, expectedUnits } from '../../../src/core/prompt/sentenceDiff';
import { segmentSentences } from '../../../src/core/prompt/sentences';
import { FIXED_KINDS } from '../../../src/core/prompt/sentenceTypes';
import { unitKey, unitTextKey } from '../../../src/core/prompt/unitMatching';

/**
 * The edit model on the real prompt files of test/fixtures/prompts (Copilot prompt,
 * instruction and agent files, Prompty files, long markdown): generated proposals of the
 * kind an update model makes (sentences and items rewritten, deleted, inserted; a section
 * moved) and any subset of their edits must give a well-formed document.
 */

const root = join(__dirname, '../../fixtures/prompts');
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(md|prompty|txt)$/.test(name) && !/^(SOURCES|LICENSE)/.test(name) ? [path] : [];
  });
}

const bodies = files(root).flatMap((path) => {
  try {
    return [{ path, body: parsePromptDocument(readFileSync(path, 'utf8'), path).body }];
  } catch {
    return []; // multi-prompt files need --prompt; covered elsewhere
  }
});

type Op = 'keep' | 'rewrite' | 'delete' | 'insert';
const opArb = fc.constantFrom<Op>('keep', 'keep', 'keep', 'keep', 'rewrite', 'delete', 'insert');

/** A rewrite that keeps the unit's kind, as a model's rewrite of a sentence, an item or a code block does. */
function rewrite(u: { kind: string; text: string }): string {
  if (u.kind === 'sentence') return u.text.replace(/^(\S+)/, '$1 always');
  if (u.kind === 'code') return u.text.replace(/\n([ \t]*)(`{3,}|~{3,})$/, '\n$1// checked\n$1$2');
  if (u.kind === 'table') return u.text.replace(/\|\s*$/, '| ').replace(/ $/, '');
  return `${u.text} now`;
}

const lineBreaks = (gap: string) => gap.split('\n').length - 1;

/**
 * A proposal made from the body's own units, each changed in place with its whitespace
 * kept, as a careful model writes it: a deletion leaves the wider of the two gaps, and
 * numbered items are not deleted (a model renumbers after a deletion; an item `2.` after
 * a paragraph would not even be a list item).
 */
function propose(body: string, ops: readonly Op[]): string {
  const units = segmentSentences(body);
  let out = body.slice(0, units[0]?.start ?? body.length);
  let pendingGap = '';
  units.forEach((u, i) => {
    let gap = i === 0 ? '' : body.slice(units[i - 1].end, u.start);
    if (lineBreaks(pendingGap) > lineBreaks(gap)) gap = pendingGap;
    let op = FIXED_KINDS.has(u.kind) ? 'keep' : (ops[i % ops.length] ?? 'keep');
    if (op === 'delete' && u.kind === 'list-item' && /^\d/.test(u.text)) op = 'rewrite';
    if (op === 'delete') {
      pendingGap = gap;
      return;
    }
    pendingGap = '';
    out += gap + (op === 'rewrite' ? rewrite(u) : u.text);
    // An inserted paragraph is indented like the unit it follows, so it stays inside a list item.
    const line = body.slice(body.lastIndexOf('\n', u.start - 1) + 1, u.start);
    const indent = /^\s*$/.test(line) ? line : '';
    if (op === 'insert') out += u.kind === 'list-item' ? `\n${indent}${/^\s*(\d+[.)]|[-*+])/.exec(u.text)?.[1] ?? '-'} Check the result twice.` : `\n\n${indent}Check the result twice.`;
  });
  return out + body.slice(units[units.length - 1]?.end ?? body.length);
}

describe('edits on real prompt files', () => {
  it('finds the fixtures', () => assert.ok(bodies.length >= 20, `${bodies.length} prompt files`));

  it('no unit swallows its neighbours: code and tables aside, units stay under 1,200 characters', () => {
    for (const { path, body } of bodies) {
      for (const u of segmentSentences(body)) {
        if (u.kind === 'code' || u.kind === 'table' || u.kind === 'quote' || u.kind === 'html' || u.kind === 'front-matter') continue;
        assert.ok(u.text.length < 1200, `${path}: a ${u.kind} of ${u.text.length} characters: ${u.text.slice(0, 80)}…`);
      }
    }
  });

  it('any subset of a generated proposal’s edits is well-formed (property)', () => {
    fc.assert(
      fc.property(fc.nat(bodies.length - 1), fc.array(opArb, { minLength: 5, maxLength: 40 }), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), (pick, ops, mask) => {
        const { path, body } = bodies[pick];
        const after = propose(body, ops);
        const edits = diffSentences(body, after);
        assert.deepEqual(segmentSentences(applySentenceEdits(body, edits)).map(unitKey), segmentSentences(after).map(unitKey), `${path}: the full set`);
        const subset = edits.filter((_, i) => mask[i % mask.length]);
        const result = segmentSentences(applySentenceEdits(body, subset));
        const expected = expectedUnits(body, subset);
        assert.deepEqual(result.map((u) => unitTextKey(u.text)), expected.map(unitTextKey), `${path}: a subset`);
        // Fixed units (front matter, comments, template lines) are exactly as they were.
        const fixed = (units: readonly { kind: string; text: string }[]) => units.filter((u) => FIXED_KINDS.has(u.kind as never)).map((u) => u.text);
        assert.deepEqual(fixed(result), fixed(segmentSentences(body)));
        const touched = new Set(subset.flatMap(editTouches));
        const keys = result.map(unitKey);
        let from = 0;
        segmentSentences(body).forEach((u, i) => {
          if (touched.has(i)) return;
          const at = keys.indexOf(unitKey(u), from);
          assert.ok(at >= 0, `${path}: untouched unit ${i} lost`);
          from = at + 1;
        });
      }),
      { numRuns: 150 },
    );
  });
});
