import { isIP } from 'node:net';
import type { ParsedFlags } from '../../flags.js';

/** The wire EndpointSettings fields the CLI fills in (docker leaves the rest at Go's zero values). */
export interface EndpointSettingsRequest {
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] };
  Links?: string[];
  Aliases?: string[];
  MacAddress?: string;
  DriverOpts?: Record<string, string>;
  GwPriority?: number;
}

/** One `--network` value: a name, or the advanced `name=x,alias=y,ip=…` form. */
interface NetworkAttachment {
  target: string;
  aliases: string[];
  links: string[];
  ipv4: string;
  ipv6: string;
  mac: string;
  linkLocalIps: string[];
  driverOpts: Record<string, string>;
  gwPriority: number;
}

const isUserDefined = (n: string): boolean => !['default', 'bridge', 'host', 'none'].includes(n) && !n.startsWith('container:');

/** `--network` as docker parses it: a plain value is the target; with "=" a list of key=value fields. */
export function parseNetworkFlag(value: string): NetworkAttachment {
  const n: NetworkAttachment = { target: value, aliases: [], links: [], ipv4: '', ipv6: '', mac: '', linkLocalIps: [], driverOpts: {}, gwPriority: 0 };
  if (!value.includes('=')) return n;
  n.target = '';
  for (const field of value.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const v = eq < 0 ? '' : field.slice(eq + 1).trim();
    switch (key) {
      case 'name': n.target = v; break;
      case 'alias': n.aliases.push(v); break;
      case 'ip': n.ipv4 = v; break;
      case 'ip6': n.ipv6 = v; break;
      case 'mac-address': n.mac = v; break;
      case 'link-local-ip': n.linkLocalIps.push(v); break;
      case 'driver-opt': {
        const deq = v.indexOf('=');
        if (deq < 0) throw new Error(`invalid driver-opt value: ${v}: expected key=value`);
        n.driverOpts[v.slice(0, deq)] = v.slice(deq + 1);
        break;
      }
      case 'gw-priority': {
        const p = Number(v);
        if (!Number.isInteger(p)) throw new Error(`invalid gw-priority value: ${v}`);
        n.gwPriority = p;
        break;
      }
      default: throw new Error(`invalid field key ${key}`);
    }
  }
  return n;
}

/**
 * NetworkMode and NetworkingConfig.EndpointsConfig as docker 28 builds them: NetworkMode is the
 * first `--network` ("default" without one); `--network-alias`, `--ip`, `--ip6`, `--mac-address`,
 * `--link-local-ip` (and `--link` on a user-defined network) go to that first network's endpoint;
 * a lone network without options sends no endpoint; without `--network` the "default" one is sent.
 */
export function buildNetworking(flags: ParsedFlags): { networkMode: string; endpoints: Record<string, EndpointSettingsRequest> } {
  const values = [...flags.list('network'), ...flags.list('net')];
  const nets = values.map(parseNetworkFlag);
  const aliases = [...flags.list('network-alias'), ...flags.list('net-alias')];
  const links = flags.list('link');
  const ip = flags.string('ip') ?? '';
  const ip6 = flags.string('ip6') ?? '';
  const mac = flags.string('mac-address') ?? '';
  const linkLocal = flags.list('link-local-ip');
  const applyContainerOptions = (n: NetworkAttachment): void => {
    if (n.aliases.length && aliases.length) throw new Error('conflicting options: cannot specify both --network-alias and per-network alias');
    if (n.links.length && links.length) throw new Error('conflicting options: cannot specify both --link and per-network links');
    if (n.ipv4 && ip) throw new Error('conflicting options: cannot specify both --ip and per-network IPv4 address');
    if (n.ipv6 && ip6) throw new Error('conflicting options: cannot specify both --ip6 and per-network IPv6 address');
    if (n.mac && mac) throw new Error('conflicting options: cannot specify both --mac-address and per-network MAC address');
    if (n.linkLocalIps.length && linkLocal.length) throw new Error('conflicting options: cannot specify both --link-local-ip and per-network link-local IP addresses');
    if (aliases.length) n.aliases = [...aliases];
    // On a user-defined network a link is an endpoint alias; on the default bridge a legacy link.
    if (isUserDefined(n.target) && links.length) n.links = [...links];
    if (ip) n.ipv4 = ip;
    if (ip6) n.ipv6 = ip6;
    if (mac) n.mac = mac;
    if (linkLocal.length) n.linkLocalIps = [...linkLocal];
  };
  const endpoints: Record<string, EndpointSettingsRequest> = {};
  if (nets.length === 0) {
    const n = parseNetworkFlag('default');
    applyContainerOptions(n);
    endpoints['default'] = endpointOf(n);
    return { networkMode: 'default', endpoints };
  }
  let userDefined = false;
  let predefined = false;
  nets.forEach((n, i) => {
    if (isUserDefined(n.target)) userDefined = true;
    else predefined = true;
    if (i === 0) applyContainerOptions(n);
    const ep = endpointOf(n);
    if (endpoints[n.target]) throw new Error(`network "${n.target}" is specified multiple times`);
    if (i === 0 && nets.length === 1 && Object.keys(ep).length === 0) return;
    endpoints[n.target] = ep;
  });
  if (userDefined && predefined) throw new Error('conflicting options: cannot attach both user-defined and non-user-defined network-modes');
  return { networkMode: nets[0]!.target, endpoints };
}

function endpointOf(n: NetworkAttachment): EndpointSettingsRequest {
  if (n.target.trim() === '') throw new Error('no name set for network');
  if (!isUserDefined(n.target)) {
    if (n.aliases.length) throw new Error('network-scoped aliases are only supported for user-defined networks');
    if (n.links.length) throw new Error('links are only supported for user-defined networks');
  }
  const ep: EndpointSettingsRequest = {};
  if (n.ipv4 || n.ipv6 || n.linkLocalIps.length) {
    ep.IPAMConfig = { ...(n.ipv4 ? { IPv4Address: n.ipv4 } : {}), ...(n.ipv6 ? { IPv6Address: n.ipv6 } : {}), ...(n.linkLocalIps.length ? { LinkLocalIPs: n.linkLocalIps } : {}) };
  }
  if (n.links.length) ep.Links = n.links;
  if (n.aliases.length) ep.Aliases = n.aliases;
  if (n.mac) {
    if (!/^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(n.mac)) throw new Error(`${n.mac} is not a valid mac address`);
    ep.MacAddress = n.mac;
  }
  if (Object.keys(n.driverOpts).length) ep.DriverOpts = n.driverOpts;
  if (n.gwPriority) ep.GwPriority = n.gwPriority;
  return ep;
}

type Bindings = Record<string, Array<{ HostIp: string; HostPort: string }>>;

/** `port[-port][/proto]` → [lo, hi]; undefined when malformed. */
function portRange(s: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo > 65535 || hi > 65535 || hi < lo) return undefined;
  return [lo, hi];
}

/** The long `--publish published=8080,target=80,protocol=udp` form, in the short notation docker turns it into. */
function standardNotation(spec: string): string {
  if (!spec.includes('=')) return spec;
  const params: Record<string, string> = { protocol: 'tcp' };
  for (const param of spec.split(',')) {
    const eq = param.indexOf('=');
    if (eq <= 0) throw new Error(`invalid publish opts format (should be name=value but got '${param}')`);
    params[param.slice(0, eq)] = param.slice(eq + 1);
  }
  return `${params['published'] ?? ''}:${params['target'] ?? ''}/${params['protocol']}`;
}

/**
 * `-p` in all of docker's forms — "80", "8080:80", "8080:80/udp", "127.0.0.1:8080:80",
 * "127.0.0.1::80", "[::1]:8080:80", "8000-8010:80-90", "8000-8010:80" (any free port of the
 * range) and the long form — and `--expose` ("80", "7000-7010/udp"), into ExposedPorts and
 * HostConfig.PortBindings.
 */
export function parsePorts(publish: string[], expose: string[]): { exposed: Record<string, Record<string, never>>; bindings: Bindings } {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Bindings = {};
  for (const raw of publish) {
    const spec = standardNotation(raw);
    const parts = spec.split(':');
    const last = parts.pop()!;
    const hostPort = parts.length ? parts.pop()! : '';
    let ip = parts.join(':');
    const slash = last.indexOf('/');
    const containerPort = slash < 0 ? last : last.slice(0, slash);
    const proto = (slash < 0 ? 'tcp' : last.slice(slash + 1)).toLowerCase();
    if (ip.startsWith('[')) {
      if (!ip.endsWith(']')) throw new Error(`invalid IP address ${ip}: missing ']' in address`);
      ip = ip.slice(1, -1);
    }
    if (ip && isIP(ip) === 0) throw new Error(`invalid IP address: ${ip}`);
    if (containerPort === '') throw new Error(`no port specified: ${spec}<empty>`);
    const cr = portRange(containerPort);
    if (!cr) throw new Error(`invalid containerPort: ${containerPort}`);
    const hr = hostPort ? portRange(hostPort) : [0, 0] as [number, number];
    if (!hr) throw new Error(`invalid hostPort: ${hostPort}`);
    if (hostPort && cr[1] - cr[0] !== hr[1] - hr[0] && cr[0] !== cr[1]) {
      throw new Error(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
    }
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new Error(`invalid proto: ${proto}`);
    for (let i = 0; i <= cr[1] - cr[0]; i++) {
      const key = `${cr[0] + i}/${proto}`;
      let hp = hostPort ? String(hr[0] + i) : '';
      // One container port and a host range: any free port of the range.
      if (cr[0] === cr[1] && hr[0] !== hr[1]) hp = `${hr[0]}-${hr[1]}`;
      exposed[key] = {};
      (bindings[key] ??= []).push({ HostIp: ip, HostPort: hp });
    }
  }
  for (const e of expose) {
    if (e.includes(':')) throw new Error(`invalid port format for --expose: ${e}`);
    const slash = e.indexOf('/');
    const proto = slash < 0 ? 'tcp' : e.slice(slash + 1);
    const r = portRange(slash < 0 ? e : e.slice(0, slash));
    if (!r) throw new Error(`invalid range format for --expose: ${e}, error: invalid port range`);
    for (let p = r[0]; p <= r[1]; p++) exposed[`${p}/${proto}`] = {};
  }
  return { exposed, bindings };
}
