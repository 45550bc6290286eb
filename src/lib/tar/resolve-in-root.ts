import { lstat, mkdir, readlink, unlink } from 'node:fs/promises';
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
}

/**
 * Resolves `components` inside `root` the way a chroot would: every parent component is lstat'ed,
 * symlinks are followed but re-rooted at `root` (an absolute target starts again at `root`, ".."
 * stops at `root`), so the result can never name anything outside `root`. The last component is
 * never followed, so callers replace a symlink rather than write through it.
 *
 * Safe against hostile archive content, not against a concurrent writer in the same tree: callers
 * use it on directories only they write to (fresh layer dirs).
 */
export async function resolveInRoot(root: string, components: string[], opts: ResolveOptions = {}): Promise<string> {
  const queue = [...components];
  const real: string[] = [];
  let links = 0;
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') { real.pop(); continue; }
    if (queue.length === 0) { real.push(part); break; }
    const here = join(root, ...real, part);
    let st;
    try {
      st = await lstat(here);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (!opts.createParents) { real.push(part); continue; }
      await mkdir(here, { mode: 0o755 });
      real.push(part);
      continue;
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) throw new InvalidArgumentError(`too many levels of symbolic links resolving ${components.join('/')}`);
      const target = await readlink(here);
      if (target.startsWith('/')) real.length = 0;
      queue.unshift(...target.split('/'));
      continue;
    }
    if (opts.createParents && opts.replaceWhiteouts && st.isCharacterDevice() && st.rdev === 0) {
      await unlink(here);
      await mkdir(here, { mode: 0o755 });
      real.push(part);
      continue;
    }
    if (!st.isDirectory()) throw new InvalidArgumentError(`cannot extract ${components.join('/')}: ${[...real, part].join('/')} is not a directory`);
    real.push(part);
  }
  return join(root, ...real);
}
