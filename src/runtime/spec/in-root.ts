import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '../../lib/errors/index.js';

const MAX_SYMLINKS = 40;

/**
 * Resolves `target` (absolute inside the container) to a host path under `rootfs`, following
 * symlinks as the container would see them: an absolute link restarts at the rootfs, and ".."
 * never climbs above it. Node's own resolution would follow a link such as
 * `/etc/passwd -> /etc/shadow` out onto the host.
 */
export function resolveInRoot(rootfs: string, target: string): string {
  const pending = target.split('/').filter(Boolean);
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') { resolved.pop(); continue; }
    const hostPath = path.join(rootfs, ...resolved, part);
    let isLink = false;
    try { isLink = lstatSync(hostPath).isSymbolicLink(); } catch { /* missing: keep the name */ }
    if (!isLink) { resolved.push(part); continue; }
    if (++links > MAX_SYMLINKS) throw new InvalidArgumentError(`${target}: too many levels of symbolic links in the container's rootfs`);
    const link = readlinkSync(hostPath);
    if (link.startsWith('/')) resolved.length = 0;
    pending.unshift(...link.split('/').filter(Boolean));
  }
  return path.join(rootfs, ...resolved);
}

/** Reads a text file of the container's rootfs, or undefined when it does not exist. */
export function readFileInRoot(rootfs: string, target: string): string | undefined {
  try {
    return readFileSync(resolveInRoot(rootfs, target), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw err;
  }
}
