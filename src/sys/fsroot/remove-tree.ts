import { constants } from 'node:fs';
import { lstat, opendir, rmdir, unlink } from 'node:fs/promises';
import { at, closeFd, O_PATH, openAt } from './root.js';

/**
 * Removes `name` in the pinned directory `dirFd`, recursively. Unlike a path-based rm -r, each
 * level is entered through a descriptor opened without following symlinks, so a directory that
 * the container replaces with a symlink mid-way is never followed out of the tree.
 */
export async function removeAt(dirFd: number, name: string): Promise<void> {
  const st = await lstat(at(dirFd, name)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!st) return;
  if (!st.isDirectory()) {
    await unlink(at(dirFd, name));
    return;
  }
  const fd = openAt(dirFd, name, O_PATH() | constants.O_DIRECTORY);
  try {
    const names: string[] = [];
    for await (const d of await opendir(at(fd))) names.push(d.name);
    for (const n of names) await removeAt(fd, n);
  } finally {
    closeFd(fd);
  }
  await rmdir(at(dirFd, name));
}
