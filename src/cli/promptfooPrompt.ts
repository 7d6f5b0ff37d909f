import * as path from 'node:path';
import { promptFromConfig, promptfooConfigOf } from '../core/promptfoo/configPrompts';
import { numberOption } from './args';

/**
 * `dlpo eval|run promptfooconfig.yaml`: a promptfoo config where the prompt file goes means
 * its prompt (`--prompt N` picks among the config's prompts) scored on its tests (unless
 * `--data` names other data). Rewrites the parsed arguments in place so the rest of the
 * command sees an ordinary prompt file, `--data` and, for a multi-prompt `.txt`, the part.
 */
export function usePromptfooConfigArgument(values: Record<string, unknown>, positionals: string[], cwd: string): void {
  if (positionals.length !== 1) return;
  const configFile = path.resolve(cwd, positionals[0]);
  const config = promptfooConfigOf(configFile);
  if (!config) return;
  const choice = numberOption(values.prompt, 'prompt', { integer: true, min: 1 });
  const picked = promptFromConfig(configFile, config, choice);
  positionals[0] = picked.file;
  values.prompt = picked.part === undefined ? undefined : String(picked.part);
  if (values.data === undefined) values.data = configFile;
}
