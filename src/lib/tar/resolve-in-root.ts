import { lstatSync, mkdirSync, readlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors/index.js';

/** How many symlinks one resolution may follow before it is called a loop (Linux's MAXSYMLINKS). */
const MAX_SYMLINKS = 40;

export interface ResolveOptions {
  /** Create missing parent directories (mode 0755) on the way. */
  createParents?: boolean;
  /**
   * With createParents: an overlay whiteout (0/0 character device) where a directory is needed is
   * replaced by one. In a layer being unpacked, a later entry under a name wins over its whiteout,
   * whenever that whiteout was made.
   */
  replaceWhiteouts?: boolean;
  /** Parent resolutions already made in this tree; see {@link ParentCache}. */
  cache?: ParentCache;
}

/**
 * Remembers, for a writer that is alone in its tree, which entry-path prefixes resolved to which
 * real directory, so that a layer's thousands of entries in one directory do not lstat every
 * parent again. It holds only facts about real directories reached through what existed then;
 * the writer must call {@link clear} whenever it removes or replaces a directory or symlink, or
 * makes a symlink, since any of those can change where a prefix leads.
 */
export class ParentCache {
  readonly #dirs = new Map<string, string[]>();
  // Bounded: a layer of millions of directories must not keep them all.
  static readonly MAX = 65_536;

  get(key: string): string[] | undefined {
    return this.#dirs.get(key);
  }

  set(key: string, real: string[]): void {
    if (this.#dirs.size >= ParentCache.MAX) this.#dirs.clear();
    this.#dirs.set(key, real);
  }

  clear(): void {
    this.#dirs.clear();
  }
}

/**
 * Resolves `components` inside `root` the way a chroot would: every parent component is lstat'ed,
 * symlinks are followed but re-rooted at `root` (an absolute target starts again at `root`, ".."
 * stops at `root`), so the result can never name anything outside `root`. The last component is
 * never followed, so callers replace a symlink rather than write through it.
 *
 * Synchronous on purpose: the layer unpacker calls it from its own worker thread, where a
 * thread-pool round trip per component cost more than the lstat itself.
 *
 * Safe against hostile archive content, not against a concurrent writer in the same tree: callers
 * use it on directories only they write to (fresh layer dirs).
 */
export function resolveInRootSync(root: string, components: string[], opts: ResolveOptions = {}): string {
  const { cache } = opts;
  let queue = components;
  let real: string[] = [];
  // Start from the longest parent prefix already known to be a real directory. Cache keys are
  // clean names only: "", "." and ".." would make the same directory appear under two keys.
  const clean = cache !== undefined && components.every((p) => p !== '' && p !== '.' && p !== '..');
  if (clean) {
    for (let n = components.length - 1; n > 0; n--) {
      const hit = cache.get(components.slice(0, n).join('/'));
      if (hit) {
        real = [...hit];
        queue = components.slice(n);
        break;
      }
    }
  }
  queue = [...queue];
  let links = 0;
  let missing = false;
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') { real.pop(); continue; }
    if (queue.length === 0) { real.push(part); break; }
    const here = join(root, ...real, part);
    const st = lstatSync(here, { throwIfNoEntry: false });
    if (st === undefined) {
      if (!opts.createParents) { real.push(part); missing = true; continue; }
      mkdirSync(here, { mode: 0o755 });
      real.push(part);
      continue;
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) throw new InvalidArgumentError(`too many levels of symbolic links resolving ${components.join('/')}`);
      const target = readlinkSync(here);
      if (target.startsWith('/')) real.length = 0;
      queue.unshift(...target.split('/'));
      continue;
    }
    if (opts.createParents && opts.replaceWhiteouts && st.isCharacterDevice() && st.rdev === 0) {
      unlinkSync(here);
      mkdirSync(here, { mode: 0o755 });
      real.push(part);
      continue;
    }
    if (!st.isDirectory()) throw new InvalidArgumentError(`cannot extract ${components.join('/')}: ${[...real, part].join('/')} is not a directory`);
    real.push(part);
  }
  // Every parent now exists as a real directory, unless one was missing and left uncreated.
  if (clean && !missing && components.length > 1) cache.set(components.slice(0, -1).join('/'), real.slice(0, -1));
  return join(root, ...real);
}

/** {@link resolveInRootSync} for callers that want a promise (the CLI's copy into a directory). */
export async function resolveInRoot(root: string, components: string[], opts: ResolveOptions = {}): Promise<string> {
  return resolveInRootSync(root, components, opts);
}
