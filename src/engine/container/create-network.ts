import { isIP } from 'node:net';
import { InvalidArgumentError, isNotFound } from '../../lib/errors/index.js';
import type { EndpointConfig, NetworkController } from '../../network/index.js';
import type { ContainerRecord } from './model.js';
import { mergeExposedPorts, normalizePortBindings, type PortBindings } from './ports.js';
import type { EndpointConfigRequest } from '../../api/network.js';

/** Modes that are not a network of their own: the container joins a namespace it does not own. */
export const isUserDefined = (mode: string): boolean => !['', 'default', 'bridge', 'host', 'none'].includes(mode) && !mode.startsWith('container:');

/** What create keeps of the request's networking, checked. */
export interface CreateNetworking {
  networkMode: string;
  /** By network name, NetworkMode's network first; absent for host, none and container modes. */
  endpointsConfig?: Record<string, EndpointConfig>;
  portBindings?: PortBindings;
  exposedPorts?: Record<string, Record<string, never>>;
  warnings: string[];
}

export interface NetworkingLookups {
  /** Networks by name, id or prefix; without it only the predefined ones exist. */
  networks?: Pick<NetworkController, 'get'>;
  /** Containers by name or id. @throws NotFoundError */
  container(ref: string): Pick<ContainerRecord, 'id' | 'name'>;
}

/** "name[:alias]" of --link, with Docker's message for a bad one. */
export function parseLink(link: string): { name: string; alias: string } {
  const parts = link.split(':');
  if (parts.length > 2 || parts.some((p) => p.replace(/^\//, '') === '')) throw new InvalidArgumentError(`bad format for links: ${link}`);
  const name = parts[0]!.replace(/^\//, '');
  return { name, alias: (parts[1] ?? name).replace(/^\//, '') };
}

/**
 * Checks NetworkMode, NetworkingConfig.EndpointsConfig, ports, links, DNS and host entries
 * against each other with Docker's rules and messages, and resolves the networks to join.
 */
export function resolveCreateNetworking(req: Record<string, unknown>, lookups: NetworkingLookups): CreateNetworking {
  const hc = (req.HostConfig ?? {}) as Record<string, unknown>;
  let mode = typeof hc.NetworkMode === 'string' ? hc.NetworkMode : '';
  if (mode === '' || mode === 'default') mode = 'bridge';
  const warnings: string[] = [];
  const links = (hc.Links ?? []) as string[];
  const hostname = typeof req.Hostname === 'string' ? req.Hostname : '';
  const configMac = typeof req.MacAddress === 'string' ? req.MacAddress : '';
  let bindings = normalizePortBindings(hc.PortBindings);
  const hasBindings = !!bindings && Object.values(bindings).some((b) => (b ?? []).length > 0);
  const exposedRaw = (req.ExposedPorts ?? undefined) as Record<string, unknown> | undefined;
  for (const l of links) parseLink(l);

  const container = mode.startsWith('container:') ? mode.slice('container:'.length) : undefined;
  if (container !== undefined) {
    if (container === '') throw new InvalidArgumentError('Invalid network mode: invalid container format container:<name|id>');
    if (hostname !== '') throw new InvalidArgumentError('conflicting options: hostname and the network mode');
    if (links.length) throw new InvalidArgumentError("conflicting options: container type network can't be used with links. This would result in undefined behavior");
    if (((hc.Dns ?? []) as string[]).length) throw new InvalidArgumentError('conflicting options: dns and the network mode');
    if (((hc.ExtraHosts ?? []) as string[]).length) throw new InvalidArgumentError('conflicting options: custom host-to-IP mapping and the network mode');
    if (hasBindings || hc.PublishAllPorts === true) throw new InvalidArgumentError('conflicting options: port publishing and the container type network mode');
    if (exposedRaw && Object.keys(exposedRaw).length) throw new InvalidArgumentError('conflicting options: port exposing and the container type network mode');
    // Docker's 400, not 404: a 404 would make the docker CLI pull the image and try again.
    try {
      lookups.container(container);
    } catch (err) {
      if (isNotFound(err)) throw new InvalidArgumentError(`No such container: ${container}`, { cause: err });
      throw err;
    }
  }
  if ((container !== undefined || mode === 'host') && configMac) throw new InvalidArgumentError('conflicting options: mac-address and the network mode');
  if (mode === 'host' && links.length) throw new InvalidArgumentError("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
  if (mode === 'host' && hasBindings) {
    warnings.push('Published ports are discarded when using host network mode');
    bindings = undefined;
  }

  const raw = endpointsOf(req.NetworkingConfig);
  const shared = mode === 'host' || mode === 'none' || container !== undefined;
  if (shared) {
    for (const [key, ep] of Object.entries(raw)) {
      const name = key === 'default' ? 'bridge' : key;
      if (name !== mode) {
        throw new InvalidArgumentError(mode === 'none'
          ? 'container cannot be connected to multiple networks with one of the networks in private (none) mode'
          : 'container sharing network namespace with another container or host cannot be connected to any other network');
      }
      checkEndpoint(name, ep);
      if (ep.MacAddress && mode !== 'none') throw new InvalidArgumentError('conflicting options: mac-address and the network mode');
    }
    return { networkMode: mode, portBindings: bindings, exposedPorts: mergeExposedPorts(exposedRaw, bindings), warnings };
  }

  const endpointsConfig: Record<string, EndpointConfig> = {};
  const primary = networkName(mode, lookups);
  const entries = Object.entries(raw).map(([key, ep]) => [key === 'default' ? 'bridge' : key, ep] as const);
  // NetworkMode's network is joined first (its interface is eth0 and carries the default route).
  entries.sort(([a], [b]) => Number(networkName(b, lookups) === primary) - Number(networkName(a, lookups) === primary));
  if (!entries.some(([k]) => networkName(k, lookups) === primary)) entries.unshift([mode, {}]);
  for (const [key, ep] of entries) {
    const name = networkName(key, lookups);
    if (name === 'host' || name === 'none') throw new InvalidArgumentError('container sharing network namespace with another container or host cannot be connected to any other network');
    checkEndpoint(name, ep);
    if (endpointsConfig[name]) throw new InvalidArgumentError(`network "${name}" is specified multiple times`);
    endpointsConfig[name] = endpointOf(ep);
  }
  // The deprecated container-wide MAC address belongs to NetworkMode's endpoint.
  if (configMac) {
    if (!isMac(configMac)) throw new InvalidArgumentError(`invalid MAC address: ${configMac}`);
    const first = endpointsConfig[primary]!;
    if (first.mac && first.mac.toLowerCase() !== configMac.toLowerCase()) {
      throw new InvalidArgumentError('the container-wide MAC address must match the endpoint-specific MAC address for the main network, or be left empty');
    }
    first.mac = configMac;
  }
  for (const l of isUserDefined(primary) ? [] : links) {
    const { name } = parseLink(l);
    try {
      lookups.container(name);
    } catch (err) {
      if (isNotFound(err)) throw new InvalidArgumentError(`could not get container for ${name}: No such container: ${name}`, { cause: err });
      throw err;
    }
  }
  return { networkMode: mode, endpointsConfig, portBindings: bindings, exposedPorts: mergeExposedPorts(exposedRaw, bindings), warnings };
}

type WireEndpoint = EndpointConfigRequest;

function endpointsOf(nc: unknown): Record<string, WireEndpoint> {
  if (nc === undefined || nc === null) return {};
  if (typeof nc !== 'object' || Array.isArray(nc)) throw new InvalidArgumentError('invalid JSON: NetworkingConfig must be an object');
  const eps = (nc as { EndpointsConfig?: unknown }).EndpointsConfig;
  if (eps === undefined || eps === null) return {};
  if (typeof eps !== 'object' || Array.isArray(eps)) throw new InvalidArgumentError('invalid JSON: EndpointsConfig must be an object');
  for (const [k, v] of Object.entries(eps)) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InvalidArgumentError(`no EndpointSettings for ${k}`);
  }
  return eps as Record<string, WireEndpoint>;
}

/**
 * A network's name, for the ones that exist now. Docker checks the network at start, not at
 * create ("failed to set up container networking: network X not found"): a 404 from create
 * would make the docker CLI go and pull the image. So an unknown one is kept as given.
 */
function networkName(ref: string, lookups: NetworkingLookups): string {
  if (!lookups.networks) return ref;
  try {
    return lookups.networks.get(ref).name;
  } catch (err) {
    if (isNotFound(err)) return ref;
    throw err;
  }
}

const isMac = (s: string): boolean => /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(s.trim());

/** Docker's per-endpoint rules; predefined networks take neither addresses nor aliases. */
function checkEndpoint(name: string, ep: WireEndpoint): void {
  const errs: string[] = [];
  const ipam = ep.IPAMConfig ?? {};
  if (!isUserDefined(name)) {
    if (ipam.IPv4Address || ipam.IPv6Address) errs.push('user specified IP address is supported on user defined networks only');
    if ((ep.Aliases ?? []).length) errs.push('network-scoped alias is supported only for containers in user defined networks');
  }
  if (ipam.IPv4Address && isIP(ipam.IPv4Address) !== 4) errs.push(`invalid IPv4 address: ${ipam.IPv4Address}`);
  if (ipam.IPv6Address && isIP(ipam.IPv6Address) !== 6) errs.push(`invalid IPv6 address: ${ipam.IPv6Address}`);
  if (errs.length) throw new InvalidArgumentError(`invalid endpoint settings:\n${errs.join('\n')}`);
  if (ep.MacAddress && !isMac(ep.MacAddress)) throw new InvalidArgumentError(`invalid MAC address: ${ep.MacAddress}`);
  for (const l of ep.Links ?? []) parseLink(l);
}

/** The wire EndpointSettings as berth keeps it. */
export function endpointOf(ep: WireEndpoint): EndpointConfig {
  const out: EndpointConfig = {};
  if (ep.Aliases?.length) out.aliases = [...ep.Aliases];
  if (ep.IPAMConfig?.IPv4Address) out.ipv4 = ep.IPAMConfig.IPv4Address;
  if (ep.IPAMConfig?.IPv6Address) out.ipv6 = ep.IPAMConfig.IPv6Address;
  if (ep.Links?.length) out.links = [...ep.Links];
  if (ep.MacAddress) out.mac = ep.MacAddress.trim();
  if (ep.DriverOpts && Object.keys(ep.DriverOpts).length) out.driverOpts = { ...ep.DriverOpts };
  if (typeof ep.GwPriority === 'number' && ep.GwPriority !== 0) out.gwPriority = ep.GwPriority;
  return out;
}
