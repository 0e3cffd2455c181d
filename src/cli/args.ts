// A small flag parser: each command parses its own flags (so `--token` always reaches the command it
// was given to, unlike the reference: REF-BUG 7), and the CLI does not load a parser library at start.

export type FlagType = 'string' | 'boolean';

export interface FlagSpec {
  type: FlagType;
  /** One-letter alias, e.g. `m` for `-m`. */
  short?: string;
  /** Shown in errors: `--url <url>`. */
  valueName?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export interface ParsedArgs {
  flags: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * `--name value`, `--name=value`, `-n value`, boolean `--flag` / `--no-flag`, `--` ends the flags.
 * A string flag takes the next word even when it starts with "-" (a message may).
 */
export function parseArgs(argv: string[], specs: FlagSpecs): ParsedArgs {
  const flags: ParsedArgs['flags'] = {};
  const positionals: string[] = [];
  let help = false;
  const byShort = new Map(Object.entries(specs).filter(([, s]) => s.short).map(([name, s]) => [s.short as string, name]));
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (word === '--help' || word === '-h') {
      help = true;
      continue;
    }
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const rawName = word.startsWith('--') ? word.slice(2, eq > 0 ? eq : undefined) : byShort.get(word.slice(1)) ?? word;
    const inline = word.startsWith('--') && eq > 0 ? word.slice(eq + 1) : undefined;
    let name = rawName;
    let spec = specs[name];
    if (!spec && name.startsWith('no-') && specs[name.slice(3)]?.type === 'boolean') {
      name = name.slice(3);
      if (inline !== undefined) throw new UsageError(`option '--no-${name}' takes no value`);
      flags[name] = false;
      continue;
    }
    if (!spec) throw new UsageError(`unknown option '${word.startsWith('--') ? `--${rawName}` : word}'`);
    spec = spec as FlagSpec;
    if (spec.type === 'boolean') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') throw new UsageError(`option '--${name}' is true or false, not "${inline}"`);
      flags[name] = inline === undefined ? true : inline === 'true';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`option '--${name} <${spec.valueName ?? 'value'}>' needs a value`);
    flags[name] = value;
  }
  return { flags, positionals, help };
}

export function stringFlag(parsed: ParsedArgs, name: string): string | undefined {
  const v = parsed.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function booleanFlag(parsed: ParsedArgs, name: string): boolean {
  return parsed.flags[name] === true;
}

/** A whole number of milliseconds ≥ 1, for --timeout. */
export function parseMilliseconds(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`option '--${name}' needs a whole number of milliseconds (for example --${name} 10000), not "${text}"`);
  return n;
}
