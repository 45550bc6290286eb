import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../lib/errors/index.js';

const PROC_SYS = '/proc/sys';

/** "net.ipv4.ip_forward" -> /proc/sys/net/ipv4/ip_forward; an interface name keeps its dots. */
export function sysctlPath(key: readonly string[]): string {
  for (const part of key) {
    if (part === '' || part === '.' || part === '..' || part.includes('/')) throw new InvalidArgumentError(`invalid sysctl key part: ${JSON.stringify(part)}`);
  }
  return join(PROC_SYS, ...key);
}

/** The current value (trimmed), or undefined when the key does not exist (module not loaded). */
export async function readSysctl(key: readonly string[]): Promise<string | undefined> {
  try {
    return (await readFile(sysctlPath(key), 'utf8')).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Sets a value in the host's namespace, reading it first: most calls find it set already, and
 * skipping the write avoids the side effects some keys have on every write (ip_forward resets
 * per-interface forwarding). Returns whether it wrote. A missing key is an error unless
 * `optional` (br_netfilter's keys exist only while that module is loaded).
 */
export async function writeSysctl(key: readonly string[], value: string, opts: { optional?: boolean } = {}): Promise<boolean> {
  const cur = await readSysctl(key);
  if (cur === undefined) {
    if (opts.optional) return false;
    throw new InvalidArgumentError(`sysctl ${key.join('.')} does not exist on this host`);
  }
  if (cur === value) return false;
  await writeFile(sysctlPath(key), value);
  return true;
}

/** The keys berth sets, by meaning. */
export const sysctls = {
  ipv4Forward: ['net', 'ipv4', 'ip_forward'],
  ipv6Forward: ['net', 'ipv6', 'conf', 'all', 'forwarding'],
  routeLocalnet: (ifname: string) => ['net', 'ipv4', 'conf', ifname, 'route_localnet'],
  disableIpv6: (ifname: string) => ['net', 'ipv6', 'conf', ifname, 'disable_ipv6'],
  bridgeNfCallIptables: ['net', 'bridge', 'bridge-nf-call-iptables'],
  bridgeNfCallIp6tables: ['net', 'bridge', 'bridge-nf-call-ip6tables'],
} as const;
