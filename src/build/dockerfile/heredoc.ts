import type { Heredoc } from './types.js';
import { isSpace } from './text.js';

/**
 * Finding the here-documents an instruction line opens (`<<EOF`, `<<-EOF`, `3<<"EOF"`), the way
 * BuildKit does: the line is cut into shell words (quotes and backslashes kept), and every word
 * that is `[fd]<<[-]word` opens one, in order. The bodies are read by the caller.
 */

// Blanks between `<<` and the delimiter are allowed since BuildKit 0.22 (`RUN << EOF`).
const HEREDOC_WORD = /^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$/;
const BARE_OPENER = /^\d*<<-?$/;

/** The heredocs a line opens, without content yet. */
export function heredocsFromLine(line: string): Omit<Heredoc, 'content'>[] {
  const docs: Omit<Heredoc, 'content'>[] = [];
  for (const word of joinSpacedOpeners(shellWords(line))) {
    const doc = parseHeredocWord(word);
    if (doc) docs.push(doc);
  }
  return docs;
}

/** `<<EOF` and friends as one word; undefined when the word opens no heredoc. */
export function parseHeredocWord(word: string): Omit<Heredoc, 'content'> | undefined {
  const m = HEREDOC_WORD.exec(word);
  if (!m || m[3] === '') return undefined;
  const raw = m[3];
  const name = unquote(raw);
  // A delimiter with any quoted part turns expansion off; Docker tells by comparing quote counts
  // with and without quote removal, so an escaped quote does not count.
  const quotes = (s: string): number => (s.match(/["']/g) ?? []).length;
  const doc: Omit<Heredoc, 'content'> = { name, expand: quotes(name) === quotes(raw), chomp: m[2] === '-' };
  if (m[1] !== '') doc.fileDescriptor = Number(m[1]);
  return doc;
}

/** `<<` or `<<-` written apart from its delimiter (`<< EOF`) joined with it into one word. */
export function joinSpacedOpeners(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (BARE_OPENER.test(words[i]) && i + 1 < words.length) {
      out.push(words[i] + words[i + 1]);
      i++;
    } else {
      out.push(words[i]);
    }
  }
  return out;
}

/** With `<<-`, the leading tabs of every body line go. */
export function chompHeredocContent(content: string): string {
  return content.replace(/^\t+/gm, '');
}

/** Shell words with quotes and backslashes kept as written. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (isSpace(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === '\\' && i + 1 < line.length) {
      word += ch + line[++i];
    } else if (ch === '\'' || ch === '"') {
      const close = findClose(line, i, ch);
      word += line.slice(i, close + 1);
      i = close;
    } else {
      word += ch;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function findClose(line: string, open: number, quote: string): number {
  for (let i = open + 1; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') {
      i++;
      continue;
    }
    if (line[i] === quote) return i;
  }
  return line.length - 1;
}

/** Quote removal: single quotes literal, backslash escapes outside and (for `"`, `\`, `$`) inside double quotes. */
function unquote(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\\' && i + 1 < raw.length) {
      out += raw[++i];
    } else if (ch === '\'') {
      const close = raw.indexOf('\'', i + 1);
      const end = close < 0 ? raw.length : close;
      out += raw.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < raw.length && raw[j] !== '"'; j++) {
        if (raw[j] === '\\' && j + 1 < raw.length && '"\\$'.includes(raw[j + 1])) j++;
        out += raw[j];
      }
      i = j;
    } else {
      out += ch;
    }
  }
  return out;
}
