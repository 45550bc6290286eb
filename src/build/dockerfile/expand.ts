import { DockerfileParseError, InstructionError } from './errors.js';
import { lexWord, lexWords } from './shell-lex.js';
import type { Heredoc, Instruction, KeyValue, RunMount, VariableLookup } from './types.js';

/**
 * Variable expansion at dispatch time, applied to exactly what Docker expands: the words of ADD,
 * COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR and ARG, the flags of COPY and
 * ADD, RUN's --mount options, and COPY/ADD heredoc bodies whose delimiter was not quoted. RUN, CMD,
 * ENTRYPOINT, SHELL, HEALTHCHECK, MAINTAINER and ONBUILD are left as written: their shell (or the
 * later build) expands them.
 */

/** Expands one word to one string, removing quotes and escapes (Docker's ProcessWord). */
export function expandWord(word: string, lookup: VariableLookup, escapeToken: string): string {
  return lexWord(word, lookup, { escapeToken });
}

/** Expands and splits into words at unquoted white space, also inside values (Docker's ProcessWords). */
export function expandWords(word: string, lookup: VariableLookup, escapeToken: string): string[] {
  return lexWords(word, lookup, { escapeToken });
}

/**
 * A heredoc body's expansion: variables and backslash escapes only, quotes kept as written, so a
 * file's `"` and `'` survive (BuildKit's raw expansion). The escape is always a backslash here.
 */
export function expandHeredocBody(content: string, lookup: VariableLookup): string {
  return lexWord(content, lookup, { escapeToken: '\\', skipQuotes: true });
}

/**
 * The instruction with its variables expanded against `lookup` (the ARG and ENV values at this
 * step). Throws DockerfileParseError naming the instruction's line when a word cannot be expanded
 * (`${X:?must be set}`, an unclosed quote, an unsupported modifier).
 */
export function expandInstruction<T extends Instruction>(instr: T, lookup: VariableLookup, escapeToken: string): T {
  try {
    return expandFields(instr, lookup, escapeToken) as T;
  } catch (err) {
    if (err instanceof InstructionError) throw new DockerfileParseError(instr.range.line, err.message, { cause: err });
    throw err;
  }
}

function expandFields(instr: Instruction, lookup: VariableLookup, escapeToken: string): Instruction {
  const word = (w: string): string => expandWord(w, lookup, escapeToken);
  const maybe = (w: string | undefined): string | undefined => (w === undefined ? undefined : word(w));
  const pairs = (kvs: KeyValue[]): KeyValue[] => kvs.map((kv) => ({ key: word(kv.key), value: word(kv.value) }));
  const bodies = (docs: Heredoc[]): Heredoc[] => docs.map((d) => (d.expand ? { ...d, content: expandHeredocBody(d.content, lookup) } : d));
  switch (instr.kind) {
    case 'FROM':
      return withDefined({ ...instr, image: word(instr.image) }, { platform: maybe(instr.platform) });
    case 'ENV':
      return { ...instr, vars: pairs(instr.vars) };
    case 'LABEL':
      return { ...instr, labels: pairs(instr.labels) };
    case 'ARG':
      return {
        ...instr,
        args: instr.args.map((a) => (a.default === undefined ? { name: word(a.name) } : { name: word(a.name), default: word(a.default) })),
      };
    case 'EXPOSE':
      return { ...instr, ports: instr.ports.flatMap((p) => expandWords(p, lookup, escapeToken)) };
    case 'VOLUME':
      return { ...instr, paths: instr.paths.map(word) };
    case 'USER':
      return { ...instr, user: word(instr.user) };
    case 'WORKDIR':
      return { ...instr, path: word(instr.path) };
    case 'STOPSIGNAL':
      return { ...instr, signal: word(instr.signal) };
    case 'COPY':
      return withDefined(
        { ...instr, sources: instr.sources.map(word), dest: word(instr.dest), heredocs: bodies(instr.heredocs), exclude: instr.exclude.map(word) },
        { from: maybe(instr.from), chown: maybe(instr.chown), chmod: maybe(instr.chmod) },
      );
    case 'ADD':
      return withDefined(
        { ...instr, sources: instr.sources.map(word), dest: word(instr.dest), heredocs: bodies(instr.heredocs), exclude: instr.exclude.map(word) },
        { chown: maybe(instr.chown), chmod: maybe(instr.chmod), checksum: maybe(instr.checksum) },
      );
    case 'RUN':
      return { ...instr, mounts: instr.mounts.map((m) => expandMount(m, word)) };
    default:
      return instr;
  }
}

/** The text options of a mount; its type, mode, ids and size were fixed when it was parsed. */
function expandMount(m: RunMount, word: (w: string) => string): RunMount {
  const out: RunMount = { ...m };
  for (const key of ['target', 'source', 'from', 'id', 'env'] as const) {
    const v = m[key];
    if (v !== undefined) out[key] = word(v);
  }
  return out;
}

function withDefined<T extends object>(base: T, optional: Partial<Record<keyof T, string | undefined>>): T {
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(optional)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out as T;
}
