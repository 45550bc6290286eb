import { setFlagsFromString } from 'node:v8';
import { InvalidArgumentError } from '../errors/index.js';

let enabled = false;

/** A compiled user pattern. */
export interface Matcher {
  test(input: string): boolean;
}

/** Lowercases the literal letters of a pattern, leaving escapes (`\W`, `\D`, `\x41`) alone. */
function lowerLiterals(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\' && i + 1 < source.length) {
      out += c + source[++i];
      continue;
    }
    out += c.toLowerCase();
  }
  return out;
}

/**
 * Compiles a user-supplied pattern (a `--filter name=…` value) with V8's linear-time engine,
 * so no pattern can stall the daemon by backtracking — the guarantee Docker gets from Go's
 * RE2. Like RE2 it refuses backreferences and lookaround. Go's leading `(?i)` is honoured by
 * matching lowercased input against lowercased literals, since the linear engine has no `i`.
 */
export function linearRegExp(pattern: string): Matcher {
  if (!enabled) {
    setFlagsFromString('--enable-experimental-regexp-engine');
    enabled = true;
  }
  const caseless = pattern.startsWith('(?i)');
  const source = caseless ? lowerLiterals(pattern.slice(4)) : pattern;
  let re: RegExp;
  try {
    re = new RegExp(source, 'l');
  } catch (err) {
    throw new InvalidArgumentError(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`, { cause: err });
  }
  return caseless ? { test: (input) => re.test(input.toLowerCase()) } : re;
}
