/**
 * A small flag parser with the syntax of the docker CLI (spf13/pflag): `-it`, `-e A=B`,
 * `-eA=B`, `--env A=B`, `--env=A=B`, repeated flags, `--rm=false`, `--` and, for run/exec,
 * stopping at the first positional so the container's own flags pass through untouched.
 * Hand-written instead of a CLI framework because cold start is a goal: this file is all the
 * parsing `berth ps` loads.
 */

/** How a flag takes its value. */
export type FlagKind = 'bool' | 'string' | 'list' | 'int';

/** One flag a command accepts. */
export interface FlagSpec {
  /** Long name without dashes (`name` for `--name`). */
  name: string;
  /** One-letter shorthand without the dash. */
  short?: string;
  kind: FlagKind;
  description?: string;
  /** Value shown in help and used when the flag is absent. */
  default?: string | number | boolean;
  /** Name of the value in help (`string`, `list`, `int`). */
  valueName?: string;
  /** Accepted for compatibility but not listed in help. */
  hidden?: boolean;
}

/** The shape of a command: usage line, flags and how many positionals it takes. */
export interface CommandSpec {
  /** Full command path as the user types it (`container ls`). */
  name: string;
  /** Usage after the program name, e.g. `ps [OPTIONS]`. */
  usage: string;
  description: string;
  aliases?: string[];
  flags: FlagSpec[];
  /** Stop parsing flags at the first positional (run, create, exec). */
  stopAtFirstPositional?: boolean;
  /** Positional count rules, checked after parsing. */
  args?: { min?: number; max?: number };
}

/** Bad command-line input; the CLI prints it with the usage line (docker exits 125 for flag errors, 1 for arg counts). */
export class UsageError extends Error {
  readonly exitCode: number;
  /** Whether the message goes with a `berth:` prefix, as docker does for argument-count errors. */
  readonly prefixed: boolean;
  constructor(message: string, exitCode = 125, prefixed = false) {
    super(message);
    this.name = 'UsageError';
    this.exitCode = exitCode;
    this.prefixed = prefixed;
  }
}

/** Parsed flag values, read through typed accessors. */
export class ParsedFlags {
  readonly #values = new Map<string, string | number | boolean | string[]>();
  readonly #set = new Set<string>();
  readonly #specs: Map<string, FlagSpec>;

  constructor(specs: FlagSpec[]) {
    this.#specs = new Map(specs.map((s) => [s.name, s]));
  }

  /** Whether the user gave the flag explicitly. */
  changed(name: string): boolean {
    return this.#set.has(name);
  }
  bool(name: string): boolean {
    const v = this.#values.get(name) ?? this.#specs.get(name)?.default;
    return v === true;
  }
  string(name: string): string | undefined {
    const v = this.#values.get(name) ?? this.#specs.get(name)?.default;
    return v === undefined ? undefined : String(v);
  }
  int(name: string): number | undefined {
    const v = this.#values.get(name) ?? this.#specs.get(name)?.default;
    return typeof v === 'number' ? v : undefined;
  }
  list(name: string): string[] {
    const v = this.#values.get(name);
    return Array.isArray(v) ? v : [];
  }

  /** Records one occurrence of a flag. @internal */
  assign(spec: FlagSpec, raw: string | undefined, display: string): void {
    this.#set.add(spec.name);
    switch (spec.kind) {
      case 'bool': {
        if (raw === undefined) { this.#values.set(spec.name, true); return; }
        const b = parseBool(raw);
        if (b === undefined) throw new UsageError(`invalid argument "${raw}" for "${display}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`);
        this.#values.set(spec.name, b);
        return;
      }
      case 'int': {
        const n = Number(raw);
        if (raw === undefined || raw.trim() === '' || !Number.isInteger(n)) {
          throw new UsageError(`invalid argument "${raw}" for "${display}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`);
        }
        this.#values.set(spec.name, n);
        return;
      }
      case 'list': {
        const prev = this.#values.get(spec.name);
        this.#values.set(spec.name, [...(Array.isArray(prev) ? prev : []), raw ?? '']);
        return;
      }
      default:
        this.#values.set(spec.name, raw ?? '');
    }
  }
}

function parseBool(raw: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(raw)) return false;
  return undefined;
}

/** The `--help` flag every command has. */
export const HELP_FLAG: FlagSpec = { name: 'help', kind: 'bool', description: 'Print usage', hidden: true };

/**
 * Parses `argv` against a command's flags.
 * @throws {UsageError} on unknown flags, missing values and malformed numbers or booleans.
 */
export function parseFlags(spec: Pick<CommandSpec, 'flags' | 'stopAtFirstPositional'>, argv: readonly string[]): { flags: ParsedFlags; args: string[] } {
  const all = [...spec.flags, HELP_FLAG];
  const byLong = new Map(all.map((f) => [f.name, f]));
  const byShort = new Map(all.filter((f) => f.short).map((f) => [f.short!, f]));
  const flags = new ParsedFlags(all);
  const args: string[] = [];
  let i = 0;
  const display = (f: FlagSpec): string => (f.short ? `-${f.short}, --${f.name}` : `--${f.name}`);
  const takeValue = (f: FlagSpec, shown: string): string => {
    if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: ${shown}`);
    i += 1;
    return argv[i]!;
  };
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { args.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const f = byLong.get(name);
      if (!f) throw new UsageError(`unknown flag: --${name}`);
      const inline = eq >= 0 ? a.slice(eq + 1) : undefined;
      flags.assign(f, f.kind === 'bool' || inline !== undefined ? inline : takeValue(f, `--${name}`), display(f));
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      // a cluster of shorthands: booleans until one takes a value, which eats the rest
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const f = byShort.get(c);
        if (!f) {
          if (c === 'h' && !byShort.has('h')) { flags.assign(HELP_FLAG, undefined, '--help'); continue; }
          throw new UsageError(`unknown shorthand flag: '${c}' in ${a}`);
        }
        if (f.kind === 'bool') {
          if (a[j + 1] === '=') { flags.assign(f, a.slice(j + 2), display(f)); break; }
          flags.assign(f, undefined, display(f));
          continue;
        }
        let rest = a.slice(j + 1);
        if (rest.startsWith('=')) rest = rest.slice(1);
        flags.assign(f, rest !== '' ? rest : takeValue(f, `'${c}' in -${c}`), display(f));
        break;
      }
      continue;
    }
    args.push(a);
    if (spec.stopAtFirstPositional) { args.push(...argv.slice(i + 1)); break; }
  }
  return { flags, args };
}

/** Renders docker-style help for a command. */
export function renderHelp(prog: string, spec: CommandSpec): string {
  const lines = [`Usage:  ${prog} ${spec.usage}`, '', spec.description, ''];
  if (spec.aliases?.length) lines.push('Aliases:', `  ${spec.aliases.map((a) => `${prog} ${a}`).join(', ')}`, '');
  const shown = spec.flags.filter((f) => !f.hidden);
  if (shown.length) {
    lines.push('Options:');
    const left = shown.map((f) => {
      const names = f.short ? `-${f.short}, --${f.name}` : `    --${f.name}`;
      const value = f.kind === 'bool' ? '' : ` ${f.valueName ?? f.kind}`;
      return `  ${names}${value}`;
    });
    const width = Math.max(...left.map((l) => l.length)) + 3;
    shown.forEach((f, k) => {
      const def = f.default !== undefined && f.kind !== 'bool' ? ` (default ${JSON.stringify(f.default)})` : '';
      lines.push(`${left[k]!.padEnd(width)}${f.description ?? ''}${def}`);
    });
    lines.push('');
  }
  return lines.join('\n') + '\n';
}

/**
 * Checks the positional count like docker does, with its wording.
 * @throws {UsageError} (exit 1, prefixed) when there are too few or too many.
 */
export function checkArgs(prog: string, spec: CommandSpec, args: readonly string[]): void {
  const { min = 0, max = Infinity } = spec.args ?? {};
  const cmd = `'${prog} ${spec.name}'`;
  const plural = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
  if (min === max && args.length !== min) {
    throw new UsageError(min === 0 ? `${cmd} accepts no arguments` : `${cmd} requires ${plural(min)}`, 1, true);
  }
  if (args.length < min) throw new UsageError(`${cmd} requires at least ${plural(min)}`, 1, true);
  if (args.length > max) throw new UsageError(`${cmd} requires at most ${plural(max)}`, 1, true);
}
