import { isIP } from 'node:net';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { DEFAULT_DOMAIN } from '../../oci/index.js';

/** Where a registry named in a reference is reached. */
export interface RegistryEndpoint {
  /** The registry as references name it: "docker.io", "127.0.0.1:5000". */
  domain: string;
  /** scheme://host[:port] of its API (a mirror's may carry a path prefix). */
  base: URL;
  /** A mirror standing in for Docker Hub: used for pulls only. */
  mirror?: boolean;
}

/** Docker Hub's API host behind the "docker.io" of references. */
const DOCKER_HUB_API = 'https://registry-1.docker.io';

function splitHostPort(domain: string): { host: string; port?: string } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(domain) ?? /^([^:]+)(?::(\d+))?$/.exec(domain);
  if (!m) return { host: domain };
  return { host: m[1]!.toLowerCase(), ...(m[2] ? { port: m[2] } : {}) };
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, p) => (n << 8) + Number(p), 0) >>> 0;
}

/** Whether `host` (an IP) lies in CIDR `cidr` (IPv4 only; IPv6 entries must match exactly). */
function inCidr(host: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  if (!net || bitsText === undefined || isIP(net) !== 4 || isIP(host) !== 4) return false;
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4ToInt(net) & mask) === (ipv4ToInt(host) & mask);
}

/** Checks the `--insecure-registry` values as dockerd does: host[:port] or a CIDR, no scheme. */
export function checkInsecureRegistries(entries: string[]): void {
  for (const e of entries) {
    if (/^[a-z]+:\/\//i.test(e)) throw new InvalidArgumentError(`insecure registry ${e} should not contain '://'`);
    if (e === '' || /\s|\//.test(e.replace(/\/\d+$/, ''))) throw new InvalidArgumentError(`insecure registry ${e} is not valid`);
  }
}

/**
 * Whether a registry is spoken to in plain HTTP: loopback (localhost, 127.0.0.0/8, ::1) as
 * dockerd treats it, and the hosts the daemon was told are insecure (host[:port] exactly, a host
 * without a port for every port, or a CIDR of addresses).
 */
export function isInsecureRegistry(domain: string, insecure: readonly string[]): boolean {
  const { host } = splitHostPort(domain);
  if (host === 'localhost' || host === '::1' || (isIP(host) === 4 && inCidr(host, '127.0.0.0/8'))) return true;
  for (const e of insecure) {
    if (e === domain) return true;
    if (e.includes('/')) {
      if (inCidr(host, e)) return true;
      continue;
    }
    const entry = splitHostPort(e);
    if (entry.port === undefined && entry.host === host) return true;
  }
  return false;
}

/** The API endpoint of the registry `domain` (as a reference names it). */
export function registryEndpoint(domain: string, insecure: readonly string[] = []): RegistryEndpoint {
  if (domain === DEFAULT_DOMAIN) return { domain, base: new URL(DOCKER_HUB_API) };
  const scheme = isInsecureRegistry(domain, insecure) ? 'http' : 'https';
  return { domain, base: new URL(`${scheme}://${domain}`) };
}

/**
 * Checks a `--registry-mirror` value as dockerd does (an http or https URL without credentials,
 * query or fragment) and returns it as dockerd shows it, with one trailing slash.
 */
export function normalizeMirror(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`invalid mirror: "${value}" is not a valid URI`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`invalid mirror: unsupported scheme "${url.protocol.slice(0, -1)}" in "${value}"`);
  if (url.search !== '' || url.hash !== '') throw new InvalidArgumentError(`invalid mirror: query or fragment at end of the URI "${value}"`);
  if (url.username !== '' || url.password !== '') throw new InvalidArgumentError(`invalid mirror: username/password not allowed in URI "${url.protocol}//${url.host}${url.pathname}"`);
  return `${value.replace(/\/+$/, '')}/`;
}

/** The endpoint of a mirror of Docker Hub: its URL (path prefix kept) serving docker.io's repositories. */
export function mirrorEndpoint(mirror: string): RegistryEndpoint {
  return { domain: DEFAULT_DOMAIN, base: new URL(mirror), mirror: true };
}

/**
 * The registry a `POST /auth` server address names: "https://index.docker.io/v1/" and an empty
 * address mean Docker Hub; otherwise the host[:port], scheme and path dropped.
 */
export function loginDomain(serverAddress: string | undefined): string {
  const s = (serverAddress ?? '').trim();
  if (s === '') return DEFAULT_DOMAIN;
  const host = s.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  if (host === 'index.docker.io' || host === 'registry-1.docker.io' || host === DEFAULT_DOMAIN) return DEFAULT_DOMAIN;
  return host;
}
