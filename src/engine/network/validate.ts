import type { EndpointConfigRequest, NetworkIPAMConfig as IPAMConfig } from '../../api/network.js';
import { ForbiddenError, InvalidArgumentError } from '../../lib/errors/index.js';
import type { EndpointConfig, IpamPoolConfig, NetworkCreateRequest, NetworkRecord } from '../../network/types.js';
import { cidrString, containsIp, formatIp, parseCidr, parseIp, type Cidr } from '../../network/ipam/cidr.js';

/** Names Docker reserves: the three built-in networks and "default" (a NetworkMode, not a network). */
const PREDEFINED_NAMES = ['bridge', 'host', 'none', 'default'];

/** Whether a name is one of Docker's predefined network names. */
export function isPredefinedName(name: string): boolean {
  return PREDEFINED_NAMES.includes(name);
}

/** A network created by users: Docker's NetworkMode.IsUserDefined, by name. */
export function isUserDefinedName(name: string): boolean {
  return !isPredefinedName(name) && !name.startsWith('container:');
}

const OPT_ENABLE_IPV4 = 'com.docker.network.enable_ipv4';
const OPT_ENABLE_IPV6 = 'com.docker.network.enable_ipv6';
const ENDPOINT_SYSCTLS = 'com.docker.network.endpoint.sysctls';

/** Go's encoding/json wording for a field of the wrong type, as Docker answers it. */
function typeError(field: string, value: unknown, goType: string): InvalidArgumentError {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
  return new InvalidArgumentError(`invalid JSON: json: cannot unmarshal ${kind} into Go struct field ${field} of type ${goType}`);
}

function str(body: Record<string, unknown>, key: string, owner: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw typeError(`${owner}.${key}`, v, 'string');
  return v;
}

function bool(body: Record<string, unknown>, key: string, owner: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw typeError(`${owner}.${key}`, v, 'bool');
  return v;
}

function strMap(body: Record<string, unknown>, key: string, owner: string): Record<string, string> | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw typeError(`${owner}.${key}`, v, 'map[string]string');
  for (const x of Object.values(v as Record<string, unknown>)) if (typeof x !== 'string') throw typeError(`${owner}.${key}`, x, 'string');
  return { ...(v as Record<string, string>) };
}

function strList(body: Record<string, unknown>, key: string, owner: string): string[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw typeError(`${owner}.${key}`, v, '[]string');
  for (const x of v) if (typeof x !== 'string') throw typeError(`${owner}.${key}`, x, 'string');
  return [...(v as string[])];
}

function object(v: unknown, field: string, goType: string): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw typeError(field, v, goType);
  return v as Record<string, unknown>;
}

function parseBoolOption(v: string, key: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw new InvalidArgumentError(`driver-opt "${key}" is not a valid bool`);
}

/** Docker's joined error text: one error alone, or "* a\n* b". */
function joined(errs: string[]): string {
  if (errs.length === 1) return errs[0]!.trim();
  return `* ${errs.map((e) => e.replaceAll('\n', '\n\t')).join('\n* ')}`;
}

function checkAddress(address: string | undefined, subnet: Cidr): string | undefined {
  if (!address) return undefined;
  const a = parseIp(address);
  if (!a) return 'invalid address';
  if (a.family !== subnet.family) return `parent subnet is an IPv${subnet.family} block`;
  if (!containsIp(subnet, a)) return `parent subnet ${asWritten(subnet)} doesn't contain this address`;
  return undefined;
}

function checkRange(ipRange: string | undefined, subnet: Cidr): string[] {
  if (!ipRange) return [];
  const r = parseCidr(ipRange);
  if (!r) return [`invalid ip-range ${ipRange}: invalid CIDR block notation`];
  if (r.family !== subnet.family) return [`invalid ip-range ${ipRange}: parent subnet is an IPv${subnet.family} block`];
  const errs: string[] = [];
  if (r.prefixLen < subnet.prefixLen) errs.push(`invalid ip-range ${ipRange}: CIDR block is bigger than its parent subnet ${asWritten(subnet)}`);
  if (!isMasked(r)) errs.push(`invalid ip-range ${asWritten(r)}: it should be ${cidrString(r)}`);
  if (!overlapsPrefix(subnet, r)) errs.push(`invalid ip-range ${ipRange}: parent subnet ${asWritten(subnet)} doesn't contain ip-range`);
  return errs;
}

/** Either prefix holds the other's address as written (Docker's test, host bits and all). */
function overlapsPrefix(a: Cidr, b: Cidr): boolean {
  return containsIp(a, written(b)) || containsIp(b, written(a));
}

const written = (c: Cidr): { family: Cidr['family']; value: bigint } => ({ family: c.family, value: c.address });
/** "addr/len" as the user wrote it (host bits kept), in canonical form. */
const asWritten = (c: Cidr): string => `${formatIp(c.family, c.address)}/${c.prefixLen}`;
/** The host bits are clear. */
const isMasked = (c: Cidr): boolean => c.address === c.network;

/**
 * Docker's ValidateIPAM: every pool's subnet, range, gateway and auxiliary addresses, all
 * errors reported together. IPv6 pools are not checked while IPv6 is off (Docker skips them).
 */
export function validateIpamPools(pools: IPAMConfig[], enableIPv6: boolean): void {
  const errs: string[] = [];
  for (const cfg of pools) {
    const subnet = parseCidr(cfg.Subnet ?? '');
    if (!subnet) {
      errs.push(`invalid subnet ${cfg.Subnet ?? ''}: invalid CIDR block notation`);
      continue;
    }
    if (!enableIPv6 && subnet.family === 6) continue;
    if (!isMasked(subnet)) errs.push(`invalid subnet ${asWritten(subnet)}: it should be ${cidrString(subnet)}`);
    errs.push(...checkRange(cfg.IPRange, subnet));
    const gw = checkAddress(cfg.Gateway, subnet);
    if (gw) errs.push(`invalid gateway ${cfg.Gateway}: ${gw}`);
    for (const [name, aux] of Object.entries(cfg.AuxiliaryAddresses ?? {})) {
      const e = checkAddress(aux, subnet);
      if (e) errs.push(`invalid auxiliary address ${name}: ${e}`);
    }
  }
  if (errs.length) throw new InvalidArgumentError(`invalid network config:\n${joined(errs)}`);
}

function ipamPools(raw: unknown): IPAMConfig[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw typeError('CreateRequest.IPAM.Config', raw, '[]network.IPAMConfig');
  return raw.map((item) => {
    const o = object(item, 'CreateRequest.IPAM.Config', 'network.IPAMConfig') ?? {};
    const owner = 'IPAMConfig';
    return {
      Subnet: str(o, 'Subnet', owner), IPRange: str(o, 'IPRange', owner), Gateway: str(o, 'Gateway', owner),
      AuxiliaryAddresses: strMap(o, 'AuxiliaryAddresses', owner),
    };
  });
}

function toPool(c: IPAMConfig): IpamPoolConfig {
  const pool: IpamPoolConfig = { subnet: c.Subnet! };
  if (c.Gateway) pool.gateway = c.Gateway;
  if (c.IPRange) pool.ipRange = c.IPRange;
  if (c.AuxiliaryAddresses && Object.keys(c.AuxiliaryAddresses).length) pool.auxAddresses = { ...c.AuxiliaryAddresses };
  return pool;
}

/**
 * Checks a `POST /networks/create` body as Docker's daemon does before it reaches the network
 * controller, and turns it into the domain request. What needs the existing networks (a taken
 * name, overlapping pools) is the controller's to refuse.
 * @throws {ForbiddenError} for a predefined name or a swarm-only feature
 * @throws {InvalidArgumentError} for a malformed body, bad pools or a bad option
 */
export function toCreateRequest(raw: unknown): NetworkCreateRequest {
  const body = object(raw ?? {}, 'CreateRequest', 'network.CreateRequest')!;
  const owner = 'CreateRequest';
  const name = str(body, 'Name', owner) ?? '';
  if (isPredefinedName(name)) throw new ForbiddenError(`operation is not permitted on predefined ${name} network `);
  const driver = str(body, 'Driver', owner) || 'bridge';
  if (driver === 'overlay') {
    throw new ForbiddenError('This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.');
  }
  const scope = str(body, 'Scope', owner);
  if (scope && scope !== 'local') throw new InvalidArgumentError(`berth supports only local networks: scope "${scope}" is not supported`);
  if (bool(body, 'Ingress', owner)) throw new InvalidArgumentError('berth does not support ingress networks (they need swarm mode)');
  if (bool(body, 'ConfigOnly', owner)) throw new InvalidArgumentError('berth does not support config-only networks');
  const configFrom = object(body['ConfigFrom'], 'CreateRequest.ConfigFrom', 'network.ConfigReference');
  if (configFrom && str(configFrom, 'Network', 'ConfigReference')) throw new InvalidArgumentError('berth does not support --config-from networks');
  const options = strMap(body, 'Options', owner) ?? {};
  const labels = strMap(body, 'Labels', owner) ?? {};
  let enableIPv4 = bool(body, 'EnableIPv4', owner);
  if (enableIPv4 !== undefined) delete options[OPT_ENABLE_IPV4];
  else enableIPv4 = OPT_ENABLE_IPV4 in options ? parseBoolOption(options[OPT_ENABLE_IPV4]!, OPT_ENABLE_IPV4) : true;
  let enableIPv6 = bool(body, 'EnableIPv6', owner);
  if (enableIPv6 !== undefined) delete options[OPT_ENABLE_IPV6];
  else enableIPv6 = OPT_ENABLE_IPV6 in options ? parseBoolOption(options[OPT_ENABLE_IPV6]!, OPT_ENABLE_IPV6) : false;
  const ipam = object(body['IPAM'], 'CreateRequest.IPAM', 'network.IPAM');
  const pools = ipam ? ipamPools(ipam['Config']) : [];
  validateIpamPools(pools, enableIPv6);
  if (!name.trim()) throw new InvalidArgumentError('invalid name: name is empty');
  return {
    name,
    driver,
    internal: bool(body, 'Internal', owner) ?? false,
    attachable: bool(body, 'Attachable', owner) ?? false,
    enableIPv4,
    enableIPv6,
    options,
    labels,
    ipam: {
      driver: (ipam && str(ipam, 'Driver', 'IPAM')) || 'default',
      options: (ipam && strMap(ipam, 'Options', 'IPAM')) ?? {},
      // IPv6 pools of a network without IPv6 are kept unchecked, as Docker keeps them (unused)
      config: pools.map(toPool),
    },
  };
}

const MAC = /^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/;

/** The endpoint half of a connect body, type-checked. */
export function parseEndpointBody(raw: unknown): EndpointConfigRequest {
  const o = object(raw, 'ConnectRequest.EndpointConfig', 'network.EndpointSettings');
  if (!o) return {};
  const owner = 'EndpointSettings';
  const ipam = object(o['IPAMConfig'], 'EndpointSettings.IPAMConfig', 'network.EndpointIPAMConfig');
  const gw = o['GwPriority'];
  if (gw !== undefined && gw !== null && (typeof gw !== 'number' || !Number.isInteger(gw))) throw typeError('EndpointSettings.GwPriority', gw, 'int');
  return {
    IPAMConfig: ipam ? { IPv4Address: str(ipam, 'IPv4Address', 'EndpointIPAMConfig'), IPv6Address: str(ipam, 'IPv6Address', 'EndpointIPAMConfig'), LinkLocalIPs: strList(ipam, 'LinkLocalIPs', 'EndpointIPAMConfig') } : undefined,
    Links: strList(o, 'Links', owner),
    Aliases: strList(o, 'Aliases', owner),
    MacAddress: str(o, 'MacAddress', owner),
    DriverOpts: strMap(o, 'DriverOpts', owner),
    GwPriority: typeof gw === 'number' ? gw : undefined,
  };
}

/**
 * Docker's validateEndpointSettings for a connect: static addresses and aliases only on user
 * networks, well-formed addresses inside the network's pools, a valid MAC, per-interface
 * sysctls in the IFNAME form.
 * @throws {InvalidArgumentError} "invalid endpoint settings:\n…" listing every problem
 */
export function validateEndpoint(net: NetworkRecord, ep: EndpointConfigRequest): void {
  const errs: string[] = [];
  const v4 = ep.IPAMConfig?.IPv4Address ?? '';
  const v6 = ep.IPAMConfig?.IPv6Address ?? '';
  if (!isUserDefinedName(net.name)) {
    if (v4 || v6) errs.push('user specified IP address is supported on user defined networks only');
    if (ep.Aliases?.length) errs.push('network-scoped alias is supported only for containers in user defined networks');
  }
  const a4 = v4 ? parseIp(v4) : undefined;
  const a6 = v6 ? parseIp(v6) : undefined;
  if (v4 && (!a4 || a4.family !== 4 || a4.value === 0n)) errs.push(`invalid IPv4 address: ${v4}`);
  if (v6 && (!a6 || a6.family !== 6 || a6.value === 0n)) errs.push(`invalid IPv6 address: ${v6}`);
  for (const ll of ep.IPAMConfig?.LinkLocalIPs ?? []) {
    const a = parseIp(ll);
    if (!a || a.value === 0n) errs.push(`invalid link-local IP address: ${ll}`);
  }
  const inPools = (addr: string, family: 4 | 6): string | undefined => {
    const a = parseIp(addr);
    if (!a || a.family !== family) return undefined;
    const pools = net.ipam.config.map((p) => parseCidr(p.ipRange || p.subnet)).filter((p): p is Cidr => !!p && p.family === family);
    if (pools.length === 0) return 'user specified IP address is supported only when connecting to networks with user configured subnets';
    return pools.some((p) => containsIp(p, a)) ? undefined : `no configured subnet or ip-range contain the IP address ${addr}`;
  };
  if (isUserDefinedName(net.name)) {
    const e4 = v4 ? inPools(v4, 4) : undefined;
    if (e4) errs.push(e4);
    const e6 = v6 ? inPools(v6, 6) : undefined;
    if (e6) errs.push(e6);
  }
  if (ep.MacAddress && !MAC.test(ep.MacAddress)) throw new InvalidArgumentError(`invalid MAC address ${ep.MacAddress}`);
  const sysctls = ep.DriverOpts?.[ENDPOINT_SYSCTLS];
  if (sysctls !== undefined) {
    for (const s of sysctls.split(',')) {
      const parts = s.split('.');
      const [, family, , ifname] = parts;
      if (parts.length < 5 || !['ipv4', 'ipv6', 'mpls'].includes(family!) || (ifname !== 'IFNAME' && ifname !== 'ifname')) {
        errs.push(`unrecognised network interface sysctl '${s}'; represent 'net.X.Y.ethN.Z=V' as 'net.X.Y.IFNAME.Z=V', 'X' must be 'ipv4', 'ipv6' or 'mpls'`);
      }
    }
  }
  if (errs.length) throw new InvalidArgumentError(`invalid endpoint settings:\n${joined(errs)}`);
}

/** The domain form of an endpoint body (absent fields stay absent). */
export function toEndpointConfig(ep: EndpointConfigRequest): EndpointConfig {
  const out: EndpointConfig = {};
  if (ep.Aliases?.length) out.aliases = [...ep.Aliases];
  if (ep.IPAMConfig?.IPv4Address) out.ipv4 = ep.IPAMConfig.IPv4Address;
  if (ep.IPAMConfig?.IPv6Address) out.ipv6 = ep.IPAMConfig.IPv6Address;
  if (ep.Links?.length) out.links = [...ep.Links];
  if (ep.MacAddress) out.mac = ep.MacAddress.toLowerCase().replaceAll('-', ':');
  if (ep.DriverOpts && Object.keys(ep.DriverOpts).length) out.driverOpts = { ...ep.DriverOpts };
  if (ep.GwPriority) out.gwPriority = ep.GwPriority;
  return out;
}
