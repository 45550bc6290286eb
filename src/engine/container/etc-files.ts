import { readFile, writeFile } from 'node:fs/promises';
import type { NetworkSandbox } from '../../network/index.js';

const LOCAL_HOSTS = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n';

/**
 * Writes the /etc/hostname, /etc/hosts and /etc/resolv.conf a container gets bind-mounted, as
 * Docker does, so that a read-only image still resolves its own name. They derive from the record
 * and the sandbox alone (rewritten at every start), so they skip the fsync.
 */
export async function writeEtcFiles(paths: { hostname: string; hosts: string; resolvConf: string }, opts: {
  hostname: string;
  domainname?: string;
  sandbox: NetworkSandbox;
}): Promise<void> {
  const { sandbox } = opts;
  const fqdn = opts.domainname ? `${opts.hostname}.${opts.domainname}` : opts.hostname;
  const names = fqdn === opts.hostname ? opts.hostname : `${fqdn} ${opts.hostname}`;
  let hosts = LOCAL_HOSTS;
  if (sandbox.mode === 'host') {
    hosts = await readFile('/etc/hosts', 'utf8').catch(() => hosts);
  } else if (sandbox.addresses.length > 0) {
    for (const a of sandbox.addresses) hosts += `${a}\t${names}\n`;
  } else {
    hosts += `127.0.1.1\t${names}\n`;
  }
  let resolv = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  if (sandbox.nameservers) {
    resolv = [...resolv.split('\n').filter((l) => !/^\s*nameserver\s/.test(l)), ...sandbox.nameservers.map((n) => `nameserver ${n}`)].join('\n');
  } else if (sandbox.mode !== 'host') {
    // A loopback resolver of the host is unreachable from a container's own network namespace.
    resolv = resolv.split('\n').filter((l) => !/^\s*nameserver\s+(127\.|::1)/.test(l)).join('\n');
  }
  await Promise.all([writeFile(paths.hostname, `${opts.hostname}\n`), writeFile(paths.hosts, hosts), writeFile(paths.resolvConf, resolv)]);
}
