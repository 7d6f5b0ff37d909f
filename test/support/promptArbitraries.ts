import fc from 'fast-check';

/**
 * Generators of well-formed prompts for property tests: prose sentences that start with
 * a capital and end with terminal punctuation (so sentence boundaries are unambiguous),
 * list items and headings. A small vocabulary makes repeated sentences likely, which is
 * what stresses the diff.
 */

const WORDS = ['answer', 'step', 'number', 'check', 'work', 'final', 'format', 'reason', 'carefully', 'units'];
const CAPS = ['Give', 'Think', 'Show', 'Use', 'Always', 'Never', 'State'];

export const sentenceArb = fc
  .tuple(fc.constantFrom(...CAPS), fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }), fc.constantFrom('.', '!', '?'))
  .map(([cap, words, end]) => `${cap} ${words.join(' ')}${end}`);

export const listItemArb = fc
  .tuple(fc.constantFrom('-', '*', '1.'), fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }))
  .map(([marker, words]) => `${marker} ${words.join(' ')}`);

export const headingArb = fc.constantFrom(...CAPS).map((w) => `## ${w}`);

export type Unit = { kind: 'sentence' | 'list-item' | 'heading'; text: string };

export const unitArb: fc.Arbitrary<Unit> = fc.oneof(
  { weight: 6, arbitrary: sentenceArb.map((text) => ({ kind: 'sentence' as const, text })) },
  { weight: 2, arbitrary: listItemArb.map((text) => ({ kind: 'list-item' as const, text })) },
  { weight: 1, arbitrary: headingArb.map((text) => ({ kind: 'heading' as const, text })) },
);

/** Prose sentences joined by a space, everything else on its own line. */
export function render(units: readonly Unit[]): string {
  let out = '';
  units.forEach((u, i) => {
    if (i > 0) out += u.kind === 'sentence' && units[i - 1].kind === 'sentence' ? ' ' : '\n';
    out += u.text;
  });
  return out;
}

/** A document and an edited version of it (deletes, rewrites, inserts, moves). */
export const docPairArb = fc
  .tuple(
    fc.array(unitArb, { minLength: 0, maxLength: 10 }),
    fc.array(fc.tuple(fc.constantFrom('keep', 'keep', 'delete', 'modify', 'insert'), unitArb), { maxLength: 10 }),
  )
  .map(([units, ops]) => {
    const after: Unit[] = [];
    units.forEach((u, i) => {
      const [op, other] = ops[i] ?? ['keep', u];
      if (op === 'keep') after.push(u);
      else if (op === 'modify') after.push(other);
      else if (op === 'insert') after.push(u, other);
    });
    for (const [op, other] of ops.slice(units.length)) if (op === 'insert') after.push(other);
    return { before: render(units), after: render(after), beforeUnits: units, afterUnits: after };
  });

/** Prose only: the case where applying every edit must reproduce `after` exactly. */
export const prosePairArb = fc
  .tuple(fc.array(sentenceArb, { maxLength: 8 }), fc.array(fc.tuple(fc.constantFrom('keep', 'delete', 'modify', 'insert'), sentenceArb), { maxLength: 8 }))
  .map(([sentences, ops]) => {
    const after: string[] = [];
    sentences.forEach((s, i) => {
      const [op, other] = ops[i] ?? ['keep', s];
      if (op === 'keep') after.push(s);
      else if (op === 'modify') after.push(other);
      else if (op === 'insert') after.push(s, other);
    });
    return { before: sentences.join(' '), after: after.join(' ') };
  });
