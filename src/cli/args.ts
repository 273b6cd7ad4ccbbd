/**
 * Argument parsing for the `wasm-gpt` CLI on top of Node's `util.parseArgs`: every flag is declared once with
 * its type and help line, values are converted and range-checked here, and any mistake becomes a `UsageError`
 * (one line on stderr, exit code 2).
 */
import { parseArgs } from 'node:util';

/** The user typed something the command cannot accept. `main` prints the message and exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** Shown in --help after the flag name (e.g. "N", "FILE"). */
  value?: string;
  short?: string;
  multiple?: boolean;
  help: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpecs;
  /** Free-form lines printed after the flags (examples, notes). */
  notes?: string[];
  /** Whether positional arguments are accepted (e.g. input files). */
  positionals?: boolean;
  run(args: ParsedArgs): Promise<number | void>;
}

export class ParsedArgs {
  readonly command: string;
  readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  readonly positionals: string[];

  constructor(command: string, values: ParsedArgs['values'], positionals: string[]) {
    this.command = command;
    this.values = values;
    this.positionals = positionals;
  }

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  string(name: string): string | undefined;
  string(name: string, fallback: string): string;
  string(name: string, fallback?: string): string | undefined {
    const v = this.values[name];
    return typeof v === 'string' ? v : fallback;
  }

  strings(name: string): string[] {
    const v = this.values[name];
    return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
  }

  /** A string flag restricted to `choices`. */
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined;
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T;
  choice<T extends string>(name: string, choices: readonly T[], fallback?: T): T | undefined {
    const v = this.string(name);
    if (v === undefined) return fallback;
    if (!choices.includes(v as T)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
    return v as T;
  }

  int(name: string, min: number, max?: number): number | undefined;
  int(name: string, min: number, max: number | undefined, fallback: number): number;
  int(name: string, min: number, max?: number, fallback?: number): number | undefined {
    const v = this.string(name);
    if (v === undefined) return fallback;
    const n = /^[+-]?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
      throw new UsageError(`--${name} must be an integer ${max === undefined ? `≥ ${min}` : `in [${min}, ${max}]`}, got ${JSON.stringify(v)}`);
    }
    return n;
  }

  /** A finite number passing `ok`, which `what` describes ("a number > 0"). */
  number(name: string, ok: (n: number) => boolean, what: string): number | undefined;
  number(name: string, ok: (n: number) => boolean, what: string, fallback: number): number;
  number(name: string, ok: (n: number) => boolean, what: string, fallback?: number): number | undefined {
    const v = this.string(name);
    if (v === undefined) return fallback;
    const n = v.trim() === '' ? NaN : Number(v);
    if (!Number.isFinite(n) || !ok(n)) throw new UsageError(`--${name} must be ${what}, got ${JSON.stringify(v)}`);
    return n;
  }

  /** A duration: plain seconds ("90"), or with a unit ("90s", "4m", "1.5h", "500ms"); returns milliseconds. */
  duration(name: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v);
    const ms = m === null ? NaN : Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
    if (!(ms > 0)) throw new UsageError(`--${name} must be a positive duration such as 90s, 4m or 1.5h, got ${JSON.stringify(v)}`);
    return ms;
  }
}

/** Parses `argv` (the words after the command name) against the command's flags; --help is always accepted. */
export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs | 'help' {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, spec] of Object.entries(command.flags)) {
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(parseArgsMessage(e as Error & { code?: string }));
  }
  if (parsed.values.help === true) return 'help';
  if (!command.positionals && parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])} (this command takes flags only; see --help)`);
  }
  for (const [name, spec] of Object.entries(command.flags)) {
    const v = parsed.values[name];
    // parseArgs accepts `--out --steps`, taking "--steps" as the value: almost always a forgotten value.
    const values = Array.isArray(v) ? v : [v];
    if (spec.type === 'string' && values.some((x) => typeof x === 'string' && x.startsWith('--'))) {
      throw new UsageError(`--${name} needs a value${spec.value ? ` (${spec.value})` : ''}`);
    }
  }
  return new ParsedArgs(command.name, parsed.values as ParsedArgs['values'], parsed.positionals);
}

/** parseArgs' messages are multi-line and mention its own API; keep the gist on one line. */
function parseArgsMessage(e: Error & { code?: string }): string {
  const first = e.message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const m = /Unknown option '([^']+)'/.exec(first);
    return m ? `unknown flag ${m[1]} (see --help)` : first;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const m = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(first);
    if (m) return `${m[1]} needs a value`;
    const a = /Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(first);
    if (a) return `${a[1]} needs a value`;
    const b = /Option '(?:-\w, )?(--[\w-]+)' does not take an argument/.exec(first);
    if (b) return `${b[1]} is a switch and takes no value`;
  }
  return first;
}

/** The --help text of a command. */
export function formatHelp(command: Command): string {
  const lines = [`wasm-gpt ${command.name}: ${command.summary}`, '', `Usage: ${command.usage}`, '', 'Options:'];
  const rows = Object.entries(command.flags).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    ';
    return [`  ${short}--${name}${spec.value ? ` ${spec.value}` : ''}`, spec.help];
  });
  rows.push(['  -h, --help', 'Show this help']);
  const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
  for (const [left, help] of rows) {
    lines.push(left.length >= width ? `${left}\n${' '.repeat(width)}${help}` : `${left.padEnd(width)}${help}`);
  }
  if (command.notes?.length) lines.push('', ...command.notes);
  return lines.join('\n') + '\n';
}
