import { isLlmError } from '../core/llm/errors';
import { EXIT, UsageError, type CliCommand, type CliIO } from './command';
import { COMMANDS } from './commands/index';
import { DLPO_VERSION } from './version';

const HELP = (commands: readonly CliCommand[]) => `dlpo ${DLPO_VERSION}: optimize a prompt file the way training optimizes a network
(DLPO: textual gradients plus seven training techniques, arXiv 2503.13413).

Usage: dlpo <command> [options]
       dlpo <command> --help

Commands:
${commands.map((c) => `  ${c.name.padEnd(12)}${c.summary}`).join('\n')}

Options:
  -h, --help       show this help
  -v, --version    print the version

Exit codes: 0 ok, 1 run failed, 2 bad usage or input, 130 interrupted.
API keys are read from environment variables only (see \`dlpo run --help\`).
`;

/**
 * Runs `dlpo` with `argv` (without node and the script) and returns the exit code.
 * Errors never escape: a UsageError prints its message and gives 2, an interrupted run
 * 130, anything else its message and 1.
 */
export async function main(argv: string[], io: CliIO, commands: readonly CliCommand[] = COMMANDS): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    if (first === 'help' && rest[0]) return main([rest[0], '--help'], io, commands);
    io.stdout.write(HELP(commands));
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '-v' || first === '--version') {
    io.stdout.write(`${DLPO_VERSION}\n`);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) {
    io.stderr.write(`dlpo: unknown command "${first}". Commands: ${commands.map((c) => c.name).join(', ')}. See \`dlpo --help\`.\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage.trimEnd()}\n`);
    return EXIT.ok;
  }
  try {
    const code = await command.run(rest, io);
    return io.signal.aborted ? EXIT.interrupted : code;
  } catch (e) {
    if (io.signal.aborted || isLlmError(e, 'aborted')) {
      io.stderr.write('dlpo: interrupted.\n');
      return EXIT.interrupted;
    }
    if (e instanceof UsageError) {
      io.stderr.write(`dlpo ${command.name}: ${e.message}\n`);
      return EXIT.usage;
    }
    if (isLlmError(e)) {
      io.stderr.write(`dlpo ${command.name}: ${e.message}\n${e.details.action ? `  ${e.details.action}\n` : ''}`);
      return EXIT.failed;
    }
    io.stderr.write(`dlpo ${command.name}: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.DLPO_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return EXIT.failed;
  }
}

/**
 * The process entry: Ctrl-C aborts the run's signal (commands stop cleanly, write a
 * final checkpoint and return); a second Ctrl-C exits at once with 130. SIGTERM (a
 * process manager) and SIGHUP (the terminal window was closed) stop the same way.
 */
export async function runCli(argv: string[] = process.argv.slice(2), commands: readonly CliCommand[] = COMMANDS): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    process.stderr.write('\ndlpo: stopping… (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  process.on('SIGHUP', onSigint);
  const code = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  }, commands);
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
  process.off('SIGHUP', onSigint);
  process.exitCode = code;
}

if (require.main === module) void runCli();
