import { posix } from 'node:path';
import { InvalidArgumentError } from '../lib/errors/index.js';

/**
 * Path rules of a build context, kept apart from the file system so they can be tested alone.
 * Sources are named relative to the context root; an absolute source is taken from the root, as
 * Docker does, and nothing may lead outside it.
 */

/** Docker's wording, which scripts and people search for. */
export function outsideContextError(source: string): InvalidArgumentError {
  return new InvalidArgumentError(`forbidden path outside the build context: ${source} ()`);
}

/**
 * The source's path inside the context, "/"-separated without a leading slash ("" is the root).
 * @throws {InvalidArgumentError} when `..` climbs above the root
 */
export function contextRelative(source: string): string {
  if (source.includes('\0')) throw new InvalidArgumentError(`invalid source path ${JSON.stringify(source)}`);
  const rel = source.startsWith('/') ? source.replace(/^\/+/, '') : source;
  const clean = posix.normalize(rel === '' ? '.' : rel);
  if (clean === '..' || clean.startsWith('../')) throw outsideContextError(source);
  const out = clean.replace(/\/+$/, '');
  return out === '.' ? '' : out;
}

/** Whether a host path (already resolved, symlinks followed) lies within the context root. */
export function isWithin(root: string, hostPath: string): boolean {
  const r = root.endsWith('/') ? root.slice(0, -1) : root;
  return hostPath === r || hostPath.startsWith(r + '/');
}

/** Whether a source has glob characters, so it names every context path it matches. */
export function hasWildcards(source: string): boolean {
  return /[*?[]/.test(source);
}

/**
 * One path segment's pattern as Go's `filepath.Match` reads it (`*`, `?`, `[a-z]`, `[^…]`,
 * `\` escapes), as a regular expression.
 * @throws {InvalidArgumentError} for a malformed pattern (an unclosed `[`)
 */
export function segmentPattern(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new InvalidArgumentError(`syntax error in pattern: ${pattern}`);
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^') || body.startsWith('!');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      i = end;
    } else re += escapeRe(ch);
  }
  return new RegExp(re + '$');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Where a copied source lands, with Docker's destination rules: a directory's contents go into
 * `dest`; a file goes into `dest` when it ends in "/" or is an existing directory, else it is
 * copied to the name `dest`. `dest` is absolute.
 */
export function destinationOf(source: { name: string; isDir: boolean }, dest: string, destIsDir: boolean): string {
  const clean = posix.normalize(dest);
  if (source.isDir) return clean.replace(/(.)\/+$/, '$1');
  if (dest.endsWith('/') || destIsDir) return posix.join(clean, source.name);
  return clean;
}

/**
 * The destination as an absolute path: relative ones are under the working directory. A
 * trailing "/" (it says "a directory") is kept.
 */
export function absoluteDest(dest: string, workdir: string): string {
  const dir = dest.endsWith('/') || dest === '.' || dest.endsWith('/.');
  const abs = posix.resolve(workdir || '/', dest);
  return dir && abs !== '/' ? abs + '/' : abs;
}
