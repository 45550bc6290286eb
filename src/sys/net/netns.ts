import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { NetnsControl } from '../../network/types.js';
import { IpError, ip } from './ip.js';

export const NETNS_DIR = '/run/netns';

/** A name ip accepts as a file under /run/netns: no path separators, no dot names. */
function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,250}$/.test(name)) throw new InvalidArgumentError(`invalid network namespace name: ${JSON.stringify(name)}`);
}

/**
 * Named network namespaces made with `ip netns add` (a bind mount at /run/netns/<name>, which
 * keeps the namespace alive without a process and lets `ip -n` and the runtime find it).
 *
 * The loopback of a new namespace stays DOWN here: every driver's attach brings `lo` up in the
 * same in-namespace batch that configures the container's interface, which costs no extra
 * spawn. A sandbox that never gets an endpoint is the runtime's own (mode none), and the
 * runtime brings lo up there.
 */
export class IpNetns implements NetnsControl {
  async create(name: string): Promise<string> {
    checkName(name);
    try {
      await ip(['netns', 'add', name]);
    } catch (e) {
      // Already there (a retried start, or an adopted sandbox): creating is idempotent.
      if (!(e instanceof IpError && e.isExists)) throw e;
    }
    return join(NETNS_DIR, name);
  }

  async remove(name: string): Promise<void> {
    checkName(name);
    try {
      await ip(['netns', 'del', name]);
    } catch (e) {
      if (e instanceof IpError && /No such file or directory|Invalid argument/.test(e.detail)) return;
      throw e;
    }
  }

  async list(prefix: string): Promise<string[]> {
    try {
      return (await readdir(NETNS_DIR)).filter((n) => n.startsWith(prefix)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }
}
