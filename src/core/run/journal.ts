import * as fs from 'node:fs';
import type { RunEvent } from './events';
import { parseRunEvent } from './events';

/**
 * The run journal `events.jsonl`: every RunEvent, one JSON object per line, appended in
 * the order emitted. Writes are synchronous so the file order is the emit order even when
 * many calls finish at once; fsync happens at step boundaries (`checkpoint`, `done`),
 * which is what resume relies on: everything up to the last checkpoint line is on disk.
 */
export class JournalWriter {
  private fd: number | null;
  private bytes: number;

  private constructor(
    readonly path: string,
    fd: number,
    bytes: number,
    private readonly redact: (line: string) => string,
  ) {
    this.fd = fd;
    this.bytes = bytes;
  }

  /**
   * Opens for appending; `truncateTo` first cuts the file to that many bytes (resume).
   * `redact` runs over every serialized line: the last guard that keeps an API key that
   * slipped into some message out of the file.
   */
  static open(path: string, options: { truncateTo?: number; redact?: (line: string) => string } = {}): JournalWriter {
    if (options.truncateTo !== undefined && fs.existsSync(path)) fs.truncateSync(path, options.truncateTo);
    const fd = fs.openSync(path, 'a');
    const bytes = fs.fstatSync(fd).size;
    return new JournalWriter(path, fd, bytes, options.redact ?? ((l) => l));
  }

  /** Bytes in the file so far: a checkpoint records this so resume can cut what came after. */
  get size(): number {
    return this.bytes;
  }

  append(event: RunEvent): void {
    if (this.fd === null) throw new Error(`journal ${this.path} is closed`);
    const line = Buffer.from(`${this.redact(JSON.stringify(event))}\n`, 'utf8');
    fs.writeSync(this.fd, line);
    this.bytes += line.length;
    if (event.type === 'checkpoint' || event.type === 'done') fs.fsyncSync(this.fd);
  }

  sync(): void {
    if (this.fd !== null) fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = null;
  }
}

export interface JournalProblem {
  /** 1-based line number. */
  line: number;
  problem: 'truncated' | 'invalid-json' | 'unknown-event';
  /** The first characters of the line, for the message. */
  excerpt: string;
}

export interface JournalContents {
  events: RunEvent[];
  /** True when the last line was cut off mid-write (no newline and not valid JSON): a crash while writing. */
  truncatedLastLine: boolean;
  /** Every line that was skipped, with why. */
  problems: JournalProblem[];
  /** Byte offset just after each event's line, parallel to `events`. */
  endOffsets: number[];
}

/** Reads a journal, tolerating a truncated last line (reported, not thrown) and skipping invalid lines. */
export function readJournal(path: string): JournalContents {
  const buf = fs.readFileSync(path);
  const events: RunEvent[] = [];
  const endOffsets: number[] = [];
  const problems: JournalProblem[] = [];
  let truncatedLastLine = false;
  let start = 0;
  let lineNo = 0;
  while (start < buf.length) {
    lineNo++;
    const nl = buf.indexOf(0x0a, start);
    const last = nl < 0;
    const end = last ? buf.length : nl + 1;
    const text = buf.subarray(start, last ? buf.length : nl).toString('utf8');
    start = end;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      if (last) truncatedLastLine = true;
      problems.push({ line: lineNo, problem: last ? 'truncated' : 'invalid-json', excerpt: text.slice(0, 80) });
      continue;
    }
    const event = parseRunEvent(value);
    if (!event) {
      problems.push({ line: lineNo, problem: 'unknown-event', excerpt: text.slice(0, 80) });
      continue;
    }
    events.push(event);
    endOffsets.push(end);
  }
  return { events, truncatedLastLine, problems, endOffsets };
}

/** One line per problem, for the CLI and the extension. */
export function describeJournalProblems(path: string, contents: JournalContents): string[] {
  return contents.problems.map((p) =>
    p.problem === 'truncated'
      ? `${path}: the last line (${p.line}) was cut off mid-write, probably by a crash; it was ignored.`
      : `${path}: line ${p.line} is not a valid run event (${p.problem}); it was skipped.`,
  );
}

/**
 * The journal as it must compare between an uninterrupted run and the same run killed and
 * resumed (docs/runs.md, "Resume"). Removed: the `run-start` marker a resume adds (it has
 * `resumedFromStep`), the run id and start time, and the accounting records (`usage`,
 * `request`, `waiting`, `done.usage`): a resumed run really did make different HTTP calls (some
 * replies came from the cache, some calls before the crash are not in its budget), and
 * the journal says so rather than pretend otherwise. Also removed: the `error` events of
 * kind `journal` with which a resume reports a repaired (truncated) journal. Consecutive `gradient-delta` events
 * of one call are joined: only their chunking may differ.
 */
export function comparableJournal(events: readonly RunEvent[]): unknown[] {
  const out: unknown[] = [];
  for (const e of events) {
    if (e.type === 'usage' || e.type === 'waiting' || e.type === 'request') continue;
    if (e.type === 'error' && e.kind === 'journal') continue; // the resume's report of a repaired journal
    if (e.type === 'gradient-delta') {
      // A cached reply may arrive in different chunks than the live stream did: compare the text.
      const prev = out.at(-1) as RunEvent | undefined;
      if (prev?.type === 'gradient-delta' && prev.step === e.step && prev.part === e.part) {
        out[out.length - 1] = { ...prev, text: prev.text + e.text };
        continue;
      }
    }
    if (e.type === 'run-start') {
      if (e.resumedFromStep !== undefined) continue;
      out.push({ ...e, runId: '<run>', time: '<time>', budget: '<budget>' });
    } else if (e.type === 'done') {
      out.push({ ...e, usage: '<usage>' });
    } else {
      out.push(e);
    }
  }
  return out;
}
