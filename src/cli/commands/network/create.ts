import { networkCreate } from '../../../client/network-create.js';
import type { NetworkIPAMConfig } from '../../../api/network.js';
import type { Command } from '../../command.js';
import { UsageError } from '../../flags.js';
import { kvMap } from '../../kv-map.js';

/** pflag's stringSlice/ipSlice: every occurrence may hold several comma-separated values. */
function slice(values: string[]): string[] {
  return values.flatMap((v) => (v === '' ? [] : v.split(',')));
}


/** A v4 or v6 address (dotted quad, or hex groups with colons); enough to refuse what pflag's ip types refuse. */
function looksLikeIp(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || (/^[0-9a-fA-F:.]+$/.test(s) && s.includes(':'));
}

interface Cidr {
  family: 4 | 6;
  value: bigint;
  bits: number;
}

function parseIp(s: string): { family: 4 | 6; value: bigint } | undefined {
  if (!looksLikeIp(s)) return undefined;
  if (!s.includes(':')) {
    const parts = s.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { family: 4, value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  const [head = '', tail = ''] = s.split('::');
  const hs = head ? head.split(':') : [];
  const ts = tail ? tail.split(':') : [];
  if (s.includes('::') ? hs.length + ts.length > 7 : hs.length !== 8) return undefined;
  const groups = s.includes('::') ? [...hs, ...Array<string>(8 - hs.length - ts.length).fill('0'), ...ts] : hs;
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { family: 6, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

function parseCidr(s: string): Cidr | undefined {
  const [ip, bits, extra] = s.split('/');
  const a = ip ? parseIp(ip) : undefined;
  if (!a || extra !== undefined || !bits || !/^\d+$/.test(bits) || Number(bits) > (a.family === 4 ? 32 : 128)) return undefined;
  return { ...a, bits: Number(bits) };
}

/** docker CLI's subnetMatches: whether an address (or a CIDR's address) lies in the subnet. */
function subnetMatches(subnet: string, data: string): boolean {
  const s = parseCidr(subnet);
  if (!s) throw new Error(`invalid subnet: invalid CIDR address: ${subnet}`);
  let a: { family: 4 | 6; value: bigint } | undefined;
  if (data.includes('/')) {
    const c = parseCidr(data);
    if (!c) throw new Error(`invalid CIDR address: ${data}`);
    a = c;
  } else {
    a = parseIp(data);
  }
  if (!a || a.family !== s.family) return false;
  const width = BigInt(s.family === 4 ? 32 : 128);
  const shift = width - BigInt(s.bits);
  return (a.value >> shift) === (s.value >> shift);
}

/**
 * docker CLI's createIPAMConfig: pairs each --ip-range, --gateway and --aux-address with the
 * --subnet that holds it, refusing what does not fit with docker's words (checked before any
 * request, as docker does).
 */
export function ipamConfig(subnets: string[], ranges: string[], gateways: string[], aux: Record<string, string>): NetworkIPAMConfig[] {
  if (subnets.length < ranges.length || subnets.length < gateways.length) throw new Error('every ip-range or gateway must have a corresponding subnet');
  const data = new Map<string, NetworkIPAMConfig & { AuxiliaryAddresses: Record<string, string> }>();
  for (const s of subnets) {
    for (const k of data.keys()) {
      if (subnetMatches(s, k) || subnetMatches(k, s)) throw new Error('multiple overlapping subnet configuration is not supported');
    }
    data.set(s, { Subnet: s, AuxiliaryAddresses: {} });
  }
  const attach = (values: string[], field: 'IPRange' | 'Gateway', what: string, multiple: (v: string, old: string, s: string) => string): void => {
    for (const v of values) {
      let match = false;
      for (const s of subnets) {
        if (!subnetMatches(s, v)) continue;
        const d = data.get(s)!;
        if (d[field]) throw new Error(multiple(v, d[field], s));
        d[field] = v;
        match = true;
      }
      if (!match) throw new Error(`no matching subnet for ${what} ${v}`);
    }
  };
  attach(ranges, 'IPRange', 'range', (v, old, s) => `cannot configure multiple ranges (${v}, ${old}) on the same subnet (${s})`);
  attach(gateways, 'Gateway', 'gateway', (v, old, s) => `cannot configure multiple gateways (${v}, ${old}) for the same subnet (${s})`);
  for (const [key, addr] of Object.entries(aux)) {
    let match = false;
    for (const s of subnets) {
      if (!subnetMatches(s, addr)) continue;
      data.get(s)!.AuxiliaryAddresses[key] = addr;
      match = true;
    }
    if (!match) throw new Error(`no matching subnet for aux-address ${addr}`);
  }
  // Go drops the empty map (omitempty)
  return [...data.values()].map((d) => (Object.keys(d.AuxiliaryAddresses).length ? d : { Subnet: d.Subnet, ...(d.IPRange ? { IPRange: d.IPRange } : {}), ...(d.Gateway ? { Gateway: d.Gateway } : {}) }));
}

/** `berth network create`: creates a network and prints its id. */
export const command: Command = {
  spec: {
    name: 'network create',
    usage: '[OPTIONS] NETWORK',
    description: 'Create a network',
    args: { min: 1, max: 1 },
    flags: [
      { name: 'attachable', kind: 'bool', description: 'Enable manual container attachment' },
      { name: 'aux-address', kind: 'list', valueName: 'map', description: 'Auxiliary IPv4 or IPv6 addresses used by Network driver (default map[])' },
      { name: 'config-from', kind: 'string', description: 'The network from which to copy the configuration' },
      { name: 'config-only', kind: 'bool', description: 'Create a configuration only network' },
      { name: 'driver', short: 'd', kind: 'string', description: 'Driver to manage the Network', default: 'bridge' },
      { name: 'gateway', kind: 'list', valueName: 'ipSlice', description: 'IPv4 or IPv6 Gateway for the master subnet' },
      { name: 'ingress', kind: 'bool', description: 'Create swarm routing-mesh network' },
      { name: 'internal', kind: 'bool', description: 'Restrict external access to the network' },
      { name: 'ip-range', kind: 'list', valueName: 'ipNetSlice', description: 'Allocate container ip from a sub-range' },
      { name: 'ipam-driver', kind: 'string', description: 'IP Address Management Driver', default: 'default' },
      { name: 'ipam-opt', kind: 'list', valueName: 'map', description: 'Set IPAM driver specific options (default map[])' },
      { name: 'ipv4', kind: 'bool', description: 'Enable or disable IPv4 address assignment (default true)', default: true },
      { name: 'ipv6', kind: 'bool', description: 'Enable or disable IPv6 address assignment' },
      { name: 'label', kind: 'list', description: 'Set metadata on a network' },
      { name: 'opt', short: 'o', kind: 'list', valueName: 'map', description: 'Set driver specific options (default map[])' },
      { name: 'scope', kind: 'string', description: "Control the network's scope" },
      { name: 'subnet', kind: 'list', valueName: 'strings', description: 'Subnet in CIDR format that represents a network segment' },
    ],
  },
  async run(ctx, flags, [name]) {
    const gateways = slice(flags.list('gateway'));
    for (const g of gateways) {
      if (!parseIp(g)) throw new UsageError(`invalid argument "${g}" for "--gateway" flag: invalid string being converted to IP address: ${g}`);
    }
    const ranges = slice(flags.list('ip-range'));
    for (const r of ranges) {
      if (!parseCidr(r)) throw new UsageError(`invalid argument "${r}" for "--ip-range" flag: invalid CIDR address: ${r}`);
    }
    const config = ipamConfig(slice(flags.list('subnet')), ranges, gateways, kvMap(flags.list('aux-address')));
    const res = await networkCreate(ctx.client(), {
      Name: name!,
      Driver: flags.string('driver') ?? 'bridge',
      Scope: flags.string('scope') ?? '',
      ...(flags.changed('ipv4') ? { EnableIPv4: flags.bool('ipv4') } : {}),
      ...(flags.changed('ipv6') ? { EnableIPv6: flags.bool('ipv6') } : {}),
      IPAM: { Driver: flags.string('ipam-driver') ?? 'default', Config: config, Options: kvMap(flags.list('ipam-opt')) },
      Internal: flags.bool('internal'),
      Attachable: flags.bool('attachable'),
      Ingress: flags.bool('ingress'),
      ConfigOnly: flags.bool('config-only'),
      ConfigFrom: flags.string('config-from') ? { Network: flags.string('config-from') } : null,
      Options: kvMap(flags.list('opt')),
      Labels: kvMap(flags.list('label')),
    });
    ctx.out(`${res.Id}\n`);
    return 0;
  },
};
