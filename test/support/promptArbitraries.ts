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

/**
 * Markdown documents as prompt authors write them (paragraphs, some hard-wrapped;
 * headings; bullet and numbered lists; tables; code fences; template lines), and a
 * proposal derived from one the way an update model edits: sentences and items deleted,
 * rewritten or inserted, numbered lists renumbered, a table column added, two blocks
 * swapped. Rendered with blank lines between blocks.
 */
export type MdBlock =
  | { type: 'para'; sentences: string[]; wrap: boolean }
  | { type: 'heading'; text: string }
  | { type: 'list'; ordered: boolean; items: string[] }
  | { type: 'table'; columns: number; rows: number; seed: number }
  | { type: 'code'; body: string }
  | { type: 'template'; text: string };

const itemArb = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));

export const mdBlockArb: fc.Arbitrary<MdBlock> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ type: fc.constant('para' as const), sentences: fc.array(sentenceArb, { minLength: 1, maxLength: 4 }), wrap: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('heading' as const), text: fc.constantFrom(...CAPS).map((w) => `## ${w}`) }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('list' as const), ordered: fc.boolean(), items: fc.array(itemArb, { minLength: 1, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('table' as const), columns: fc.integer({ min: 1, max: 3 }), rows: fc.integer({ min: 1, max: 3 }), seed: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('code' as const), body: fc.constantFrom('x = 1. y = 2.', 'print("Answer.")', '# not a heading\n- not a list') }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('template' as const), text: fc.constantFrom('{% if hint %}', '{% endif %}', '{{#each items}}') }) },
);

export function renderBlock(b: MdBlock): string {
  switch (b.type) {
    case 'para':
      // A wrapped paragraph puts each sentence on its own line (its line breaks are kept).
      return b.sentences.join(b.wrap ? '\n' : ' ');
    case 'heading':
      return b.text;
    case 'list':
      return b.items.map((t, i) => `${b.ordered ? `${i + 1}.` : '-'} ${t}`).join('\n');
    case 'table': {
      const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
      const header = row(Array.from({ length: b.columns }, (_, c) => `h${c}`));
      const sep = row(Array.from({ length: b.columns }, () => '---'));
      const rows = Array.from({ length: b.rows }, (_, r) => row(Array.from({ length: b.columns }, (_, c) => `v${b.seed}${r}${c}`)));
      return [header, sep, ...rows].join('\n');
    }
    case 'code':
      return '```\n' + b.body + '\n```';
    case 'template':
      return b.text;
  }
}

function isEmptyBlock(b: MdBlock): boolean {
  return (b.type === 'para' && b.sentences.length === 0) || (b.type === 'list' && b.items.length === 0);
}

export function renderDoc(blocks: readonly MdBlock[]): string {
  return blocks.filter((b) => !isEmptyBlock(b)).map(renderBlock).join('\n\n');
}

type UnitOp = 'keep' | 'delete' | 'modify' | 'insert';
const unitOpArb = fc.constantFrom<UnitOp>('keep', 'keep', 'keep', 'delete', 'modify', 'insert');

function editList(items: string[], ops: readonly [UnitOp, string][]): string[] {
  const out: string[] = [];
  items.forEach((t, i) => {
    const [op, other] = ops[i] ?? ['keep', t];
    if (op === 'keep') out.push(t);
    else if (op === 'modify') out.push(other);
    else if (op === 'insert') out.push(t, other);
  });
  return out;
}

export const mdPairArb = fc
  .tuple(
    fc.array(mdBlockArb, { minLength: 1, maxLength: 7 }),
    fc.array(fc.tuple(fc.array(fc.tuple(unitOpArb, sentenceArb), { maxLength: 4 }), fc.array(fc.tuple(unitOpArb, itemArb), { maxLength: 4 }), fc.boolean()), { minLength: 7, maxLength: 7 }),
    fc.option(fc.tuple(fc.nat(6), fc.nat(6))),
  )
  .map(([blocks, ops, swap]) => {
    // Template lines are never edited by a well-behaved proposal (they are protected).
    const after: MdBlock[] = blocks.map((b, i) => {
      const [sentenceOps, itemOps, widen] = ops[i];
      if (b.type === 'para') return { ...b, sentences: editList(b.sentences, sentenceOps) };
      if (b.type === 'list') return { ...b, items: editList(b.items, itemOps) };
      if (b.type === 'table' && widen) return { ...b, columns: b.columns + 1 };
      return b;
    });
    if (swap) {
      const [p, q] = swap.map((k) => k % after.length);
      [after[p], after[q]] = [after[q], after[p]];
    }
    return { before: renderDoc(blocks), after: renderDoc(after) };
  });
