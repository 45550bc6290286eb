import { InstructionError } from './errors.js';

/**
 * The `--name=value` options of one instruction, checked against what that instruction accepts,
 * with Docker's rules: an unknown flag fails, a flag given twice fails unless it may repeat, a
 * string flag needs `=value`, a boolean flag takes no value or `=true`/`=false`.
 */
export type FlagKind = 'bool' | 'string' | 'strings';

export class InstructionFlags {
  private readonly kinds = new Map<string, FlagKind>();
  private readonly values = new Map<string, string[]>();

  constructor(private readonly words: readonly string[]) {}

  /** Declares the flags the instruction takes, then reads the words; throws on the first fault. */
  parse(accepted: Record<string, FlagKind>): this {
    for (const [name, kind] of Object.entries(accepted)) this.kinds.set(name, kind);
    for (const word of this.words) {
      if (word === '--') break;
      if (!word.startsWith('--')) throw new InstructionError(`arg should start with -- : ${word}`);
      let name = word.slice(2);
      let value = '';
      const eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
      const kind = this.kinds.get(name);
      if (kind === undefined) throw new InstructionError(`unknown flag: --${name}`);
      const seen = this.values.get(name);
      if (seen && kind !== 'strings') throw new InstructionError(`duplicate flag specified: ${name}`);
      switch (kind) {
        case 'bool': {
          if (eq >= 0 && value === '') throw new InstructionError(`missing a value on flag: ${name}`);
          const lower = value.toLowerCase();
          if (lower !== '' && lower !== 'true' && lower !== 'false') {
            throw new InstructionError(`expecting boolean value for flag ${name}, not: ${value}`);
          }
          this.values.set(name, [lower === '' ? 'true' : lower]);
          break;
        }
        case 'string':
        case 'strings':
          if (eq < 0) throw new InstructionError(`missing a value on flag: ${name}`);
          this.values.set(name, [...(seen ?? []), value]);
          break;
      }
    }
    return this;
  }

  string(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  strings(name: string): string[] {
    return [...(this.values.get(name) ?? [])];
  }

  bool(name: string): boolean {
    return this.values.get(name)?.[0] === 'true';
  }

  /** Whether the flag was given at all. */
  has(name: string): boolean {
    return this.values.has(name);
  }
}
