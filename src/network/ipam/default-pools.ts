import { createHash } from 'node:crypto';
import { ForbiddenError, InvalidArgumentError } from '../../lib/errors/index.js';
import { bitsOf, cidrString, formatIp, makeCidr, overlaps, parseCidr, sizeOf, type Cidr, type Family } from './cidr.js';

/** One `--default-address-pool base=CIDR,size=N`: networks made without --subnet get a /N from it. */
export interface AddressPoolSpec {
  base: string;
  size: number;
}

/** A route of the host (from `ip -j route`): its destination and the device it leaves by. */
export interface HostRoute {
  dst: string;
  dev?: string;
}

/**
 * The default bridge's address when --bip is not given: 10.63/16 keeps clear of Docker's
 * 172.17/16 and podman's 10.88/16 (and podman's user pools from 10.89), so all three run on one host.
 */
export const DEFAULT_BRIDGE_IP = '10.63.0.1/16';
/** User networks without --subnet: /24s from 10.64/12 (10.64.0.0 – 10.79.255.255). */
export const DEFAULT_POOLS: readonly AddressPoolSpec[] = [{ base: '10.64.0.0/12', size: 24 }];

/** Parses the flag's value "base=10.10.0.0/16,size=24". */
export function parsePoolSpec(text: string): AddressPoolSpec {
  let base: string | undefined;
  let size: number | undefined;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (eq < 0 || (key !== 'base' && key !== 'size')) throw new InvalidArgumentError(`invalid default address pool "${text}": unexpected field "${part}"`);
    if (key === 'base') base = value;
    else {
      if (!/^[0-9]{1,3}$/.test(value)) throw new InvalidArgumentError(`invalid default address pool "${text}": invalid size ${value}`);
      size = Number(value);
    }
  }
  const cidr = base === undefined ? undefined : parseCidr(base);
  if (!cidr) throw new InvalidArgumentError(`invalid default address pool "${text}": base must be a CIDR`);
  if (size === undefined) throw new InvalidArgumentError(`invalid default address pool "${text}": size is missing`);
  if (size < cidr.prefixLen || size > bitsOf(cidr.family)) throw new InvalidArgumentError(`invalid default address pool "${text}": size ${size} must be between the base's prefix length ${cidr.prefixLen} and ${bitsOf(cidr.family)}`);
  return { base: cidrString(cidr), size };
}

/** The prefixes a new subnet must keep clear of: other networks' subnets and host routes (less the default route). */
export function takenPrefixes(subnets: string[], routes: HostRoute[], ownDevices: ReadonlySet<string>): Cidr[] {
  const out: Cidr[] = [];
  for (const s of subnets) {
    const c = parseCidr(s);
    if (c) out.push(c);
  }
  for (const r of routes) {
    if (r.dst === 'default' || (r.dev && ownDevices.has(r.dev))) continue;
    // `ip -j route` writes a host route without its length.
    const c = parseCidr(r.dst.includes('/') ? r.dst : `${r.dst}/${r.dst.includes(':') ? 128 : 32}`);
    if (c && c.prefixLen > 0) out.push(c);
  }
  return out;
}

/** The first /size of the pools, in order, that overlaps nothing taken. */
export function chooseSubnet(pools: readonly AddressPoolSpec[], family: Family, taken: readonly Cidr[]): string {
  for (const spec of pools) {
    const base = parseCidr(spec.base)!;
    if (base.family !== family) continue;
    const step = 1n << BigInt(bitsOf(family) - spec.size);
    const count = sizeOf(base) / step;
    for (let i = 0n; i < count; i++) {
      const candidate = makeCidr(family, base.network + i * step, spec.size);
      // Jump past a taken prefix instead of walking every /size inside it.
      const hit = taken.find((t) => overlaps(t, candidate));
      if (!hit) return cidrString(candidate);
      if (hit.prefixLen < spec.size) {
        const end = hit.network + sizeOf(hit);
        const next = (end - base.network) / step;
        if (next > i) i = next - 1n;
      }
    }
  }
  throw new ForbiddenError(`could not find an available, non-overlapping IPv${family} address pool among the defaults to assign to the network`);
}

/**
 * The default bridge's "gateway/len" when --bip is not given: 10.63.0.1/16, or, when a host
 * route overlaps it, the next free /16 below (10.62, 10.61, …).
 */
export function chooseDefaultBridge(taken: readonly Cidr[]): string {
  for (let second = 63n; second >= 1n; second--) {
    const candidate = makeCidr(4, (10n << 24n) | (second << 16n), 16);
    if (!taken.some((t) => overlaps(t, candidate))) return `${formatIp(4, candidate.network + 1n)}/16`;
  }
  return DEFAULT_BRIDGE_IP;
}

/**
 * A unique-local IPv6 /48 (fd00::/8 with a 40-bit global id) derived from a seed that stays
 * the same across restarts, for --ipv6 networks made without a v6 subnet: /64s from it.
 */
export function ulaPool(seed: string): AddressPoolSpec {
  const h = createHash('sha256').update(seed).digest();
  let v = 0xfdn;
  for (let i = 0; i < 5; i++) v = (v << 8n) | BigInt(h[i]!);
  return { base: cidrString(makeCidr(6, v << 80n, 48)), size: 64 };
}
