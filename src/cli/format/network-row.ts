import type { Network } from '../../api/network.js';
import { shortId } from './text.js';

/** The fields `network ls --format` may name, with docker's column headers. */
export const NETWORK_HEADERS: Record<string, string> = {
  ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv4: 'IPV4', IPv6: 'IPV6',
  Internal: 'INTERNAL', Labels: 'LABELS', CreatedAt: 'CREATED AT',
};

/** The default `network ls` table. */
export const NETWORKS_DEFAULT_FORMAT = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';

/** One `network ls` row as templates see it: every field a string, `Label` a method. */
export interface NetworkRow {
  ID: string;
  Name: string;
  Driver: string;
  Scope: string;
  IPv4: string;
  IPv6: string;
  Internal: string;
  Labels: string;
  CreatedAt: string;
  Label(name: string): string;
}

/**
 * Go's time.Time.String() of an RFC 3339 time as the API sends it: "2021-03-09 21:41:29.798999529
 * +0000 UTC" (fraction without trailing zeros, UTC named as Go names it).
 */
export function goCreatedAt(rfc3339: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(rfc3339);
  if (!m) return rfc3339;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const zone = m[4] === 'Z' ? '+0000 UTC' : `${m[4]!.replace(':', '')} ${m[4]!.replace(':', '')}`;
  return `${m[1]} ${m[2]}${frac === '.' ? '' : frac} ${zone}`;
}

/** The row docker's network formatter makes of one network. */
export function networkRow(n: Network, noTrunc: boolean): NetworkRow {
  const labels = n.Labels ?? {};
  const row: NetworkRow = {
    ID: noTrunc ? n.Id : shortId(n.Id),
    Name: n.Name,
    Driver: n.Driver,
    Scope: n.Scope,
    IPv4: String(n.EnableIPv4 ?? false),
    IPv6: String(n.EnableIPv6 ?? false),
    Internal: String(n.Internal ?? false),
    Labels: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','),
    CreatedAt: goCreatedAt(n.Created ?? ''),
    Label: (name: string) => labels[name] ?? '',
  };
  // `{{json .}}` prints the fields, not the Label method
  Object.defineProperty(row, 'Label', { enumerable: false });
  return row;
}

/** Docker's natural order of names (sortorder.NaturalLess): digit runs compare as numbers. */
export function naturalLess(a: string, b: string): number {
  const re = /(\d+|\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}
