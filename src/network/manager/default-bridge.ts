import { InvalidArgumentError } from '../../lib/errors/index.js';
import { cidrString, formatIp, overlaps, parseCidr } from '../ipam/cidr.js';
import { chooseDefaultBridge, takenPrefixes, type HostRoute } from '../ipam/default-pools.js';
import type { IpamPoolConfig, NetworkRecord } from '../types.js';

/** What the default bridge's addresses are chosen from. */
export interface DefaultBridgeInput {
  /** --bip: "gateway/len". */
  bip?: string;
  /** --fixed-cidr: where container addresses come from, inside the subnet. */
  fixedCidr?: string;
  /** The bridge device (<tag>0): its own route is no clash. */
  device: string;
  /** The stored bridge record of an earlier start. */
  stored?: NetworkRecord;
  /** Every other network. */
  others: NetworkRecord[];
  routes: HostRoute[];
  warn: (msg: string) => void;
}

/**
 * The default bridge's pool: --bip when given (with a warning when a host route overlaps it:
 * berth obeys, the admin asked for it); else the subnet of the earlier start while nothing on the
 * host overlaps it, so addresses stay put across restarts; else 10.63.0.1/16 or the next free /16 below.
 */
export function defaultBridgeIpam(input: DefaultBridgeInput): IpamPoolConfig[] {
  const { bip, fixedCidr } = input;
  const routesTaken = takenPrefixes([], input.routes, new Set([input.device]));
  let gatewayCidr = bip;
  if (!gatewayCidr) {
    const taken = [...takenPrefixes(input.others.flatMap((r) => r.ipam.config.map((c) => c.subnet)), [], new Set()), ...routesTaken];
    const stored = input.stored?.ipam.config.find((c) => parseCidr(c.subnet)?.family === 4);
    const storedCidr = stored ? parseCidr(stored.subnet) : undefined;
    if (stored?.gateway && storedCidr && !taken.some((t) => overlaps(t, storedCidr))) gatewayCidr = `${stored.gateway}/${storedCidr.prefixLen}`;
    else gatewayCidr = chooseDefaultBridge(taken);
  }
  const c = parseCidr(gatewayCidr);
  if (!c || c.family !== 4) throw new InvalidArgumentError(`invalid --bip ${gatewayCidr}`);
  if (bip) {
    const clash = routesTaken.find((t) => overlaps(t, c));
    if (clash) input.warn(`--bip ${bip} overlaps the host's route to ${cidrString(clash)}: containers on the default bridge may be unreachable`);
  }
  const gateway = c.address === c.network ? c.network + 1n : c.address;
  const pool: IpamPoolConfig = { subnet: cidrString(c), gateway: formatIp(4, gateway) };
  if (fixedCidr) {
    const f = parseCidr(fixedCidr);
    if (!f || f.family !== 4 || !overlaps(f, c) || f.prefixLen < c.prefixLen) throw new InvalidArgumentError(`invalid --fixed-cidr ${fixedCidr}: it must lie inside the bridge subnet ${pool.subnet}`);
    pool.ipRange = cidrString(f);
  }
  return [pool];
}
