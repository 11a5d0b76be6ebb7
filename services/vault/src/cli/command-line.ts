import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CommandSpec<O extends NonNullable<ParseArgsConfig['options']>> {
  /** The `npm run …` line with its arguments, then what the command does (printed by --help). */
  readonly usage: string;
  readonly options?: O;
  readonly positionals?: { readonly min: number; readonly max: number };
}

/**
 * Every command of the project behaves like a Unix tool: `--help`/`-h` prints the usage to stdout and exits 0
 * before anything else happens (no config read, no database touched); a usage error prints one line to stderr
 * and exits 2. Call it first thing.
 */
export function commandLine<O extends NonNullable<ParseArgsConfig['options']>>(spec: CommandSpec<O>, argv: readonly string[] = process.argv.slice(2)) {
  const options = { ...spec.options, help: { type: 'boolean', short: 'h', default: false } } as O & { help: { type: 'boolean'; short: 'h'; default: false } };
  const { min, max } = spec.positionals ?? { min: 0, max: 0 };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: max > 0, strict: true });
  } catch (err) {
    usageError(spec.usage, (err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(spec.usage);
    process.exit(0);
  }
  if (parsed.positionals.length < min || parsed.positionals.length > max) usageError(spec.usage, 'wrong number of arguments');
  return parsed;
}

/** One line, exit 2. */
export function usageError(usage: string, reason: string): never {
  console.error(`${reason} — ${usage.split('\n')[0]} (--help for more)`);
  process.exit(2);
}
