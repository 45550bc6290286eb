import { constants } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../../lib/errors/index.js';
import { fsroot } from './native.js';
import { closeFd } from './root.js';

const AT_FDCWD = -100;

/**
 * Opens `subpath` below the trusted directory `base` (a volume's data directory). Symlinks that
 * stay below `base` are followed; one that would leave it (absolute, or climbing out with "..")
 * fails the whole lookup in the kernel (openat2 RESOLVE_BENEATH), so nothing a container put in
 * the volume can make this name a host file.
 * @throws InvalidArgumentError when the path escapes `base` (Docker: 400)
 * @throws NotFoundError when it does not exist (Docker: "cannot access path …")
 */
export function openBeneath(base: string, subpath: string, flags: number): number {
  const { constants: k, openat2 } = fsroot();
  const dir = openat2(AT_FDCWD, base, k.O_PATH | constants.O_DIRECTORY | constants.O_NOFOLLOW, 0, 0);
  try {
    return openat2(dir, subpath === '' ? '.' : subpath, flags, 0, k.RESOLVE_BENEATH | k.RESOLVE_NO_MAGICLINKS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EXDEV') throw new InvalidArgumentError(`path concatenation escapes the base directory, base: ${base}, subpath: ${subpath}`, { cause: err });
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') {
      throw new NotFoundError(`cannot access path ${join(base, subpath)}: ${code === 'ELOOP' ? 'too many levels of symbolic links' : code === 'ENOTDIR' ? 'not a directory' : 'no such file or directory'}`, { cause: err });
    }
    throw err;
  } finally {
    closeFd(dir);
  }
}
