/**
 * Progress on stderr, so stdout stays clean for `--json`. On a TTY one line is redrawn
 * in place (a bar, the step, a short status); elsewhere (CI logs, pipes) each update is
 * a plain line, printed only when it changes. `--quiet` silences it, except `error`.
 */
export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  /** `done` of `total` units, with a short status after the bar. */
  update(done: number, total: number, status?: string): void;
  /** A line of its own (kept above the bar on a TTY). */
  log(line: string): void;
  /** Printed even with --quiet. */
  error(line: string): void;
  /** Clears the bar; call once at the end. */
  end(): void;
}

const BAR_WIDTH = 24;

export function createProgress(stream: ProgressStream, opts: { quiet?: boolean; tty?: boolean } = {}): Progress {
  const tty = opts.tty ?? stream.isTTY === true;
  const quiet = opts.quiet === true;
  let barShown = false;
  let lastPlain = '';

  const clearBar = () => {
    if (barShown) {
      stream.write('\r\x1b[2K');
      barShown = false;
    }
  };

  return {
    update(done, total, status = '') {
      if (quiet) return;
      const line = renderLine(done, total, status, tty);
      if (tty) {
        const width = Math.max(20, (stream.columns ?? 80) - 1);
        stream.write(`\r\x1b[2K${line.slice(0, width)}`);
        barShown = true;
      } else if (line !== lastPlain) {
        lastPlain = line;
        stream.write(`${line}\n`);
      }
    },
    log(line) {
      if (quiet) return;
      clearBar();
      stream.write(`${line}\n`);
    },
    error(line) {
      clearBar();
      stream.write(`${line}\n`);
    },
    end() {
      clearBar();
    },
  };
}

/** `[#########---------------]  3/8  status` on a TTY, `[3/8] status` otherwise. */
export function renderLine(done: number, total: number, status: string, tty: boolean): string {
  const safeTotal = Math.max(0, total);
  const clamped = Math.min(Math.max(0, done), safeTotal);
  const count = `${clamped}/${safeTotal}`;
  if (!tty) return `[${count}]${status ? ` ${status}` : ''}`;
  const filled = safeTotal === 0 ? 0 : Math.round((clamped / safeTotal) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${count}${status ? `  ${status}` : ''}`;
}
