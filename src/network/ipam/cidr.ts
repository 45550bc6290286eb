/*
 * IPv4 and IPv6 address arithmetic on bigints, so one code path serves both families.
 * Pure functions; nothing here touches the host.
 */

export type Family = 4 | 6;

/** An address as a number with its family. */
export interface Ip {
  family: Family;
  value: bigint;
}

/** A prefix: `network` is the first address (host bits cleared); `address` is the one written ("10.0.0.1/24" keeps .1). */
export interface Cidr {
  family: Family;
  network: bigint;
  prefixLen: number;
  address: bigint;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

export const bitsOf = (f: Family): number => BITS[f];

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    // Leading zeros are refused as Go's net.ParseIP does (they read as octal elsewhere).
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  if (s.length === 0 || s.length > 45) return undefined;
  let text = s;
  // A dotted IPv4 tail ("::ffff:1.2.3.4") stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): bigint[] | undefined => {
    if (h === '') return [];
    const out: bigint[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const given = [...head, ...rest];
  let all: bigint[];
  if (halves.length === 2) {
    if (given.length > 7) return undefined;
    all = [...head, ...new Array<bigint>(8 - given.length).fill(0n), ...rest];
  } else {
    if (given.length !== 8) return undefined;
    all = given;
  }
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses a bare address (no prefix); undefined when it is not one. */
export function parseIp(s: string): Ip | undefined {
  if (s.includes(':')) {
    const v = parseV6(s);
    return v === undefined ? undefined : { family: 6, value: v };
  }
  const v = parseV4(s);
  return v === undefined ? undefined : { family: 4, value: v };
}

/** The canonical text of an address: dotted quad, or RFC 5952 (lower case, longest zero run as "::"). */
export function formatIp(family: Family, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = (g: number[]): string => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

export const ipString = (ip: Ip): string => formatIp(ip.family, ip.value);

/** A bit mask of the network part. */
export function maskOf(family: Family, prefixLen: number): bigint {
  const bits = BigInt(BITS[family]);
  const all = (1n << bits) - 1n;
  return (all << (bits - BigInt(prefixLen))) & all;
}

/** Parses "addr/len"; undefined when it is not a CIDR. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(s.slice(0, slash));
  const lenText = s.slice(slash + 1);
  if (!ip || !/^[0-9]{1,3}$/.test(lenText)) return undefined;
  const prefixLen = Number(lenText);
  if (prefixLen > BITS[ip.family]) return undefined;
  return { family: ip.family, prefixLen, address: ip.value, network: ip.value & maskOf(ip.family, prefixLen) };
}

/** "network/len" with host bits cleared. */
export function cidrString(c: Cidr): string {
  return `${formatIp(c.family, c.network)}/${c.prefixLen}`;
}

/** The number of addresses in the prefix. */
export function sizeOf(c: Cidr): bigint {
  return 1n << BigInt(BITS[c.family] - c.prefixLen);
}

/** The last address of the prefix (IPv4's broadcast). */
export function lastOf(c: Cidr): bigint {
  return c.network + sizeOf(c) - 1n;
}

/** The n-th address of the prefix (0 = the network address); undefined past its end. */
export function nth(c: Cidr, n: bigint): bigint | undefined {
  if (n < 0n || n >= sizeOf(c)) return undefined;
  return c.network + n;
}

export function containsIp(c: Cidr, ip: Ip): boolean {
  return c.family === ip.family && ip.value >= c.network && ip.value <= lastOf(c);
}

/** True when `inner` lies wholly within `outer`. */
export function containsCidr(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && inner.prefixLen >= outer.prefixLen && containsIp(outer, { family: inner.family, value: inner.network });
}

/** True when the prefixes share any address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  return a.network <= lastOf(b) && b.network <= lastOf(a);
}

/** A prefix made from parts (host bits cleared). */
export function makeCidr(family: Family, value: bigint, prefixLen: number): Cidr {
  const network = value & maskOf(family, prefixLen);
  return { family, network, prefixLen, address: network };
}
