import { InstructionError } from './errors.js';
import { compileGlob, globPrefix, globReplace, reversePattern } from './glob.js';
import { isSpace } from './text.js';
import type { VariableLookup } from './types.js';

/**
 * The builder's own small shell lexer, which expands `$VAR` and `${VAR...}` in the instructions
 * Docker expands (never in RUN, CMD or ENTRYPOINT, whose shell does it). Its rules are Docker's:
 * single quotes literal; double quotes literal except `$` and escapes of `"`, `$` and the escape
 * token; the escape token escapes anything outside quotes; modifiers `:-` `-` `:+` `+` `:?` `?`
 * `#` `##` `%` `%%` `/` `//`. It removes quotes and escapes unless told to keep them.
 */
export interface LexOptions {
  escapeToken: string;
  /** Keep quote characters (quote removal off), as heredoc delimiters need. */
  rawQuotes?: boolean;
  /** Keep escape tokens in the output. */
  rawEscapes?: boolean;
  /** Quotes are ordinary characters (COPY heredoc bodies). */
  skipQuotes?: boolean;
}

/** One word in, one string out (no splitting). */
export function lexWord(word: string, lookup: VariableLookup, options: LexOptions): string {
  return new ShellWord(word, lookup, options).run().word;
}

/** Several words out: split at unquoted white space, including white space that expansion produced. */
export function lexWords(word: string, lookup: VariableLookup, options: LexOptions): string[] {
  return new ShellWord(word, lookup, options).run().words;
}

class Words {
  word = '';
  words: string[] = [];
  inWord = false;

  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.word.length !== 0) {
        this.words.push(this.word);
        this.word = '';
        this.inWord = false;
      }
    } else {
      this.addRaw(ch);
    }
  }

  addRaw(s: string): void {
    this.word += s;
    this.inWord = true;
  }

  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }

  finish(): string[] {
    if (this.word.length > 0) {
      this.words.push(this.word);
      this.word = '';
      this.inWord = false;
    }
    return this.words;
  }
}

const EOF = '';
const MAX_NESTING = 256;

class ShellWord {
  private readonly chars: string[];
  private pos = 0;
  private depth = 0;
  private rawEscapes: boolean;

  constructor(private readonly source: string, private readonly lookup: VariableLookup, private readonly options: LexOptions) {
    this.chars = Array.from(source);
    this.rawEscapes = options.rawEscapes ?? false;
  }

  run(): { word: string; words: string[] } {
    try {
      return this.until(EOF, this.rawEscapes);
    } catch (err) {
      if (err instanceof InstructionError) throw new InstructionError(`failed to process ${JSON.stringify(this.source)}: ${err.message}`);
      throw err;
    }
  }

  private peek(): string {
    return this.pos < this.chars.length ? this.chars[this.pos] : EOF;
  }

  private next(): string {
    return this.pos < this.chars.length ? this.chars[this.pos++] : EOF;
  }

  /** Reads up to `stop` (consumed) or the end; `rawEscapes` keeps escape tokens for patterns. */
  private until(stop: string, rawEscapes: boolean): { word: string; words: string[] } {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      let result = '';
      const words = new Words();
      const quotes = !this.options.skipQuotes;
      while (this.peek() !== EOF) {
        const ch = this.peek();
        if (stop !== EOF && ch === stop) {
          this.next();
          return { word: result, words: words.finish() };
        }
        if (ch === '$') {
          const value = this.dollar();
          result += value;
          words.addString(value);
        } else if (quotes && ch === '\'') {
          const value = this.singleQuoted();
          result += value;
          words.addRaw(value);
        } else if (quotes && ch === '"') {
          const value = this.doubleQuoted();
          result += value;
          words.addRaw(value);
        } else {
          let c = this.next();
          if (c === this.options.escapeToken) {
            if (this.rawEscapes) {
              words.addRaw(c);
              result += c;
            }
            c = this.next();
            if (c === EOF) break;
            words.addRaw(c);
          } else {
            words.addChar(c);
          }
          result += c;
        }
      }
      if (stop !== EOF) throw new InstructionError(`unexpected end of statement while looking for matching ${stop}`);
      return { word: result, words: words.finish() };
    } finally {
      this.rawEscapes = saved;
    }
  }

  private singleQuoted(): string {
    let result = this.options.rawQuotes ? this.next() : (this.next(), '');
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new InstructionError('unexpected end of statement while looking for matching single-quote');
      if (ch === '\'') return this.options.rawQuotes ? result + ch : result;
      result += ch;
    }
  }

  private doubleQuoted(): string {
    let result = this.options.rawQuotes ? this.next() : (this.next(), '');
    for (;;) {
      const peek = this.peek();
      if (peek === EOF) throw new InstructionError('unexpected end of statement while looking for matching double-quote');
      if (peek === '"') {
        const ch = this.next();
        return this.options.rawQuotes ? result + ch : result;
      }
      if (peek === '$') {
        result += this.dollar();
        continue;
      }
      let ch = this.next();
      if (ch === this.options.escapeToken) {
        if (this.rawEscapes) result += ch;
        const after = this.peek();
        if (after === EOF) continue;
        // Only `"`, `$` and the escape token itself can be escaped; other escapes stay as written.
        if (after === '"' || after === '$' || after === this.options.escapeToken) ch = this.next();
      }
      result += ch;
    }
  }

  private dollar(): string {
    // Nested `${A:-${B:-...}}` recurse; a bound keeps hostile nesting an error, not a stack overflow.
    if (++this.depth > MAX_NESTING) throw new InstructionError(`substitutions nested more than ${MAX_NESTING} deep`);
    try {
      return this.dollarInner();
    } finally {
      this.depth--;
    }
  }

  private dollarInner(): string {
    this.next(); // $
    if (this.peek() !== '{') {
      const name = this.name();
      if (name === '') return '$';
      return this.lookup(name) ?? '';
    }
    this.next(); // {
    const first = this.peek();
    if (first === EOF) throw new InstructionError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new InstructionError('syntax error: bad substitution');
    const name = this.name();
    let ch = this.next();
    let modifier = ch;
    switch (ch) {
      case '}':
        return this.lookup(name) ?? '';
      case ':':
      case '+':
      case '-':
      case '?':
      case '#':
      case '%': {
        const nullIsUnset = ch === ':';
        if (nullIsUnset) {
          ch = this.next();
          modifier += ch;
        }
        const trims = ch === '#' || ch === '%';
        if (nullIsUnset && trims) throw new InstructionError(`unsupported modifier (${modifier}) in substitution`);
        let word: string;
        try {
          word = this.until('}', trims).word;
        } catch (err) {
          if (this.peek() === EOF) throw new InstructionError("syntax error: missing '}'");
          throw err;
        }
        const value = this.lookup(name);
        const set = value !== undefined;
        const empty = !set || (nullIsUnset && value === '');
        switch (ch) {
          case '-':
            return empty ? word : value!;
          case '+':
            return empty ? '' : word;
          case '?':
            if (!set) throw new InstructionError(`${name}: ${word || 'is not allowed to be unset'}`);
            if (nullIsUnset && value === '') throw new InstructionError(`${name}: ${word || 'is not allowed to be empty'}`);
            return value;
          case '#':
          case '%': {
            let pattern = word;
            // `##` and `%%` take the longest match.
            const greedy = pattern.startsWith(ch);
            if (greedy) pattern = pattern.slice(1);
            return ch === '%' ? trimSuffix(pattern, value ?? '', greedy) : trimPrefix(pattern, value ?? '', greedy);
          }
          default:
            throw new InstructionError(`unsupported modifier (${modifier}) in substitution`);
        }
      }
      case '/': {
        const all = this.peek() === '/';
        if (all) this.next();
        let pattern: string;
        try {
          pattern = this.until('/', true).word;
        } catch (err) {
          if (this.peek() === EOF) throw new InstructionError("syntax error: missing '/' in ${}");
          throw err;
        }
        let replacement: string;
        try {
          replacement = this.until('}', true).word;
        } catch (err) {
          if (this.peek() === EOF) throw new InstructionError("syntax error: missing '}'");
          throw err;
        }
        const value = this.lookup(name) ?? '';
        return globReplace(compilePattern(pattern), value, replacement, all);
      }
      case EOF:
        throw new InstructionError("syntax error: missing '}'");
      default:
        throw new InstructionError(`unsupported modifier (${modifier}) in substitution`);
    }
  }

  /** A variable name: letters, digits, `_`; or all digits (positional); or one special parameter. */
  private name(): string {
    let name = '';
    while (this.peek() !== EOF) {
      const ch = this.peek();
      if (name === '' && isDigit(ch)) {
        while (isDigit(this.peek())) name += this.next();
        return name;
      }
      if (name === '' && '@*#?-$!0'.includes(ch)) return this.next();
      if (!/^[\p{L}\p{Nd}_]$/u.test(ch)) break;
      name += this.next();
    }
    return name;
  }
}

function isDigit(ch: string): boolean {
  return ch !== EOF && /^\p{Nd}$/u.test(ch);
}

function compilePattern(pattern: string): ReturnType<typeof compileGlob> {
  try {
    return compileGlob(pattern);
  } catch (err) {
    throw new InstructionError(`invalid pattern (${pattern}) in substitution: ${(err as Error).message}`);
  }
}

/** `${VAR#pat}` / `${VAR##pat}`: drop the shortest or longest matching prefix. */
function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const chars = Array.from(value);
  const n = globPrefix(compilePattern(pattern), chars, greedy);
  return n === undefined ? value : chars.slice(n).join('');
}

/** `${VAR%pat}` / `${VAR%%pat}`: the same on the reversed pattern and value, as Docker does it. */
function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  const chars = Array.from(value).reverse();
  const n = globPrefix(compilePattern(reversePattern(pattern)), chars, greedy);
  return n === undefined ? value : chars.slice(n).reverse().join('');
}
