import { readFile } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';

/**
 * Writes the /etc/hostname, /etc/hosts and /etc/resolv.conf a container gets bind-mounted,
 * as Docker does, so that a read-only image still resolves its own name. They derive from
 * the record alone (nothing is lost if one is torn by a crash), so they skip the fsync.
 */
export async function writeEtcFiles(paths: { hostname: string; hosts: string; resolvConf: string }, opts: {
  hostname: string;
  domainname?: string;
  networkMode: string;
}): Promise<void> {
  const fqdn = opts.domainname ? `${opts.hostname}.${opts.domainname}` : opts.hostname;
  await writeFile(paths.hostname, `${opts.hostname}\n`);
  let hosts = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n';
  if (opts.networkMode === 'host') {
    hosts = await readFile('/etc/hosts', 'utf8').catch(() => hosts);
  } else {
    hosts += `127.0.1.1\t${fqdn === opts.hostname ? opts.hostname : `${fqdn} ${opts.hostname}`}\n`;
  }
  await writeFile(paths.hosts, hosts);
  let resolv = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  // A loopback resolver of the host is unreachable from a container's own network namespace.
  if (opts.networkMode !== 'host') resolv = resolv.split('\n').filter((l) => !/^\s*nameserver\s+(127\.|::1)/.test(l)).join('\n');
  await writeFile(paths.resolvConf, resolv);
}
