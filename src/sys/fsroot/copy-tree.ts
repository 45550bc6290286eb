import { constants, type BigIntStats } from 'node:fs';
import { chmod, chown, copyFile, lchown, link, lstat, lutimes, mkdir, readdir, readlink, symlink, utimes } from 'node:fs/promises';
import { runTool } from '../../lib/tar/run-tool.js';
import { fsroot } from './native.js';
import { at, closeFd, fstatFd, openAt } from './root.js';

/** Where a copy stands: hard links already made, by source inode, as paths below the destination. */
interface CopyState {
  readonly dstRoot: number;
  readonly inodes: Map<string, string>;
}

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/**
 * Copies the contents of the directory `srcDir` into the empty directory `dstDir` (both pinned
 * descriptors) as `cp -a` would: owners, modes (setuid/setgid/sticky too), times, extended
 * attributes, symlinks as links, hard links as links, fifos and device nodes as nodes. Sockets
 * are skipped. Every name is made in a pinned parent and never followed, and each directory is
 * entered through a descriptor opened without following symlinks (openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS): a process sharing the destination that swaps in a symlink meanwhile makes
 * the copy fail, never write outside `dstDir`.
 *
 * The source must not be changing (an image's rootfs before its container runs): its names are
 * read through the pinned directory, but a file's content is opened by name.
 */
export async function copyTreeContents(srcDir: number, dstDir: number): Promise<void> {
  await copyDir(srcDir, dstDir, '', { dstRoot: dstDir, inodes: new Map() });
}

/**
 * Owner, mode, extended attributes and times of the directory `srcDir` onto the directory `dstDir`
 * (the copy's top directory, and each one below). Both are reached through their descriptors
 * ("/proc/self/fd/N/." is the directory itself, whatever its name now leads to).
 */
export async function copyDirMetadata(srcDir: number, dstDir: number): Promise<void> {
  const st = await fstatFd(srcDir);
  const self = `/proc/self/fd/${dstDir}/.`;
  // Owner first: chown clears setuid and setgid, which the mode then puts back.
  await chown(self, Number(st.uid), Number(st.gid));
  await chmod(self, Number(st.mode) & 0o7777);
  copyXattrs(`/proc/self/fd/${srcDir}/.`, self);
  await utimes(self, nsToSeconds(st.atimeNs), nsToSeconds(st.mtimeNs));
}

async function copyDir(srcDir: number, dstDir: number, rel: string, state: CopyState): Promise<void> {
  const names = (await readdir(at(srcDir))).sort();
  for (const name of names) {
    const st = await lstat(at(srcDir, name), { bigint: true }).catch((err: unknown) => {
      if (errno(err) === 'ENOENT') return null;
      throw err;
    });
    if (!st) continue;
    await copyEntry(srcDir, dstDir, name, rel ? `${rel}/${name}` : name, st, state);
  }
}

async function copyEntry(srcDir: number, dstDir: number, name: string, rel: string, st: BigIntStats, state: CopyState): Promise<void> {
  const src = at(srcDir, name);
  const dst = at(dstDir, name);
  if (st.isDirectory()) {
    await mkdir(dst, { mode: 0o700 });
    const s = openAt(srcDir, name, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      const d = openAt(dstDir, name, constants.O_RDONLY | constants.O_DIRECTORY);
      try {
        await copyDir(s, d, rel, state);
        await copyDirMetadata(s, d);
      } finally {
        closeFd(d);
      }
    } finally {
      closeFd(s);
    }
    return;
  }
  if (st.nlink > 1n && !st.isSymbolicLink()) {
    const key = `${st.dev}:${st.ino}`;
    const first = state.inodes.get(key);
    if (first !== undefined) {
      await linkBelow(state.dstRoot, first, dst);
      return;
    }
    state.inodes.set(key, rel);
  }
  if (st.isSymbolicLink()) {
    await symlink(await readlink(src), dst);
    await lchown(dst, Number(st.uid), Number(st.gid));
    copyXattrs(src, dst);
    await lutimes(dst, nsToSeconds(st.atimeNs), nsToSeconds(st.mtimeNs));
    return;
  }
  if (st.isFile()) {
    // COPYFILE_EXCL creates with O_EXCL: a symlink put at the name meanwhile fails the copy.
    await copyFile(src, dst, constants.COPYFILE_EXCL);
  } else if (st.isFIFO() || st.isCharacterDevice() || st.isBlockDevice()) {
    const kind = st.isFIFO() ? ['p'] : [st.isCharacterDevice() ? 'c' : 'b', String(major(st.rdev)), String(minor(st.rdev))];
    // Node cannot mknod; the host's tool does, on the pinned parent reached through this process's fds.
    await runTool('mknod', ['-m', '600', `/proc/${process.pid}/fd/${dstDir}/${name}`, ...kind]);
  } else {
    return; // a socket means nothing without the process that listened on it
  }
  const fd = openAt(dstDir, name, fsroot().constants.O_PATH);
  try {
    const made = await fstatFd(fd);
    if (made.isSymbolicLink() || made.isDirectory()) throw Object.assign(new Error(`copy: ${rel} changed while it was copied`), { code: 'EEXIST' });
    const self = `/proc/self/fd/${fd}`;
    await chown(self, Number(st.uid), Number(st.gid));
    await chmod(self, Number(st.mode) & 0o7777);
  } finally {
    closeFd(fd);
  }
  copyXattrs(src, dst);
  await lutimes(dst, nsToSeconds(st.atimeNs), nsToSeconds(st.mtimeNs));
}

/** A hard link to `first` (a path below the destination root), its parent opened without following. */
async function linkBelow(dstRoot: number, first: string, dst: string): Promise<void> {
  const { constants: k, openat2 } = fsroot();
  const slash = first.lastIndexOf('/');
  const parent = slash < 0
    ? openat2(dstRoot, '.', k.O_PATH | constants.O_DIRECTORY, 0, k.RESOLVE_BENEATH | k.RESOLVE_NO_SYMLINKS)
    : openat2(dstRoot, first.slice(0, slash), k.O_PATH | constants.O_DIRECTORY, 0, k.RESOLVE_BENEATH | k.RESOLVE_NO_SYMLINKS);
  try {
    await link(at(parent, first.slice(slash + 1)), dst);
  } finally {
    closeFd(parent);
  }
}

/**
 * Every extended attribute of `src` onto `dst` (user.*, trusted.*, security.capability, ACLs).
 * A destination file system without xattrs, or one refusing a name (user.* on a symlink), loses
 * just that attribute, as `cp -a` does.
 */
function copyXattrs(src: string, dst: string): void {
  const { lxattrs, lsetxattr } = fsroot();
  let attrs: Array<[string, Buffer]>;
  try {
    attrs = lxattrs(src);
  } catch (err) {
    if (errno(err) === 'EOPNOTSUPP') return;
    throw err;
  }
  for (const [name, value] of attrs) {
    try {
      lsetxattr(dst, name, value);
    } catch (err) {
      if (errno(err) !== 'EOPNOTSUPP' && errno(err) !== 'EPERM') throw err;
    }
  }
}

function nsToSeconds(ns: bigint): number {
  return Number(ns) / 1e9;
}

// Linux's dev_t encoding (glibc's gnu_dev_major/minor).
function major(dev: bigint): number {
  return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
}

function minor(dev: bigint): number {
  return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
}
