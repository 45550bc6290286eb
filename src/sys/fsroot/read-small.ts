import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { at, closeFd, fstatFd, O_PATH, type PinnedRoot } from './root.js';

/** Reads a small file (/etc/passwd) inside the root, at most `max` bytes; null when it is missing. */
export async function readSmallFile(root: PinnedRoot, path: string, max = 1 << 20): Promise<string | null> {
  let fd: number;
  try {
    fd = root.open(path, O_PATH());
  } catch {
    return null;
  }
  try {
    // Only a regular file is opened: a FIFO or device planted at the name is never opened.
    if (!(await fstatFd(fd)).isFile()) return null;
    const fh = await open(at(fd), constants.O_RDONLY | constants.O_NOCTTY);
    try {
      const buf = Buffer.alloc(max);
      const { bytesRead } = await fh.read(buf, 0, max, 0);
      return buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } finally {
    closeFd(fd);
  }
}
