import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/**
 * `node:util` parseArgs in strict mode, with its errors turned into UsageErrors that name
 * the flag and point at `--help`, so a typo exits 2 with a message a user can act on.
 */
export function parseCommandArgs(
  argv: string[],
  options: OptionSpecs,
  opts: { command: string; allowPositionals?: boolean },
): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options,
      strict: true,
      allowPositionals: opts.allowPositionals ?? false,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    throw new UsageError(`${describeParseError(e, options)}\nRun \`dlpo ${opts.command} --help\` for the options.`);
  }
}

function describeParseError(e: unknown, options: OptionSpecs): string {
  const err = e as { code?: string; message?: string };
  const message = err.message ?? String(e);
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const near = flag ? closest(flag.replace(/^-+/, ''), Object.keys(options)) : undefined;
      return `Unknown option ${flag ?? ''}.${near ? ` Did you mean --${near}?` : ''}`.replace(' .', '.');
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (!flag) return message;
      if (message.includes('ambiguous')) return `Option ${flag} needs a value; for one starting with a dash write ${flag}=VALUE.`;
      return `Option ${flag.split(' ')[0]} ${message.includes('argument missing') ? 'needs a value' : 'does not take a value'}.`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Unexpected argument: ${/'([^']+)'/.exec(message)?.[1] ?? message}.`;
    default:
      return message;
  }
}

/** The known option nearest to a typo (edit distance ≤ 2), for "did you mean". */
function closest(name: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** A string option as a number, with a UsageError naming the flag when it is not one. */
export function numberOption(
  value: unknown,
  flag: string,
  rule: { integer?: boolean; min?: number; positive?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const n = Number(text);
  const kind = rule.integer ? 'a whole number' : 'a number';
  if (text === '' || !Number.isFinite(n) || (rule.integer && !Number.isInteger(n))) {
    throw new UsageError(`--${flag} must be ${kind}, got "${String(value)}".`);
  }
  if (rule.positive && n <= 0) throw new UsageError(`--${flag} must be greater than 0, got ${n}.`);
  if (rule.min !== undefined && n < rule.min) throw new UsageError(`--${flag} must be at least ${rule.min}, got ${n}.`);
  return n;
}

export function stringOption(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
