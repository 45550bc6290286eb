import { constants } from 'node:fs';
import { lstat } from 'node:fs/promises';
import type { ContainerPathStat } from '../../api/archive.js';
import { rfc3339NanoFromNs } from '../../lib/time/rfc3339.js';
import { goFileMode } from './file-mode.js';
import { archiveBaseName, type ContainerPath } from './path-rules.js';
import { at, closeFd, fstatFd, O_PATH, type PinnedRoot } from './root.js';

/**
 * Stats a path inside the root the way Docker's archive endpoints do: parents are followed inside
 * the root, the last component is not (a symlink is described as a symlink, with where it leads
 * in `linkTarget`) unless the path names a directory explicitly ("dir/", "dir/.").
 * Throws the errno error (ENOENT, ENOTDIR, ELOOP…) for the caller to word.
 */
export async function statPath(root: PinnedRoot, p: ContainerPath): Promise<ContainerPathStat> {
  let st;
  if (p.asDir || p.parts.length === 0) {
    const fd = root.open(p.clean === '/' ? '/' : p.clean + '/', O_PATH() | constants.O_DIRECTORY);
    try {
      st = await fstatFd(fd);
    } finally {
      closeFd(fd);
    }
  } else {
    const dir = root.openDir('/' + p.parts.slice(0, -1).join('/'));
    try {
      st = await lstat(at(dir, p.parts[p.parts.length - 1]!), { bigint: true });
    } finally {
      closeFd(dir);
    }
  }
  const mode = goFileMode({
    mode: Number(st.mode),
    isDirectory: () => st.isDirectory(),
    isSymbolicLink: () => st.isSymbolicLink(),
    isBlockDevice: () => st.isBlockDevice(),
    isCharacterDevice: () => st.isCharacterDevice(),
    isFIFO: () => st.isFIFO(),
    isSocket: () => st.isSocket(),
  });
  return {
    name: p.parts.length === 0 ? '/' : archiveBaseName(p),
    size: Number(st.size),
    mode,
    mtime: goTime(rfc3339NanoFromNs(st.mtimeNs)),
    linkTarget: st.isSymbolicLink() ? await root.realPath(p.clean) : '',
  };
}


/** Go's RFC3339Nano drops trailing zeros of the fraction (and the dot with them); clients compare strings. */
export function goTime(rfc3339: string): string {
  return rfc3339.replace(/\.(\d*?)0+Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}
