import type { MethodOptions } from '../config/runConfig';
import type { ChatMessage } from '../llm/chatModel';
import { applySentenceEdits, diffSentences } from '../prompt/sentenceDiff';
import { segmentSentences } from '../prompt/sentences';
import type { SentenceEdit } from '../prompt/sentenceTypes';
import type { RevertedBy } from '../run/events';
import type { BackwardContext } from './backward';
import { breathe } from './breathe';
import { streamBackward } from './backward';
import type { TechniqueBlocks } from './prompts';
import { repairRequest, updateRequest } from './prompts';
import { describeProtected, partitionByProtection } from './techniques/dropout';
import { describeCut, limitEdits, overBudgetRequest } from './techniques/learningRate';
import { builtInCandidateProblem, parseUpdateReply } from './updateParser';

/**
 * Step 6 and the code-side enforcement: ask for the update, read the new prompt out of
 * the reply (with one repair round), then revert changes to TDO-protected sentences and
 * cut the proposal to the TLR budget (or re-ask once), and validate what is left.
 */

export interface TechniqueNote {
  technique: 'tlr' | 'tdo';
  summary: string;
  details: Record<string, unknown>;
}

export type Proposal =
  | {
      ok: true;
      after: string;
      edits: SentenceEdit[];
      reverted: { edit: SentenceEdit; by: RevertedBy }[];
      notes: TechniqueNote[];
    }
  | { ok: false; reason: string; notes: TechniqueNote[] };

export interface ProposalInput {
  current: string;
  gradient: string;
  blocks: TechniqueBlocks;
  /** TDO: protected before-indices (empty = none). */
  protectedIdx: number[];
  /** TLR/TLRD budget, or null. */
  budget: number | null;
  method: MethodOptions;
  validateCandidate?: (candidate: string, current: string) => string | null;
}

async function askAndParse(
  ctx: BackwardContext,
  messages: ChatMessage[],
  current: string,
  repair: boolean,
): Promise<{ ok: true; text: string; messages: ChatMessage[] } | { ok: false; reason: string }> {
  const onDelta = (t: string) => ctx.onDelta('update', t);
  let reply = await streamBackward(ctx, messages, 'update', onDelta);
  let parsed = parseUpdateReply(reply.text, current, reply.finishReason);
  let convo = [...messages, { role: 'assistant' as const, content: reply.text }];
  if (!parsed.ok && repair) {
    const retry: ChatMessage[] = [...convo, { role: 'user', content: repairRequest(parsed.reason) }];
    onDelta('\n\n');
    reply = await streamBackward(ctx, retry, 'update-repair', onDelta);
    parsed = parseUpdateReply(reply.text, current, reply.finishReason);
    convo = [...retry, { role: 'assistant', content: reply.text }];
    if (!parsed.ok) return { ok: false, reason: `${parsed.reason} (also after one repair request)` };
  }
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  return { ok: true, text: parsed.text, messages: convo };
}

export async function proposeCandidate(ctx: BackwardContext, input: ProposalInput): Promise<Proposal> {
  const { current, method } = input;
  const notes: TechniqueNote[] = [];
  const first = await askAndParse(ctx, updateRequest(current, input.gradient, input.blocks, { layout: method.updateLayout, order: method.blockOrder }), current, method.repairUpdateReply);
  if (!first.ok) return { ok: false, reason: first.reason, notes };
  const firstProblem = builtInCandidateProblem(first.text, current);
  if (firstProblem) return { ok: false, reason: `candidate rejected: ${firstProblem}`, notes };

  let proposed = first.text;
  let after = proposed;
  await breathe(ctx.signal);
  const reverted: { edit: SentenceEdit; by: RevertedBy }[] = [];
  // Front matter, comments and template lines are never edited, in any preset: an edit to
  // one is taken back before the techniques look at the rest.
  const fixedIdx = segmentSentences(current).flatMap((u, i) => (u.editable ? [] : [i]));
  const structural = (all: SentenceEdit[]) => {
    const split = partitionByProtection(all, fixedIdx);
    for (const edit of split.reverted) reverted.push({ edit, by: 'structure' });
    return split.allowed;
  };
  let edits = structural(diffSentences(current, proposed));
  if (reverted.length > 0) {
    proposed = applySentenceEdits(current, edits);
    after = proposed;
  }
  await breathe(ctx.signal);

  if (method.enforceInCode) {
    let split = partitionByProtection(edits, input.protectedIdx);
    const r = input.budget;
    if (r !== null && split.allowed.length > r && method.tlrOverBudget === 'reask') {
      const made = split.allowed.length;
      ctx.onDelta('update', '\n\n');
      const again = await askAndParse(ctx, [...first.messages, { role: 'user', content: overBudgetRequest(made, r) }], current, false);
      notes.push({ technique: 'tlr', summary: `TLR re-asked: ${made} edits over a budget of ${r}`, details: { made, budget: r, reask: true, parsed: again.ok } });
      if (again.ok && !builtInCandidateProblem(again.text, current)) {
        proposed = again.text;
        edits = structural(diffSentences(current, proposed));
        split = partitionByProtection(edits, input.protectedIdx);
      }
    }
    let kept = split.allowed;
    for (const edit of split.reverted) reverted.push({ edit, by: 'tdo' });
    if (split.reverted.length > 0) {
      const touched = [...new Set(split.reverted.map((e) => (e.op === 'add' ? -1 : e.beforeIndex)))].sort((a, b) => a - b);
      notes.push({
        technique: 'tdo',
        summary: `TDO reverted ${split.reverted.length} edit${split.reverted.length === 1 ? '' : 's'} to protected sentence${touched.length === 1 ? '' : 's'} ${touched.map((i) => i + 1).join(', ')}`,
        details: { reverted: split.reverted.length, sentences: touched.map((i) => i + 1), protected: describeProtected(input.protectedIdx) },
      });
    }
    if (r !== null && kept.length > r) {
      const cut = limitEdits(current, kept, r, input.gradient);
      await breathe(ctx.signal);
      notes.push({
        technique: 'tlr',
        summary: describeCut(kept.length, cut.kept.length),
        details: {
          budget: r,
          proposed: kept.length,
          kept: cut.kept.length,
          rule: 'edits the gradient speaks about most, then document order',
          dropped: cut.dropped,
        },
      });
      for (const edit of cut.dropped) reverted.push({ edit, by: 'tlr' });
      kept = cut.kept;
    }
    if (reverted.length > 0) {
      after = applySentenceEdits(current, kept);
      edits = diffSentences(current, after);
    } else {
      after = proposed;
    }
  }

  // The reference keeps whatever the update returned, unchanged or not, and lets TSA
  // judge it (optimizer_v2/optimizer.py 295-305); `acceptUnchanged` does the same for a
  // reply the model itself left unchanged (not one our enforcement emptied).
  const unchangedByModel = reverted.length === 0 && (after === current || edits.length === 0);
  if (unchangedByModel && method.acceptUnchanged) {
    const problem = input.validateCandidate?.(after, current) ?? null;
    if (problem) return { ok: false, reason: `candidate rejected: ${problem}`, notes };
    return { ok: true, after, edits: [], reverted, notes };
  }
  if (after === current || edits.length === 0) {
    const why = reverted.length > 0 ? 'every proposed edit was reverted (TLR/TDO)' : 'the update made no sentence-level change';
    return { ok: false, reason: why, notes };
  }
  const problem = builtInCandidateProblem(after, current) ?? input.validateCandidate?.(after, current) ?? null;
  if (problem) return { ok: false, reason: `candidate rejected: ${problem}`, notes };
  return { ok: true, after, edits, reverted, notes };
}
