import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { CleanupStack } from '../../lib/sync/cleanup-stack.js';
import { shortId } from '../../lib/ids/index.js';
import { macFromIpv4, randomMac, type NetworkIpam } from '../ipam/pool.js';
import type { EndpointConfig, EndpointState, NetworkPlan, NetworkRecord } from '../types.js';
import { isBridge, type KernelNames } from './plan.js';

export interface NewEndpointInput {
  rec: NetworkRecord;
  plan: NetworkPlan;
  ipam: NetworkIpam;
  cfg: EndpointConfig;
  ifname: string;
  containerId: string;
  containerName: string;
  names: KernelNames;
  /** Gets the release of every address taken. */
  undo: CleanupStack;
}

const outside = (a: string): string => `invalid endpoint settings:\nno configured subnet or ip-range contain the IP address ${a}`;

/**
 * The facts of a new endpoint: its addresses (asked for or the next free), MAC (from the IPv4
 * address as Docker derives it, unless --mac-address), a new endpoint id, the host veth name and
 * the names DNS answers for it. Only the default bridge refuses static addresses and aliases, as
 * in Docker; it has no name resolution either.
 */
export function newEndpoint(input: NewEndpointInput): EndpointState {
  const { rec, plan, ipam, cfg, undo } = input;
  const userDefined = !rec.predefined;
  if (!userDefined && (cfg.ipv4 || cfg.ipv6)) throw new InvalidArgumentError('user specified IP address is supported on user defined networks only');
  if (!userDefined && cfg.aliases?.length) throw new InvalidArgumentError('network-scoped alias is supported only for containers in user defined networks');
  let ipv4 = '';
  let ipv6 = '';
  if (plan.v4) {
    ipv4 = ipam.allocate(4, cfg.ipv4 || undefined).address;
    undo.push(() => ipam.release(ipv4));
  } else if (cfg.ipv4) throw new InvalidArgumentError(outside(cfg.ipv4));
  if (plan.v6) {
    ipv6 = ipam.allocate(6, cfg.ipv6 || undefined).address;
    undo.push(() => ipam.release(ipv6));
  } else if (cfg.ipv6) throw new InvalidArgumentError(outside(cfg.ipv6));
  const aliases = [...(cfg.aliases ?? [])];
  return {
    networkId: rec.id,
    networkName: rec.name,
    endpointId: randomBytes(32).toString('hex'),
    hostIfname: isBridge(rec) ? input.names.hostVeth(input.containerId, rec.id) : '',
    ifname: input.ifname,
    mac: cfg.mac || (ipv4 ? macFromIpv4(ipv4) : randomMac(randomBytes)),
    ipv4,
    prefixLen: ipv4 ? plan.v4!.prefixLen : 0,
    gateway: ipv4 && !rec.internal ? plan.v4!.gateway : '',
    ipv6,
    prefixLen6: ipv6 ? plan.v6!.prefixLen : 0,
    gateway6: ipv6 && !rec.internal ? plan.v6!.gateway : '',
    aliases,
    dnsNames: userDefined ? [input.containerName, ...aliases, shortId(input.containerId)].filter((n) => n) : [],
  };
}
