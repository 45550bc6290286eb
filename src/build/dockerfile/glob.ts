/**
 * The shell patterns of `${VAR#pat}`, `${VAR%pat}` and `${VAR/pat/repl}`: `*` any run of
 * characters, `?` one character (neither crosses a newline), `\*` `\?` `\\` literal, everything
 * else literal. Docker turns them into Go regular expressions, which never backtrack; a
 * JavaScript RegExp would, and a hostile Dockerfile (`${A#*a*a*a*a*a*b}` against a long value)
 * could then stall the daemon. So they are matched here by stepping a set of pattern positions
 * along the value: time grows with value length times pattern length, never faster.
 */

type Token = { kind: 'star' } | { kind: 'any' } | { kind: 'char'; ch: string };

/** Compiles a pattern; throws an Error with Go's wording on a bad escape. */
export function compileGlob(pattern: string): Token[] {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '*') tokens.push({ kind: 'star' });
    else if (ch === '?') tokens.push({ kind: 'any' });
    else if (ch === '\\') {
      const next = chars[i + 1];
      // `\}` and `\/` were escapes of the ${...} syntax, not of the pattern.
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\') throw new Error(`invalid escape '\\${next ?? ''}'`);
      tokens.push({ kind: 'char', ch: next });
      i++;
    } else tokens.push({ kind: 'char', ch });
  }
  return tokens;
}

/** Adds `state` and what it reaches without consuming (a star may match nothing). */
function enter(tokens: Token[], states: Set<number>, state: number): void {
  let s = state;
  while (!states.has(s)) {
    states.add(s);
    if (s < tokens.length && tokens[s].kind === 'star') s++;
    else break;
  }
}

function step(tokens: Token[], states: Set<number>, ch: string): Set<number> {
  const next = new Set<number>();
  for (const s of states) {
    if (s === tokens.length) continue;
    const t = tokens[s];
    if (t.kind === 'star') {
      if (ch !== '\n') enter(tokens, next, s);
    } else if (t.kind === 'any' ? ch !== '\n' : t.ch === ch) {
      enter(tokens, next, s + 1);
    }
  }
  return next;
}

/**
 * The length (in characters) of the shortest or longest prefix of `value` the pattern matches
 * whole, or undefined when none does.
 */
export function globPrefix(tokens: Token[], value: string[], longest: boolean): number | undefined {
  let states = new Set<number>();
  enter(tokens, states, 0);
  let found: number | undefined;
  for (let k = 0; ; k++) {
    if (states.has(tokens.length)) {
      found = k;
      if (!longest) return found;
    }
    if (k === value.length || states.size === 0) return found;
    states = step(tokens, states, value[k]);
  }
}

/**
 * The leftmost match starting at or after `from`, the longest one at that start (what Go's
 * leftmost-first search gives for these all-greedy patterns): [start, end) or undefined.
 */
function findMatch(tokens: Token[], value: string[], from: number): [number, number] | undefined {
  // Each live pattern position remembers the earliest start that reached it.
  let threads = new Map<number, number>();
  let match: [number, number] | undefined;
  for (let p = from; ; p++) {
    if (match === undefined) {
      const seeded = new Set<number>();
      enter(tokens, seeded, 0);
      for (const s of seeded) if (!threads.has(s)) threads.set(s, p);
    }
    const acceptedFrom = threads.get(tokens.length);
    if (acceptedFrom !== undefined && (match === undefined || acceptedFrom <= match[0])) {
      match = [acceptedFrom, p];
      for (const [s, start] of threads) if (start > acceptedFrom) threads.delete(s);
    }
    if (p === value.length || threads.size === 0) return match;
    const next = new Map<number, number>();
    for (const [s, start] of threads) {
      for (const n of step(tokens, new Set([s]), value[p])) {
        const seen = next.get(n);
        if (seen === undefined || start < seen) next.set(n, start);
      }
    }
    threads = next;
  }
}

/** `${VAR/pat/repl}` (first match) and `${VAR//pat/repl}` (every match), as Go's ReplaceAllString does. */
export function globReplace(tokens: Token[], value: string, replacement: string, all: boolean): string {
  const chars = Array.from(value);
  let out = '';
  let lastEnd = 0;
  let search = 0;
  while (search <= chars.length) {
    const m = findMatch(tokens, chars, search);
    if (!m) break;
    out += chars.slice(lastEnd, m[0]).join('');
    // No replacement for an empty match right after another match.
    if (m[1] > lastEnd || m[0] === 0) out += replacement;
    lastEnd = m[1];
    if (!all) break;
    search = m[1] > search ? m[1] : search + 1;
  }
  return out + chars.slice(lastEnd).join('');
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
