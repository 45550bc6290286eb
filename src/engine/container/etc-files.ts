import { readFile, writeFile } from 'node:fs/promises';
import type { NetworkSandbox } from '../../network/index.js';

const LOCAL_HOSTS = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n';

/** What a container's /etc/hostname, /etc/hosts and /etc/resolv.conf are made of. */
export interface EtcFilesInput {
  hostname: string;
  domainname?: string;
  sandbox: NetworkSandbox;
  /** `--add-host` entries, resolved (host-gateway replaced by an address). */
  extraHosts?: { address: string; names: string[] }[];
  /** HostConfig.Dns, DnsSearch and DnsOptions: each replaces the matching lines of the base. */
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
}

/**
 * Writes the /etc/hostname, /etc/hosts and /etc/resolv.conf a container gets bind-mounted, as
 * Docker does, so that a read-only image still resolves its own name. They derive from the record
 * and the sandbox alone (rewritten at every start), so they skip the fsync.
 */
export async function writeEtcFiles(paths: { hostname: string; hosts: string; resolvConf: string }, opts: EtcFilesInput): Promise<void> {
  const hostHosts = opts.sandbox.mode === 'host' ? await readFile('/etc/hosts', 'utf8').catch(() => undefined) : undefined;
  const hostResolv = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  await Promise.all([
    writeFile(paths.hostname, `${opts.hostname}\n`),
    writeFile(paths.hosts, renderHosts(opts, hostHosts)),
    writeFile(paths.resolvConf, renderResolvConf(opts, hostResolv)),
  ]);
}

/**
 * Rewrites /etc/hosts and /etc/resolv.conf after a live connect or disconnect: the addresses
 * changed, and so may the name server (joining a user network brings its embedded DNS).
 */
export async function writeNetworkFiles(paths: { hosts: string; resolvConf: string }, opts: EtcFilesInput): Promise<void> {
  const hostHosts = opts.sandbox.mode === 'host' ? await readFile('/etc/hosts', 'utf8').catch(() => undefined) : undefined;
  const hostResolv = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  await Promise.all([writeFile(paths.hosts, renderHosts(opts, hostHosts)), writeFile(paths.resolvConf, renderResolvConf(opts, hostResolv))]);
}

/**
 * /etc/hosts: loopback names, then `--add-host` entries, then links, then the container's own
 * addresses under its names. With the host's network the host's file is used as it is, plus
 * the `--add-host` entries.
 */
export function renderHosts(opts: EtcFilesInput, hostFile?: string): string {
  const { sandbox } = opts;
  const extra = (opts.extraHosts ?? []).map((h) => `${h.address}\t${h.names.join(' ')}\n`).join('');
  if (sandbox.mode === 'host' && hostFile !== undefined) return (hostFile.endsWith('\n') || hostFile === '' ? hostFile : `${hostFile}\n`) + extra;
  const fqdn = opts.domainname ? `${opts.hostname}.${opts.domainname}` : opts.hostname;
  const names = fqdn === opts.hostname ? opts.hostname : `${fqdn} ${opts.hostname}`;
  let hosts = LOCAL_HOSTS + extra;
  for (const h of sandbox.hosts ?? []) hosts += `${h.address}\t${h.names.join(' ')}\n`;
  if (sandbox.addresses.length > 0) {
    for (const a of sandbox.addresses) hosts += `${a}\t${names}\n`;
  } else if (sandbox.mode !== 'host') {
    hosts += `127.0.1.1\t${names}\n`;
  }
  return hosts;
}

/**
 * /etc/resolv.conf from the host's: name servers from `--dns`, else the sandbox's (a user
 * network's embedded DNS), else the host's less loopback ones a container's own namespace
 * cannot reach; `--dns-search` and `--dns-option` replace the host's search and options lines
 * ("." alone clears the search list); with the embedded DNS `ndots:0` unless an ndots is given.
 */
export function renderResolvConf(opts: EtcFilesInput, hostFile: string): string {
  const { sandbox } = opts;
  const lines = hostFile.split('\n').map((l) => l.trim());
  const keyed = (key: string): string[] => lines.filter((l) => new RegExp(`^${key}\\s`).test(l)).map((l) => l.replace(/^\S+\s+/, '').trim());
  let nameservers = keyed('nameserver');
  if (sandbox.nameservers?.length) {
    // The embedded DNS answers for container names and forwards the rest, so it comes first.
    nameservers = sandbox.nameservers;
  } else if (opts.dns?.length) {
    nameservers = opts.dns;
  } else if (sandbox.mode !== 'host') {
    nameservers = nameservers.filter((n) => !/^(127\.|::1$)/.test(n));
    // Without any reachable server the container still needs one: Docker's public fallbacks.
    if (nameservers.length === 0) nameservers = ['8.8.8.8', '8.8.4.4'];
  }
  let search = opts.dnsSearch?.length ? opts.dnsSearch : keyed('search').flatMap((s) => s.split(/\s+/));
  if (search.length === 1 && search[0] === '.') search = [];
  const options = opts.dnsOptions?.length ? [...opts.dnsOptions] : keyed('options').flatMap((s) => s.split(/\s+/));
  // With the embedded DNS, a bare name goes to it first (container names), as Docker sets it.
  if (sandbox.nameservers?.length && !options.some((o) => o.startsWith('ndots:'))) options.push('ndots:0');
  let out = '';
  if (search.length) out += `search ${search.join(' ')}\n`;
  for (const n of nameservers) out += `nameserver ${n}\n`;
  if (options.length) out += `options ${options.join(' ')}\n`;
  return out;
}
