/**
 * Build arguments with Docker's scoping: `--build-arg` values only reach a stage that declares
 * the ARG; ARGs before the first FROM are usable in FROM lines and, once redeclared without a
 * value, inside a stage; ENV of the same name wins over an ARG; the proxy variables are
 * predefined (usable in RUN without a declaration, and kept out of the history and cache key).
 */

/** ARGs every build has without declaring them. */
export const PREDEFINED_ARGS = new Set([
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
]);

/** The `--build-arg` values of one build, and which of them were used. */
export class BuildArgValues {
  readonly #given: Map<string, string | null>;
  readonly #consumed = new Set<string>();

  /** `null` is an arg named without a value (the client found none in its environment). */
  constructor(given: Record<string, string | null>) {
    this.#given = new Map(Object.entries(given));
  }

  has(name: string): boolean {
    return this.#given.has(name) && this.#given.get(name) !== null;
  }

  get(name: string): string | undefined {
    return this.#given.get(name) ?? undefined;
  }

  /** A declaration (global or in a stage) uses the build arg of that name. */
  consume(name: string): void {
    this.#consumed.add(name);
  }

  /** The given args no ARG declared (predefined ones excepted), sorted: Docker's warning lists them. */
  unconsumed(): string[] {
    return [...this.#given.keys()].filter((k) => !this.#consumed.has(k) && !PREDEFINED_ARGS.has(k)).sort();
  }

  /** Predefined args given on the command line, which RUN sees without a declaration. */
  predefined(): Array<[string, string]> {
    return [...this.#given.entries()].filter(([k, v]) => PREDEFINED_ARGS.has(k) && v !== null) as Array<[string, string]>;
  }
}

/** The ARGs one stage (or the global scope) has declared, with their values. */
export class ArgScope {
  /** Declared names in order, with their value (undefined: declared without one). */
  readonly #declared = new Map<string, string | undefined>();

  constructor(private readonly values: BuildArgValues, private readonly globals?: ArgScope) {}

  /**
   * `ARG name[=default]`: the build arg wins, then the default (already expanded), then, in a
   * stage, the global ARG's value.
   */
  declare(name: string, defaultValue: string | undefined): void {
    this.values.consume(name);
    let value: string | undefined;
    if (this.values.has(name)) value = this.values.get(name);
    else if (defaultValue !== undefined) value = defaultValue;
    else value = this.globals?.valueOf(name);
    this.#declared.set(name, value);
  }

  isDeclared(name: string): boolean {
    return this.#declared.has(name);
  }

  /** The value of a declared ARG, undefined when not declared or without a value. */
  valueOf(name: string): string | undefined {
    return this.#declared.get(name);
  }

  /**
   * `K=v` of what a RUN sees as build args: declared ARGs with a value that no ENV overrides
   * (for the environment, history and cache key), and the predefined ones given on the command
   * line (environment only).
   */
  runArgs(envKeys: Set<string>): { recorded: string[]; predefined: string[] } {
    const recorded: string[] = [];
    for (const [k, v] of this.#declared) if (v !== undefined && !envKeys.has(k)) recorded.push(`${k}=${v}`);
    const predefined = this.values.predefined().filter(([k]) => !this.#declared.has(k) && !envKeys.has(k)).map(([k, v]) => `${k}=${v}`);
    return { recorded, predefined };
  }
}
