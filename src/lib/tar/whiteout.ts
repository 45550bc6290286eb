import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool, toolAvailable } from './run-tool.js';

/** OCI layer whiteout prefix: ".wh.<name>" deletes <name> from the layers below. */
export const WHITEOUT_PREFIX = '.wh.';
/** ".wh..wh..opq" makes its directory opaque: nothing from the layers below shows through. */
export const OPAQUE_WHITEOUT = '.wh..wh..opq';
/** Other ".wh..wh." names are AUFS bookkeeping (hardlink dirs), meaningless here. */
export const WHITEOUT_META_PREFIX = '.wh..wh.';

/** Creates an overlayfs whiteout (a 0/0 character device) at `path`. Needs CAP_MKNOD. */
export async function makeOverlayWhiteout(path: string): Promise<void> {
  await runTool('mknod', ['-m', '0', path, 'c', '0', '0']);
}

// A lower layer only contributes to a merged directory when every component of the path is a real
// directory in it; a symlink there is replaced by our directory, and must never be followed out.
async function realDirIn(root: string, rel: string[]): Promise<string | null> {
  let cur = root;
  for (const part of rel) {
    cur = join(cur, part);
    try {
      if (!(await lstat(cur)).isDirectory()) return null;
    } catch {
      return null;
    }
  }
  return cur;
}

/**
 * Makes `dir` (inside a layer dir) hide the content of the same directory in `lowerDirs`.
 *
 * The overlay way is the xattr trusted.overlay.opaque=y, but Node cannot set xattrs, so it is set
 * by spawning `setfattr` (Debian package `attr`) when present. Without it the same view is built
 * from plain whiteouts: one 0/0 device for every name the lower layers hold in that directory and
 * this layer does not. Both give the same merged view because a layer dir is only ever stacked on
 * the exact lower chain it was unpacked against (it is keyed by chain id).
 *
 * @param relDir the directory relative to the layer root, as real (symlink-free) components.
 */
export async function makeOpaque(layerRoot: string, relDir: string[], lowerDirs: string[]): Promise<void> {
  const dir = join(layerRoot, ...relDir);
  if (await toolAvailable('setfattr')) {
    await runTool('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', dir]);
    return;
  }
  const own = new Set(await readdir(dir));
  for (const lower of lowerDirs) {
    const lowerDir = await realDirIn(lower, relDir);
    if (lowerDir === null) continue;
    const names = await readdir(lowerDir);
    for (const name of names) {
      if (own.has(name)) continue;
      own.add(name);
      await makeOverlayWhiteout(join(dir, name));
    }
  }
}
