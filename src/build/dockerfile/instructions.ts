import { InstructionError } from './errors.js';
import { parseGoDuration } from './duration.js';
import { InstructionFlags } from './flags.js';
import { splitKeyValues } from './line-cut.js';
import { joinSpacedOpeners, parseHeredocWord } from './heredoc.js';
import type { RawInstruction } from './lines.js';
import { parseRunMount } from './mount.js';
import { splitFirstGap, splitOnGaps, trimSpace, WORD_GAP } from './text.js';
import type {
  AddInstruction, ArgDeclaration, CommandForm, CopyInstruction, Heredoc, HealthcheckInstruction, Instruction,
  KeyValue, RunInstruction,
} from './types.js';
import { parseJsonArray, parseWords } from './words.js';

/**
 * Stage two of parsing: one raw instruction becomes its typed shape, with its flags checked and
 * its arguments cut the way Docker cuts them for that keyword. Faults are InstructionErrors; the
 * caller adds the line. Warnings (deprecations) go to `warn`.
 */
export function typeInstruction(raw: RawInstruction, escapeToken: string, warn: (message: string) => void): Instruction {
  const base = { range: raw.range, original: raw.original };
  const legacyWarning = (kw: string): void => warn(`line ${raw.range.line}: "${kw} key=value" should be used instead of legacy "${kw} key value" format`);
  const flags = new InstructionFlags(raw.flags);
  const keyword = raw.keyword.toUpperCase();
  const args = raw.args;
  switch (keyword) {
    case 'FROM': {
      const words = args === '' ? [] : splitOnGaps(args);
      let stageName: string | undefined;
      if (words.length === 3 && words[1].toLowerCase() === 'as') {
        stageName = words[2].toLowerCase();
        if (!/^[a-z][a-z0-9-_.]*$/.test(stageName)) {
          throw new InstructionError(`invalid name for build stage: "${words[2]}", name can't start with a number or contain symbols`);
        }
      } else if (words.length !== 1) {
        throw new InstructionError('FROM requires either one or three arguments');
      }
      flags.parse({ platform: 'string' });
      return { kind: 'FROM', ...base, image: words[0], ...opt('stageName', stageName), ...opt('platform', flags.string('platform')) };
    }
    case 'RUN': {
      flags.parse({ mount: 'strings', network: 'string', security: 'string' });
      const run: RunInstruction = { kind: 'RUN', ...base, command: commandForm(args, raw.heredocs), mounts: flags.strings('mount').map(parseRunMount) };
      const network = flags.string('network');
      if (network !== undefined) {
        if (network !== 'default' && network !== 'none' && network !== 'host') throw new InstructionError(`unsupported network mode "${network}"`);
        run.network = network;
      }
      const security = flags.string('security');
      if (security !== undefined) {
        if (security !== 'sandbox' && security !== 'insecure') throw new InstructionError(`unsupported security mode "${security}"`);
        run.security = security;
      }
      return run;
    }
    case 'CMD':
      flags.parse({});
      return { kind: 'CMD', ...base, command: commandForm(args, []) };
    case 'ENTRYPOINT':
      flags.parse({});
      return { kind: 'ENTRYPOINT', ...base, command: commandForm(args, []) };
    case 'SHELL': {
      flags.parse({});
      const json = parseJsonArray(args);
      if (args === '' || (json !== undefined && json.length === 0)) throw new InstructionError('SHELL requires at least one argument');
      if (json === undefined) throw new InstructionError('SHELL requires the arguments to be in JSON form');
      return { kind: 'SHELL', ...base, shell: json };
    }
    case 'ENV':
      flags.parse({});
      return { kind: 'ENV', ...base, vars: keyValues(args, 'ENV', escapeToken, legacyWarning) };
    case 'LABEL':
      flags.parse({});
      return { kind: 'LABEL', ...base, labels: keyValues(args, 'LABEL', escapeToken, legacyWarning) };
    case 'ARG': {
      const words = parseWords(args, escapeToken);
      if (words.length === 0) throw new InstructionError('ARG requires at least one argument');
      flags.parse({});
      return {
        kind: 'ARG', ...base, args: words.map((word): ArgDeclaration => {
          const eq = word.indexOf('=');
          if (eq < 0) return { name: word };
          if (eq === 0) throw new InstructionError('ARG names can not be blank');
          return { name: word.slice(0, eq), default: word.slice(eq + 1) };
        }),
      };
    }
    case 'COPY': {
      const words = copyWords(args, 'COPY');
      flags.parse({ from: 'string', chown: 'string', chmod: 'string', link: 'bool', parents: 'bool', exclude: 'strings' });
      const copy: CopyInstruction = { kind: 'COPY', ...base, ...copySources(words, raw.heredocs, 'COPY'), link: flags.bool('link'), exclude: flags.strings('exclude'), parents: flags.bool('parents') };
      setIf(copy, 'from', flags.string('from'));
      setIf(copy, 'chown', flags.string('chown'));
      setIf(copy, 'chmod', flags.string('chmod'));
      return copy;
    }
    case 'ADD': {
      const words = copyWords(args, 'ADD');
      flags.parse({ chown: 'string', chmod: 'string', link: 'bool', exclude: 'strings', checksum: 'string', 'keep-git-dir': 'bool' });
      const add: AddInstruction = { kind: 'ADD', ...base, ...copySources(words, raw.heredocs, 'ADD'), link: flags.bool('link'), exclude: flags.strings('exclude'), keepGitDir: flags.bool('keep-git-dir') };
      setIf(add, 'chown', flags.string('chown'));
      setIf(add, 'chmod', flags.string('chmod'));
      setIf(add, 'checksum', flags.string('checksum'));
      return add;
    }
    case 'EXPOSE':
      if (args === '') throw new InstructionError('EXPOSE requires at least one argument');
      flags.parse({});
      return { kind: 'EXPOSE', ...base, ports: splitOnGaps(args) };
    case 'VOLUME': {
      const list = jsonOrWords(args);
      if (list.length === 0) throw new InstructionError('VOLUME requires at least one argument');
      flags.parse({});
      const paths = list.map((p) => trimSpace(p));
      if (paths.includes('')) throw new InstructionError('VOLUME specified can not be an empty string');
      return { kind: 'VOLUME', ...base, paths };
    }
    case 'USER':
      return { kind: 'USER', ...base, user: exactlyOne(args, keyword, flags) };
    case 'WORKDIR':
      return { kind: 'WORKDIR', ...base, path: exactlyOne(args, keyword, flags) };
    case 'STOPSIGNAL':
      return { kind: 'STOPSIGNAL', ...base, signal: exactlyOne(args, keyword, flags) };
    case 'MAINTAINER': {
      const name = exactlyOne(args, keyword, flags);
      warn(`line ${raw.range.line}: MAINTAINER instruction is deprecated in favor of using label`);
      return { kind: 'MAINTAINER', ...base, name };
    }
    case 'ONBUILD': {
      if (args === '') throw new InstructionError('ONBUILD requires at least one argument');
      flags.parse({});
      const trigger = splitFirstGap(args)[0].toUpperCase();
      if (trigger === 'ONBUILD') throw new InstructionError('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
      if (trigger === 'MAINTAINER' || trigger === 'FROM') throw new InstructionError(`${trigger} isn't allowed as an ONBUILD trigger`);
      // The trigger is stored as written, heredoc bodies included, to be parsed by the build that uses the image.
      let expression = raw.original.replace(/^\s*ONBUILD\s*/i, '');
      for (const doc of raw.heredocs) expression += `\n${doc.content}${doc.name}`;
      return { kind: 'ONBUILD', ...base, expression };
    }
    case 'HEALTHCHECK':
      return healthcheck(args, flags, base);
    default:
      // Named as written (`foo` stays `foo`), as current Docker does.
      throw new InstructionError(`unknown instruction: ${raw.keyword}`);
  }
}

/** RUN, CMD and ENTRYPOINT's command: exec form when the arguments are a JSON array of strings. */
function commandForm(args: string, heredocs: Heredoc[]): CommandForm {
  const json = args === '' ? undefined : parseJsonArray(args);
  if (json !== undefined) return { form: 'exec', args: json };
  return { form: 'shell', command: args, heredocs };
}

/** ADD, COPY and VOLUME: a JSON array of strings, or words split at blanks. */
function jsonOrWords(args: string): string[] {
  const json = parseJsonArray(args);
  if (json !== undefined) return json;
  return args === '' ? [] : splitOnGaps(args);
}

/** COPY and ADD words, counted before the flags are read (as Docker does). */
function copyWords(args: string, keyword: string): { words: string[]; json: boolean } {
  const json = parseJsonArray(args);
  const words = json ?? (args === '' ? [] : joinSpacedOpeners(splitOnGaps(args)));
  if (words.length < 2) {
    throw new InstructionError(`${keyword} requires at least two arguments, but only one was provided. Destination could not be determined`);
  }
  return { words, json: json !== undefined };
}

/** Sources, destination, and the heredocs used as sources (in the order they are named). */
function copySources({ words, json }: { words: string[]; json: boolean }, heredocs: Heredoc[], keyword: string): { sources: string[]; dest: string; heredocs: Heredoc[] } {
  const dest = words[words.length - 1];
  if (!json && parseHeredocWord(dest)) throw new InstructionError(`${keyword} cannot accept a heredoc as a destination`);
  const sources: string[] = [];
  const used: Heredoc[] = [];
  for (const src of words.slice(0, -1)) {
    const doc = json ? undefined : parseHeredocWord(src);
    const body = doc && heredocs.find((h) => h.name === doc.name);
    if (body) used.push(body);
    else sources.push(src);
  }
  return { sources, dest, heredocs: used };
}

/**
 * ENV and LABEL: `k=v k2=v2 ...` (each word split at its first `=`), or the legacy `KEY value`
 * form when the first word has no `=` (the rest of the line is the value).
 */
function keyValues(args: string, keyword: 'ENV' | 'LABEL', escapeToken: string, legacy: (keyword: string) => void): KeyValue[] {
  const pairs = splitKeyValues(args, keyword, escapeToken, legacy);
  if (pairs.length === 0) throw new InstructionError(`${keyword} requires at least one argument`);
  if (pairs.some((p) => p.key === '')) throw new InstructionError(`${keyword} names can not be blank`);
  return pairs;
}

/** The whole argument text as one word; Docker counts before it reads the flags. */
function exactlyOne(args: string, keyword: string, flags: InstructionFlags): string {
  if (args === '') throw new InstructionError(`${keyword} requires exactly one argument`);
  flags.parse({});
  return args;
}

function healthcheck(args: string, flags: InstructionFlags, base: Pick<HealthcheckInstruction, 'range' | 'original'>): HealthcheckInstruction {
  if (args === '') throw new InstructionError('HEALTHCHECK requires at least one argument');
  const gap = WORD_GAP.exec(args);
  const type = (gap ? args.slice(0, gap.index) : args).toUpperCase();
  const rest = gap ? args.slice(gap.index + gap[0].length) : '';
  if (type === 'NONE') {
    // Docker reads no options for NONE, so any given are ignored rather than refused.
    if (rest !== '') throw new InstructionError('HEALTHCHECK NONE takes no arguments');
    return { kind: 'HEALTHCHECK', ...base };
  }
  flags.parse({ interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' });
  if (type !== 'CMD') throw new InstructionError(`Unknown type ${goQuote(type)} in HEALTHCHECK (try CMD)`);
  const command = commandForm(rest, []);
  if ((command.form === 'exec' && command.args.length === 0) || (command.form === 'shell' && command.command === '')) {
    throw new InstructionError('Missing command after HEALTHCHECK CMD');
  }
  const check: HealthcheckInstruction = { kind: 'HEALTHCHECK', ...base, command };
  for (const [flag, field] of [['interval', 'interval'], ['timeout', 'timeout'], ['start-period', 'startPeriod'], ['start-interval', 'startInterval']] as const) {
    const value = flags.string(flag);
    if (value === undefined || value === '') continue;
    let ns: number;
    try {
      ns = parseGoDuration(value);
    } catch (err) {
      throw new InstructionError((err as Error).message);
    }
    // Zero means Docker's default, as if the option were not given.
    if (ns === 0) continue;
    if (ns < 1_000_000) throw new InstructionError(`Interval "${flag}" cannot be less than 1ms`);
    check[field] = ns;
  }
  const retries = flags.string('retries');
  if (retries !== undefined && retries !== '') {
    // Go's strconv.ParseInt(value, 10, 32) and its messages.
    if (!/^[+-]?[0-9]+$/.test(retries)) throw new InstructionError(`strconv.ParseInt: parsing ${goQuote(retries)}: invalid syntax`);
    const n = Number(retries);
    if (n > 2 ** 31 - 1 || n < -(2 ** 31)) throw new InstructionError(`strconv.ParseInt: parsing ${goQuote(retries)}: value out of range`);
    if (n < 1) throw new InstructionError(`--retries must be at least 1 (not ${n})`);
    check.retries = n;
  }
  return check;
}

/** Go's %q for the plain strings these messages quote. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
