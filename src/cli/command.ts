/** A `dlpo` subcommand. Each lives in its own file under `commands/`. */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Fires on Ctrl-C; commands pass it down as their AbortSignal. */
  signal: AbortSignal;
}

export interface CliCommand {
  name: string;
  /** One line for `dlpo --help`. */
  summary: string;
  /** Full usage text for `dlpo <name> --help`. */
  usage: string;
  /** Returns the exit code: 0 ok, 1 run failed, 2 bad usage or input, 130 interrupted. */
  run(argv: string[], io: CliIO): Promise<number>;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** Bad usage or bad input: the CLI prints the message (and the fix) and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
