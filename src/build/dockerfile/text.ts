/**
 * Character classes of Docker's Dockerfile reader, which is written in Go: its idea of white space
 * (Go's unicode.IsSpace) differs from JavaScript's `\s` (which also takes U+FEFF), and the split
 * between words uses only ASCII blanks.
 */

const UNICODE_SPACES = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680,
  0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
  0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Go's unicode.IsSpace. */
export function isSpace(ch: string): boolean {
  return UNICODE_SPACES.has(ch.codePointAt(0) ?? -1);
}

export function trimLeftSpace(s: string): string {
  let i = 0;
  while (i < s.length && isSpace(s[i])) i++;
  return s.slice(i);
}

export function trimRightSpace(s: string): string {
  let i = s.length;
  while (i > 0 && isSpace(s[i - 1])) i--;
  return s.slice(0, i);
}

/** Go's strings.TrimSpace. */
export function trimSpace(s: string): string {
  return trimRightSpace(trimLeftSpace(s));
}

/** The blanks Docker splits whitespace-delimited arguments on (`[\t\v\f\r ]+`). */
export const WORD_GAP = /[\t\v\f\r ]+/;

/** Splits on WORD_GAP like Go's regexp Split with n = -1 (leading and trailing gaps give empty words). */
export function splitOnGaps(s: string): string[] {
  return s.split(WORD_GAP);
}

/** Splits off the first word: `[first, rest]`, rest undefined when there is no gap. */
export function splitFirstGap(s: string): [string, string | undefined] {
  const m = WORD_GAP.exec(s);
  if (!m) return [s, undefined];
  return [s.slice(0, m.index), s.slice(m.index + m[0].length)];
}
