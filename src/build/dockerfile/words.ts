import { InstructionError } from './errors.js';
import { isSpace } from './text.js';

/**
 * The ways Docker cuts an instruction's arguments into words before typing them. Each keeps
 * quotes and escapes as written, since variable expansion later removes them with the values
 * of that moment.
 */

/**
 * Splits the leading `--flag[=value]` words off an instruction's arguments. Quotes group and a
 * backslash escapes inside a flag word (always a backslash here, whatever the escape directive
 * says, as in Docker); a bare `--` ends the flags. Returns the flag words with their `--` and the
 * rest of the line.
 */
export function extractBuilderFlags(line: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let quote = '';
  let blankOk = false;
  for (let pos = 0; pos <= line.length; pos++) {
    const ch = pos < line.length ? line[pos] : '';
    if (phase === 'spaces') {
      if (pos === line.length) break;
      if (isSpace(ch)) continue;
      if (ch !== '-' || pos + 1 === line.length || line[pos + 1] !== '-') return { flags, rest: line.slice(pos) };
      phase = 'word';
    }
    if (pos === line.length) {
      if (word !== '--' && (blankOk || word.length > 0)) flags.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (word === '--') return { flags, rest: line.slice(pos) };
        if (blankOk || word.length > 0) flags.push(word);
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === '\'' || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
        continue;
      }
      let c = ch;
      if (c === '\\') {
        if (pos + 1 === line.length) continue;
        pos++;
        c = line[pos];
      }
      word += c;
      continue;
    }
    // inside quotes
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    let c = ch;
    if (c === '\\') {
      if (pos + 1 === line.length) {
        phase = 'word';
        continue;
      }
      pos++;
      c = line[pos];
    }
    word += c;
  }
  return { flags, rest: '' };
}

/**
 * Splits ENV, LABEL and ARG arguments into words at unquoted white space, keeping the quotes and
 * escape tokens in the words (Docker's parseWords). An escape token at the very end is dropped.
 */
export function parseWords(rest: string, escapeToken: string): string[] {
  const words: string[] = [];
  const chars = Array.from(rest);
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let quote = '';
  let blankOk = false;
  for (let pos = 0; pos <= chars.length; pos++) {
    let ch = pos < chars.length ? chars[pos] : '';
    if (phase === 'spaces') {
      if (pos === chars.length) break;
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if (pos === chars.length) {
      if (blankOk || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (blankOk || word.length > 0) words.push(word);
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === '\'' || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
      }
      if (ch === escapeToken) {
        if (pos + 1 === chars.length) continue;
        // Outside quotes an escape token always keeps itself and the next character, quote or not.
        word += ch;
        pos++;
        ch = chars[pos];
      }
      word += ch;
      continue;
    }
    // inside quotes
    if (ch === quote) phase = 'word';
    // Nothing escapes inside single quotes.
    if (ch === escapeToken && quote !== '\'') {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      pos++;
      word += ch;
      ch = chars[pos];
    }
    word += ch;
  }
  return words;
}

/** What Docker says of a JSON array that holds anything but strings. */
export const NOT_STRING_ARRAY = 'when using JSON array syntax, arrays must be comprised of strings only';

/**
 * The exec (JSON) form test: arguments that start with `[` and begin with a JSON array of strings.
 * Docker decodes one JSON value and ignores what follows it (`CMD ["a"] b` runs `a`), so this
 * does too. Returns undefined when they are not JSON at all (then they are shell form, as in
 * Docker), and throws when they are a JSON array holding something other than strings.
 */
export function parseJsonArray(rest: string): string[] | undefined {
  let start = 0;
  while (start < rest.length && isSpace(rest[start])) start++;
  if (rest[start] !== '[') return undefined;
  const end = endOfJsonArray(rest, start);
  if (end < 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(rest.slice(start, end));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  if (!value.every((v): v is string => typeof v === 'string')) throw new InstructionError(NOT_STRING_ARRAY);
  return value;
}

/** Index just past the `]` that closes the array opened at `start`, or -1 if it never closes. */
function endOfJsonArray(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (ch === '[' || ch === '{') {
      depth++;
    } else if (ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
