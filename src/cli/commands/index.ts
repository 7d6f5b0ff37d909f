import type { CliCommand } from '../command';
import { evalCommand } from './eval';
import { experimentCommand } from './experiment';
import { inspectCommand } from './inspect';
import { runCommand } from './run';

/** The subcommands of `dlpo`, in the order `dlpo --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [runCommand, inspectCommand, evalCommand, experimentCommand];

export function findCommand(name: string): CliCommand | undefined {
  return COMMANDS.find((c) => c.name === name);
}
