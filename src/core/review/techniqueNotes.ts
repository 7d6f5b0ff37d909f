import type { RunEvent, RunEventOf } from '../run/events';
import type { RevertedBy } from '../run/events';
import type { SentenceEdit } from '../prompt/sentenceTypes';

type Technique = RunEventOf<'technique-applied'>['technique'];

/** What the techniques did at one step, for the hover on a changed sentence. */
export interface StepTechniqueNotes {
  /** One line per technique that acted (`TLR cut 4 edits to 2`). */
  summaries: { technique: Technique; summary: string }[];
  /** Edits the model proposed that code took back, and which technique did. */
  reverted: { edit: SentenceEdit; by: RevertedBy }[];
}

export function stepTechniqueNotes(events: readonly RunEvent[], step: number): StepTechniqueNotes {
  const summaries: StepTechniqueNotes['summaries'] = [];
  let reverted: StepTechniqueNotes['reverted'] = [];
  for (const e of events) {
    if (e.type === 'technique-applied' && e.step === step) summaries.push({ technique: e.technique, summary: e.summary });
    if (e.type === 'candidate' && e.step === step) reverted = e.reverted;
  }
  return { summaries, reverted };
}

/**
 * The reverted edits that concern one sentence of the candidate's `before` text: a
 * rewrite or deletion of it that was taken back, or a sentence that would have been
 * added right after it.
 */
export function revertedAround(notes: StepTechniqueNotes, beforeIndex: number): string[] {
  const lines: string[] = [];
  for (const { edit, by } of notes.reverted) {
    if (by === 'structure') {
      if (editTouchesUnit(edit, beforeIndex)) lines.push('Kept as written: front matter, comments and template lines are never edited');
      continue;
    }
    const who = by === 'tdo' ? 'TDO protected this sentence' : 'TLR cut';
    if (edit.op === 'modify' && edit.beforeIndex === beforeIndex) {
      lines.push(by === 'tdo' ? `${who} from the rewrite “${edit.after}”` : `${who} a rewrite of this sentence to “${edit.after}”`);
    } else if (edit.op === 'delete' && edit.beforeIndex === beforeIndex) {
      lines.push(by === 'tdo' ? `${who} from deletion` : `${who} the deletion of this sentence`);
    } else if (edit.op === 'add' && edit.anchor === beforeIndex) {
      lines.push(`${by === 'tdo' ? 'TDO kept out' : 'TLR cut'} a sentence that would follow: “${edit.text}”`);
    } else if (edit.op === 'move' && beforeIndex >= edit.beforeIndex && beforeIndex < edit.beforeIndex + edit.count) {
      lines.push(by === 'tdo' ? `${who} from being moved` : `${who} the move of this part elsewhere`);
    }
  }
  return lines;
}

function editTouchesUnit(edit: SentenceEdit, beforeIndex: number): boolean {
  if (edit.op === 'add') return false;
  if (edit.op === 'move') return beforeIndex >= edit.beforeIndex && beforeIndex < edit.beforeIndex + edit.count;
  return edit.beforeIndex === beforeIndex;
}
