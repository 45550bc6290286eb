import { constants } from 'node:fs';
import { chmod, chown, readdir } from 'node:fs/promises';
import { extractTar, packPath, parseContainerPath, PinnedRoot } from '../../sys/fsroot/index.js';
import { closeFd, fstatFd } from '../../sys/fsroot/root.js';

/**
 * Fills an empty volume from the image: what the container's rootfs has at `destination` is
 * copied into `volumeDir` with owners, modes, symlinks (as links, never followed) and times, and
 * the volume's top directory takes the image directory's owner and mode. Paths resolve inside the
 * rootfs (openat2 RESOLVE_IN_ROOT), so an image symlink cannot point the copy at the host. A path
 * the image does not have, or that is not a directory, leaves the volume as it is.
 * @returns whether anything was copied.
 */
export async function copyUpIntoVolume(rootfs: string, destination: string, volumeDir: string): Promise<boolean> {
  if ((await readdir(volumeDir)).length > 0) return false;
  const src = PinnedRoot.open(rootfs);
  try {
    let fd: number;
    try {
      fd = src.open(destination.replace(/\/*$/, '/'), constants.O_RDONLY | constants.O_DIRECTORY);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      throw err;
    }
    let st;
    try {
      st = await fstatFd(fd);
    } finally {
      closeFd(fd);
    }
    const dst = PinnedRoot.open(volumeDir);
    try {
      await extractTar(dst, '/', packPath(src, parseContainerPath(destination.replace(/\/*$/, '/.'))), { noOverwriteDirNonDir: false, owner: null });
    } finally {
      dst.close();
    }
    await chown(volumeDir, Number(st.uid), Number(st.gid));
    await chmod(volumeDir, Number(st.mode) & 0o7777);
    return true;
  } finally {
    src.close();
  }
}
