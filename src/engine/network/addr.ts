/*
 * Just enough IP address arithmetic to check API bodies the way Docker does (Go's net/netip):
 * strict parsing (no leading zeros, no zones), containment and canonical printing for the
 * "it should be …" messages. The network subsystem keeps its own allocator; this stays a leaf.
 */

export interface Addr {
  family: 4 | 6;
  value: bigint;
}

export interface Prefix {
  addr: Addr;
  bits: number;
}

const V4 = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

function parse4(s: string): bigint | undefined {
  const m = V4.exec(s);
  if (!m) return undefined;
  let v = 0n;
  for (let i = 1; i <= 4; i++) {
    const n = Number(m[i]);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parse6(s: string): bigint | undefined {
  if (s.includes('%')) return undefined;
  let tail4: bigint | undefined;
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail4 = parse4(s.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    text = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): string[] | undefined => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const all = [...head, ...rest];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  if (halves.length === 2 ? all.length > 7 : all.length !== 8) return undefined;
  const filled = halves.length === 2 ? [...head, ...Array<string>(8 - all.length).fill('0'), ...rest] : all;
  let v = 0n;
  for (const g of filled) v = (v << 16n) | BigInt(parseInt(g, 16));
  if (tail4 !== undefined) v = (v & ~0xffffffffn) | tail4;
  return v;
}

/** Parses an IPv4 or IPv6 address as netip.ParseAddr does; undefined when it is not one. */
export function parseAddr(s: string): Addr | undefined {
  if (s.includes(':')) {
    const v = parse6(s);
    return v === undefined ? undefined : { family: 6, value: v };
  }
  const v = parse4(s);
  return v === undefined ? undefined : { family: 4, value: v };
}

/** Parses "addr/bits" as netip.ParsePrefix does (host bits may be set). */
export function parsePrefix(s: string): Prefix | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = parseAddr(s.slice(0, slash));
  const b = s.slice(slash + 1);
  if (!addr || !/^(0|[1-9]\d{0,2})$/.test(b)) return undefined;
  const bits = Number(b);
  if (bits > width(addr)) return undefined;
  return { addr, bits };
}

function width(a: Addr): number {
  return a.family === 4 ? 32 : 128;
}

function mask(family: 4 | 6, bits: number): bigint {
  const w = BigInt(family === 4 ? 32 : 128);
  return ((1n << w) - 1n) ^ ((1n << (w - BigInt(bits))) - 1n);
}

/** The prefix with its host bits cleared. */
export function masked(p: Prefix): Prefix {
  return { addr: { family: p.addr.family, value: p.addr.value & mask(p.addr.family, p.bits) }, bits: p.bits };
}

export function samePrefix(a: Prefix, b: Prefix): boolean {
  return a.addr.family === b.addr.family && a.addr.value === b.addr.value && a.bits === b.bits;
}

export function contains(p: Prefix, a: Addr): boolean {
  return p.addr.family === a.family && (a.value & mask(a.family, p.bits)) === masked(p).addr.value;
}

export function overlaps(a: Prefix, b: Prefix): boolean {
  if (a.addr.family !== b.addr.family) return false;
  const bits = Math.min(a.bits, b.bits);
  const m = mask(a.addr.family, bits);
  return (a.addr.value & m) === (b.addr.value & m);
}

/** Go's canonical text: dotted quad, or RFC 5952 IPv6 (longest zero run as "::"). */
export function formatAddr(a: Addr): string {
  if (a.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((a.value >> s) & 255n)).join('.');
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((a.value >> BigInt(i * 16)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

export function formatPrefix(p: Prefix): string {
  return `${formatAddr(p.addr)}/${p.bits}`;
}
