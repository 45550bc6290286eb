/**
 * The shell patterns of `${VAR#pat}`, `${VAR%pat}` and `${VAR/pat/repl}`: `*` any run of
 * characters, `?` one character, `\*` `\?` `\\` literal; everything else literal. Turned into a
 * regular expression as BuildKit does, with lazy stars for the shortest match.
 */
export function shellPatternToRegExp(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const chars = Array.from(pattern);
  let out = anchored ? '^' : '';
  // Go's `.` stops at a newline only; JavaScript's also at \r and U+2028/9.
  const star = greedy ? '[^\\n]*' : '[^\\n]*?';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '*') out += star;
    else if (ch === '?') out += '[^\\n]';
    else if (ch === '\\') {
      // `\}` and `\/` were escapes of the ${...} syntax, not of the pattern.
      const next = chars[i + 1];
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\') throw new Error(`invalid escape '\\${next ?? ''}'`);
      out += '\\' + next;
      i++;
    } else out += escapeRegExp(ch);
  }
  return new RegExp(out, 'u');
}

function escapeRegExp(ch: string): string {
  return /[[\]{}.+()|^$\\*?/]/.test(ch) ? '\\' + ch : ch;
}

/** Reverses a pattern for a suffix match, keeping each `\x` escape in front of its character. */
export function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out: string[] = [];
  for (let i = 0; i < chars.length;) {
    if (chars[i] === '\\' && i !== chars.length - 1) {
      out.unshift('\\' + chars[i + 1]);
      i += 2;
    } else {
      out.unshift(chars[i]);
      i++;
    }
  }
  return out.join('');
}

export function reverseString(s: string): string {
  return Array.from(s).reverse().join('');
}
