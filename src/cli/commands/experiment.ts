import { EXIT, type CliCommand } from '../command';

/** Placeholder until the owner of `dlpo experiment` writes it. */
export const experimentCommand: CliCommand = {
  name: 'experiment',
  summary: 'Run a grid of configs × seeds and tabulate mean ± std (not available yet)',
  usage: 'Usage: dlpo experiment …\n\n`dlpo experiment` is not available yet in this build.',
  async run(_argv, io) {
    io.stderr.write('dlpo experiment: not available yet in this build.\n');
    return EXIT.usage;
  },
};
