import { join } from 'node:path';
import { InvalidArgumentError } from '../errors/index.js';
import type { TarHeader } from './header.js';
import { runTool, toolAvailable } from './run-tool.js';
import { XATTR_RECORD_PREFIX } from './tar-rewriter.js';
import { quoteAttrPath, realDirIn } from './whiteout.js';

/** One extended attribute: its name and its value as hex. */
export type Xattr = [name: string, hex: string];

// What a layer may carry: file capabilities (ping, and the like) and the user namespace.
// trusted.overlay.* (and user.overlay.*, overlayfs's own under userxattr) would let an archive
// forge overlay whiteouts and redirects; security.selinux and the rest describe the host that
// made the archive, not the image.
const CARRIED = /^(security\.capability|user\.(?!overlay\.)[A-Za-z0-9._-]{1,200})$/;

/** Whether a layer carries this extended attribute, both into the unpacked tree and out in a tar. */
export function isCarriedXattr(name: string): boolean {
  return CARRIED.test(name);
}
// Linux refuses values above 64 KiB.
const MAX_VALUE_HEX = 2 * 65536;

/** The attributes of an entry that berth applies (others are dropped on purpose). */
export function entryXattrs(h: TarHeader): Xattr[] {
  const out: Xattr[] = [];
  for (const [key, value] of Object.entries(h.pax ?? {})) {
    if (!key.startsWith(XATTR_RECORD_PREFIX)) continue;
    const name = key.slice(XATTR_RECORD_PREFIX.length);
    if (!isCarriedXattr(name)) continue;
    if (!/^[0-9a-f]*$/.test(value) || value.length % 2 !== 0 || value.length > MAX_VALUE_HEX) {
      throw new InvalidArgumentError(`invalid tar entry ${JSON.stringify(h.name)}: bad value for extended attribute ${name}`);
    }
    out.push([name, value]);
  }
  return out;
}

/**
 * Sets extended attributes on entries of a layer, all in one `setfattr --restore` process (Node
 * cannot set xattrs). Runs after the last entry, when owners are final: chown clears
 * security.capability. An entry whose parents are no longer real directories is skipped; the last
 * component is never followed (-h). Without setfattr the attributes are not applied.
 */
export async function applyXattrs(root: string, items: Array<{ rel: string[]; attrs: Xattr[] }>): Promise<void> {
  if (items.length === 0 || !(await toolAvailable('setfattr'))) return;
  let dump = '';
  for (const { rel, attrs } of items) {
    const parent = await realDirIn(root, rel.slice(0, -1));
    if (parent === null) continue;
    dump += `# file: ${quoteAttrPath(join(parent, rel[rel.length - 1]!))}\n`;
    for (const [name, hex] of attrs) dump += `${name}=${hex === '' ? '""' : `0x${hex}`}\n`;
    dump += '\n';
  }
  if (dump === '') return;
  try {
    await runTool('setfattr', ['-h', '--restore=-'], dump);
  } catch (err) {
    // setfattr names the failing file by its host path: keep only the part inside the layer.
    const reason = (err as Error).message.split('\n').pop()!.replaceAll(`${root}/`, '');
    throw new InvalidArgumentError(`cannot apply the layer's extended attributes: ${reason}`, { cause: err });
  }
}
