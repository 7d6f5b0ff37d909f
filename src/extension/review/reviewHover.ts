import * as vscode from 'vscode';
import { relatedGradientSentences } from '../../core/review/gradientRelevance';
import { hoverText as quote } from '../../core/review/hoverText';
import type { InlineDiffPlan } from '../../core/review/inlineDiffPlan';
import { tsaAdviceLabel, tsaNumbers } from '../../core/review/reviewLabels';
import { tsaExplanation } from '../../shared/decisionText';
import { revertedAround, stepTechniqueNotes } from '../../core/review/techniqueNotes';
import type { SentenceEdit } from '../../core/prompt/sentenceTypes';
import type { PendingReview } from './pendingReview';

/** The candidate edits drawn at `offset` of the region: a struck sentence's whole hunk, or an insertion point. */
export function editAt(plan: InlineDiffPlan, offset: number): SentenceEdit[] {
  const struck = plan.removed.find((r) => offset >= r.start && offset <= r.end);
  const at = struck ? struck.hunkEnd : plan.inserted.find((i) => Math.abs(i.at - offset) <= 1)?.at;
  if (at === undefined) return [];
  const edits = [...plan.removed.filter((r) => r.hunkEnd === at).map((r) => r.edit), ...(plan.inserted.find((i) => i.at === at)?.edits ?? [])];
  return [...new Set(edits)];
}

/**
 * The hover on a changed sentence: what changes, the part of the gradient that talks
 * about the same things (by shared words, a pointer rather than proof), what the step's
 * techniques cut or protected around it, and TSA's advice.
 */
export function reviewHover(p: PendingReview, edits: readonly SentenceEdit[]): vscode.MarkdownString | undefined {
  if (edits.length === 0) return undefined;
  // Inert by construction: no command links, no HTML, no theme-icon syntax; model text goes through `quote`.
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown(`**DLPO candidate · step ${p.step}**${p.isOriginal ? '' : ' (rebased on your edits)'}\n\n`);
  // Described as one hunk: inside a hunk the pairing of old and new sentences is positional, not meaningful.
  const olds = edits.flatMap((e) => (e.op === 'modify' ? [e.before] : e.op === 'delete' ? [e.text] : []));
  const news = edits.flatMap((e) => (e.op === 'modify' ? [e.after] : e.op === 'add' ? [e.text] : []));
  const struck = olds.map((t) => `~~${quote(t)}~~`).join(' ');
  const added = news.map((t) => quote(t)).join(' ');
  if (olds.length === 0 && news.length === 0) {
    // Only moves: described below.
  } else if (olds.length === 0) md.appendMarkdown(`Adds ${added}\n\n`);
  else if (news.length === 0) md.appendMarkdown(`Removes ${struck}\n\n`);
  else if (olds.length === 1 && news.length === 1) md.appendMarkdown(`Rewrites ${struck} → ${added}\n\n`);
  else md.appendMarkdown(`Replaces ${struck} with ${added}\n\n`);
  const moved = edits.flatMap((e) => (e.op === 'move' ? [e.text] : []));
  if (moved.length > 0) md.appendMarkdown(`Moves ${moved.map((t) => quote(t)).join(' ')} (unchanged) to where it is shown\n\n`);
  const changedText = edits.map((e) => (e.op === 'modify' ? `${e.before} ${e.after}` : e.text)).join(' ');
  const related = relatedGradientSentences(changedText, p.candidate.gradient, 2);
  if (related.length > 0) {
    md.appendMarkdown(`**Gradient behind it** (sentences sharing the most words: ${related[0].shared.slice(0, 4).map((w) => quote(w)).join(', ')})\n\n`);
    for (const r of related) md.appendMarkdown(`> ${quote(r.text)}\n>\n`);
    md.appendMarkdown('\n');
  } else if (p.candidate.gradient.trim()) {
    md.appendMarkdown('_No sentence of the gradient shares words with this change._\n\n');
  }
  const notes = stepTechniqueNotes(p.session.events, p.step);
  const around = p.isOriginal
    ? edits.flatMap((e) => revertedAround(notes, e.op === 'add' ? e.anchor : e.beforeIndex))
    : [];
  if (notes.summaries.length > 0 || around.length > 0) {
    md.appendMarkdown(`**Techniques this step:** ${notes.summaries.map((s) => quote(s.summary)).join(' · ') || '—'}\n\n`);
    for (const line of [...new Set(around)]) md.appendMarkdown(`- ${quote(line)}\n`);
    if (around.length > 0) md.appendMarkdown('\n');
  }
  const tsa = p.candidate.tsa;
  // Code-made numbers and fixed words: nothing in them for Markdown to act on.
  md.appendMarkdown(tsa ? `**TSA** would ${tsa.accepted ? 'accept' : 'reject'} (${tsaNumbers(tsa)})` : `**TSA** is off: ${tsaAdviceLabel(tsa)}`);
  // The same plain-language reading as the panel's, beside the numbers.
  if (tsa) md.appendMarkdown(`\n\n${quote(tsaExplanation(tsa))}`);
  return md;
}
