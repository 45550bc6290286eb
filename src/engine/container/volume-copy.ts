import { constants } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { copyDirMetadata, copyTreeContents, openBeneath, PinnedRoot } from '../../sys/fsroot/index.js';
import { closeFd } from '../../sys/fsroot/root.js';

/**
 * Fills an empty volume from the image, as Docker does at a volume's first use: what the
 * container's rootfs has at `destination` is copied into the volume (or into its `subpath`)
 * with owners, modes, times, extended attributes, symlinks (as links, never followed), hard
 * links, fifos and device nodes, and the volume's top directory takes the image directory's
 * owner, mode and attributes. The image path resolves inside the rootfs (openat2
 * RESOLVE_IN_ROOT), so an image symlink cannot point the copy at the host; the volume side is
 * written name by name in pinned directories. A path the image does not have, or that is not a
 * directory, a subpath that is missing, and a volume that is not empty are left as they are.
 * @returns whether anything was copied.
 */
export async function copyUpIntoVolume(rootfs: string, destination: string, volumeDir: string, subpath = ''): Promise<boolean> {
  const src = PinnedRoot.open(rootfs);
  let srcDir: number;
  try {
    srcDir = src.open(destination.replace(/\/*$/, '/'), constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  } finally {
    src.close();
  }
  try {
    let dstDir: number;
    try {
      dstDir = openBeneath(volumeDir, subpath, constants.O_RDONLY | constants.O_DIRECTORY);
    } catch (err) {
      // Docker copies only where the subpath resolves; the start then reports what is wrong with it.
      if (subpath) return false;
      throw err;
    }
    try {
      if ((await readdir(`/proc/self/fd/${dstDir}`)).length > 0) return false;
      await copyTreeContents(srcDir, dstDir);
      await copyDirMetadata(srcDir, dstDir);
      return true;
    } finally {
      closeFd(dstDir);
    }
  } finally {
    closeFd(srcDir);
  }
}
