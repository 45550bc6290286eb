/**
 * Address <-> bytes conversions the DNS server needs: A/AAAA record data and the reverse-lookup
 * names of PTR queries (in-addr.arpa, ip6.arpa). Addresses come back in one canonical text form
 * (dotted quad; RFC 5952 for IPv6) so the DnsLookup can compare them as strings.
 */

/** Four bytes of a dotted-quad address, or undefined when it is not one. */
export function ipv4Bytes(addr: string): Buffer | undefined {
  const parts = addr.split('.');
  if (parts.length !== 4) return undefined;
  const out = Buffer.alloc(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

/** Sixteen bytes of an IPv6 address (with "::" and an embedded dotted quad), or undefined. */
export function ipv6Bytes(addr: string): Buffer | undefined {
  const zone = addr.indexOf('%');
  if (zone >= 0) addr = addr.slice(0, zone);
  const halves = addr.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = ipv4Bytes(p);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...new Array<number>(fill).fill(0), ...tail];
  const buf = Buffer.alloc(16);
  all.forEach((g, i) => buf.writeUInt16BE(g, i * 2));
  return buf;
}

/** RFC 5952 text of sixteen bytes: lower case, the longest run (>= 2) of zero groups as "::". */
export function formatIPv6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

/** The canonical text of an IPv6 address, or undefined when it does not parse. */
export function canonicalIPv6(addr: string): string | undefined {
  const b = ipv6Bytes(addr);
  return b && formatIPv6(b);
}

/**
 * The address a reverse-lookup name stands for ("4.3.2.1.in-addr.arpa" -> "1.2.3.4", 32 nibbles
 * under ip6.arpa -> canonical IPv6), or undefined for partial names (a zone, not one address) and
 * anything malformed. `name` is lower case without the trailing dot.
 */
export function addressFromReverseName(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const labels = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (labels.length !== 4 || !labels.every((l) => /^(0|[1-9]\d{0,2})$/.test(l) && Number(l) <= 255)) return undefined;
    return labels.reverse().join('.');
  }
  if (name.endsWith('.ip6.arpa')) {
    const labels = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (labels.length !== 32 || !labels.every((l) => /^[0-9a-f]$/.test(l))) return undefined;
    const nibbles = labels.reverse().join('');
    return formatIPv6(Buffer.from(nibbles, 'hex'));
  }
  return undefined;
}
