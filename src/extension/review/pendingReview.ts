import type { CandidateForReview, ReviewDecision } from '../../core/run/runTypes';
import { diffSentences } from '../../core/prompt/sentenceDiff';
import type { CandidateText } from '../../core/review/rebaseCandidate';
import { toLf } from '../../core/review/regionText';
import type { RunSession } from '../run/runSession';

/**
 * A candidate waiting for a decision. It lives in the review centre, not in an editor,
 * so closing the file (or every editor) never loses it: it reappears when the file is
 * shown again and can be decided from the panel meanwhile.
 */
export class PendingReview {
  /** What is under review: the candidate, or what "Rebase and review" made of it. */
  text: CandidateText;
  private settled = false;

  constructor(
    readonly session: RunSession,
    readonly candidate: CandidateForReview,
    private readonly settle: (decision: ReviewDecision) => void,
    private readonly fail: (error: Error) => void = () => {},
    readonly receivedAt: Date = new Date(),
  ) {
    // The review compares with `\n` line endings (see regionText.ts).
    const before = toLf(candidate.before);
    const after = toLf(candidate.after);
    this.original = before === candidate.before && after === candidate.after ? { before, after, edits: candidate.edits } : { before, after, edits: diffSentences(before, after) };
    this.text = this.original;
  }

  /** The trainer's candidate with `\n` line endings. */
  readonly original: CandidateText;

  get runId(): string {
    return this.session.runId;
  }

  get step(): number {
    return this.candidate.step;
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** Whether the text under review is still the trainer's own candidate. */
  get isOriginal(): boolean {
    return this.text === this.original;
  }

  /** Settles once; later calls are ignored (a panel click racing a CodeLens click). */
  resolve(decision: ReviewDecision): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.settle(decision);
    return true;
  }

  /** Ends it without a decision (the run was stopped, or the review closed): the trainer's wait rejects. */
  abandon(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.fail(error);
  }
}
