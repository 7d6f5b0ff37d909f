import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `dlpo <argv>` in-process with captured output; no key in the environment unless given. */
export async function runDlpo(argv: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const code = await main(argv, { stdout, stderr, env: opts.env ?? {}, cwd: opts.cwd, signal: opts.signal ?? new AbortController().signal });
  return { code, stdout: out, stderr: err };
}
