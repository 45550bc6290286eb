import { accessSync, constants } from 'node:fs';

/**
 * Static builds come first: the binary runs inside the container's root, where the host's
 * shared libraries are not.
 */
const CANDIDATES = ['/usr/bin/tini-static', '/usr/libexec/podman/catatonit', '/usr/bin/catatonit', '/sbin/tini-static'];

/** The host's init for `--init` (tini-static or catatonit from Debian), or undefined when none is installed. */
export function findInitBinary(candidates: readonly string[] = CANDIDATES): string | undefined {
  for (const p of candidates) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not this one
    }
  }
  return undefined;
}
