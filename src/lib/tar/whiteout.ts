import { randomBytes } from 'node:crypto';
import { link, lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { InternalError } from '../errors/index.js';
import { runTool, toolAvailable } from './run-tool.js';

/** OCI layer whiteout prefix: ".wh.<name>" deletes <name> from the layers below. */
export const WHITEOUT_PREFIX = '.wh.';
/** ".wh..wh..opq" makes its directory opaque: nothing from the layers below shows through. */
export const OPAQUE_WHITEOUT = '.wh..wh..opq';
/** Other ".wh..wh." names are AUFS bookkeeping (hardlink dirs), meaningless here. */
export const WHITEOUT_META_PREFIX = '.wh..wh.';

// ext4 refuses a 65,001st link; rotating a little earlier keeps EMLINK the rare case on every fs.
const DEFAULT_LINKS_PER_NODE = 60_000;
// link(2) calls queued on the thread pool at once: a round trip each, so one at a time is slow.
const LINKS_IN_FLIGHT = 64;

/**
 * Makes overlayfs whiteouts (0/0 character devices) in one layer directory.
 *
 * Node cannot mknod, and a process per whiteout costs 10–15 ms, so a layer with thousands of
 * whiteouts took tens of seconds. overlayfs only looks at the file type and device number, so hard
 * links of a single 0/0 node are whiteouts too (the kernel shares its own whiteouts the same way):
 * one mknod per layer, then link(2) for every whiteout. The node itself gets a random name in the
 * layer root (an archive cannot guess it) and is unlinked by {@link close}, so it never stays in
 * the layer; when its link count runs out a fresh node takes over.
 */
export class WhiteoutMaker {
  readonly #root: string;
  readonly #linksPerNode: number;
  #node: string | null = null;
  #links = 0;

  constructor(layerRoot: string, linksPerNode = DEFAULT_LINKS_PER_NODE) {
    this.#root = layerRoot;
    this.#linksPerNode = linksPerNode;
  }

  /**
   * Creates whiteouts at `paths`, a batch of links at a time. A name that exists already is left
   * alone: whiteouts hide the layers below, never an entry of this layer. Needs CAP_MKNOD.
   */
  async makeAll(paths: string[]): Promise<void> {
    let i = 0;
    while (i < paths.length) {
      if (this.#node === null || this.#links >= this.#linksPerNode) await this.#freshNode();
      const node = this.#node!;
      const batch = paths.slice(i, i + Math.min(LINKS_IN_FLIGHT, this.#linksPerNode - this.#links));
      i += batch.length;
      const results = await Promise.allSettled(batch.map((p) => link(node, p)));
      const full: string[] = [];
      results.forEach((r, j) => {
        if (r.status === 'fulfilled') { this.#links++; return; }
        const code = (r.reason as NodeJS.ErrnoException).code;
        if (code === 'EMLINK') full.push(batch[j]!);
        else if (code !== 'EEXIST') throw r.reason;
      });
      if (full.length > 0) {
        // The filesystem's link limit is lower than ours: start a fresh node and go on with it.
        if (this.#links === 0) throw new InternalError(`cannot link whiteouts: ${full[0]}: too many links`);
        this.#links = this.#linksPerNode;
        paths = [...full, ...paths.slice(i)];
        i = 0;
      }
    }
  }

  /** Removes the template node; the whiteouts linked to it stay. */
  async close(): Promise<void> {
    const node = this.#node;
    this.#node = null;
    if (node !== null) await unlink(node).catch(() => undefined);
  }

  async #freshNode(): Promise<void> {
    await this.close();
    const node = join(this.#root, `.berth-whiteout-${randomBytes(12).toString('hex')}`);
    await runTool('mknod', ['-m', '0', node, 'c', '0', '0']);
    this.#node = node;
    this.#links = 0;
  }
}

// A lower layer only contributes to a merged directory when every component of the path is a real
// directory in it; a symlink there is replaced by our directory, and must never be followed out.
export async function realDirIn(root: string, rel: string[]): Promise<string | null> {
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
 * Quotes a path for a `getfattr --dump` file: setfattr --restore reads `\ooo` octal escapes, and a
 * raw newline or backslash would end or corrupt the record.
 */
export function quoteAttrPath(path: string): string {
  let out = '';
  for (const byte of Buffer.from(path)) {
    out += byte <= 0x20 || byte >= 0x7f || byte === 0x5c ? `\\${byte.toString(8).padStart(3, '0')}` : String.fromCharCode(byte);
  }
  return out;
}

function setfattrRestore(dump: string): Promise<void> {
  // -h: never follow a symlink, should one have replaced a directory after it was checked.
  return runTool('setfattr', ['-h', '--restore=-'], dump);
}

/**
 * Whether {@link makeOpaqueDirs} will read the lower layers (setfattr is missing): a layer must
 * then be unpacked only after the layers below it are complete.
 */
export async function opaqueDirsNeedLowerDirs(): Promise<boolean> {
  return !(await toolAvailable('setfattr'));
}

/**
 * Makes directories of a layer hide the same directories in `lowerDirs`.
 *
 * The overlay way is the xattr trusted.overlay.opaque=y, but Node cannot set xattrs, so it is set
 * by `setfattr` (Debian package `attr`) when present: one process for all the directories, fed a
 * dump file on stdin. Without it the same view is built from plain whiteouts: one for every name
 * the lower layers hold in that directory and this layer does not. Both give the same merged view
 * because a layer dir is only ever stacked on the exact lower chain it was unpacked against (it is
 * keyed by chain id).
 *
 * @param relDirs directories relative to the layer root, as components; any that is no longer a
 *   real directory (a later entry replaced it or a parent with a symlink) is skipped.
 */
export async function makeOpaqueDirs(layerRoot: string, relDirs: string[][], lowerDirs: string[], whiteouts: WhiteoutMaker): Promise<void> {
  const dirs: Array<[string, string[]]> = [];
  for (const rel of relDirs) {
    const dir = await realDirIn(layerRoot, rel);
    if (dir !== null) dirs.push([dir, rel]);
  }
  if (dirs.length === 0) return;
  if (await toolAvailable('setfattr')) {
    await setfattrRestore(dirs.map(([dir]) => `# file: ${quoteAttrPath(dir)}\ntrusted.overlay.opaque="y"\n\n`).join(''));
    return;
  }
  for (const [dir, rel] of dirs) {
    const names = new Set<string>();
    for (const lower of lowerDirs) {
      const lowerDir = await realDirIn(lower, rel);
      if (lowerDir !== null) for (const name of await readdir(lowerDir)) names.add(name);
    }
    await whiteouts.makeAll([...names].map((name) => join(dir, name)));
  }
}
