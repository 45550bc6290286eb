import { closeSync, constants, fstat, type BigIntStats } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { fsroot } from './native.js';

const AT_FDCWD = -100;
const MAX_SYMLINKS = 40;

/**
 * The path of `name` in the directory `dirFd` names. The kernel jumps to the pinned directory
 * through the magic link and then looks up one single component, so nothing between the
 * directory and the name can be swapped. `name` must be one component (no "/", never "..").
 */
export function at(dirFd: number, name?: string): string {
  if (name === undefined) return `/proc/self/fd/${dirFd}`;
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new InvalidArgumentError(`invalid file name ${JSON.stringify(name)}`);
  }
  return `/proc/self/fd/${dirFd}/${name}`;
}

export function closeFd(fd: number): void {
  try {
    closeSync(fd);
  } catch { /* already closed */ }
}

/**
 * A container's root directory, pinned by a descriptor. Every lookup below it goes through
 * openat2 with RESOLVE_IN_ROOT: symlinks (absolute or with "..") resolve as if chrooted here,
 * magic links (/proc/<pid>/root and friends inside the container) are refused, and the kernel
 * does the whole walk, so a container racing symlink swaps cannot steer it outside.
 */
export class PinnedRoot {
  private constructor(readonly fd: number) {}

  /** Pins `hostDir` (a trusted host path such as /proc/<pid>/root or a rootfs mount). */
  static open(hostDir: string): PinnedRoot {
    const { constants: k, openat2 } = fsroot();
    return new PinnedRoot(openat2(AT_FDCWD, hostDir, k.O_PATH | constants.O_DIRECTORY, 0, 0));
  }

  /** Opens `path` (absolute inside the root), following its symlinks inside the root. */
  open(path: string, flags: number, mode = 0): number {
    const { constants: k, openat2 } = fsroot();
    return openat2(this.fd, path === '' ? '/' : path, flags, mode, k.RESOLVE_IN_ROOT | k.RESOLVE_NO_MAGICLINKS);
  }

  /** An O_PATH descriptor of the directory `path`. */
  openDir(path: string): number {
    return this.open(path, fsroot().constants.O_PATH | constants.O_DIRECTORY);
  }

  /**
   * Where `path` leads inside the root, as an absolute path (Docker's `linkTarget`). Each step is
   * an lstat or readlink of one name in a pinned directory, so a racing container can at worst
   * make the answer wrong, never make it describe or read a host file.
   */
  async realPath(path: string): Promise<string> {
    const queue = path.split('/');
    const real: string[] = [];
    let links = 0;
    while (queue.length > 0) {
      const part = queue.shift()!;
      if (part === '' || part === '.') continue;
      if (part === '..') { real.pop(); continue; }
      const dir = this.openDir('/' + real.join('/'));
      try {
        const st = await lstat(at(dir, part)).catch(() => null);
        if (st?.isSymbolicLink()) {
          if (++links > MAX_SYMLINKS) break;
          const target = await readlink(at(dir, part));
          if (target.startsWith('/')) real.length = 0;
          queue.unshift(...target.split('/'));
          continue;
        }
      } finally {
        closeFd(dir);
      }
      real.push(part);
    }
    return '/' + real.join('/');
  }

  close(): void {
    closeFd(this.fd);
  }
}

/**
 * Opens the single name `name` in the pinned directory `dirFd` without following a symlink there
 * (O_PATH|O_NOFOLLOW gives the link itself). The kernel refuses any symlink or magic link on the
 * way, so this never leaves `dirFd`.
 */
export function openAt(dirFd: number, name: string, flags: number, mode = 0): number {
  const { constants: k, openat2 } = fsroot();
  at(dirFd, name);
  return openat2(dirFd, name, flags | constants.O_NOFOLLOW, mode, k.RESOLVE_BENEATH | k.RESOLVE_NO_SYMLINKS | k.RESOLVE_NO_MAGICLINKS);
}

export const O_PATH = (): number => fsroot().constants.O_PATH;

/**
 * An O_PATH descriptor of the host directory `path`, symlinks followed (for trusted host paths,
 * or `at(dirFd, name)` to step through one link the caller has looked at).
 */
export function openHostDir(path: string): number {
  return fsroot().openat2(AT_FDCWD, path, O_PATH() | constants.O_DIRECTORY, 0, 0);
}

/** fstat with nanosecond times; works on O_PATH descriptors too. */
export function fstatFd(fd: number): Promise<BigIntStats> {
  return new Promise((resolve, reject) => fstat(fd, { bigint: true }, (err, s) => (err ? reject(err) : resolve(s))));
}
