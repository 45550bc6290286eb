import { ConflictError, ForbiddenError, InvalidArgumentError, NotFoundError } from '../../lib/errors/index.js';
import { rfc3339Nano } from '../../lib/time/rfc3339.js';
import { containsCidr, containsIp, formatIp, overlaps, parseCidr, parseIp, type Cidr, type Family } from '../ipam/cidr.js';
import { chooseSubnet, takenPrefixes, type AddressPoolSpec, type HostRoute } from '../ipam/default-pools.js';
import type { IpamPoolConfig, NetworkCreateRequest, NetworkRecord } from '../types.js';
import { BRIDGE_NAME_OPT, MTU_OPT } from './plan.js';

/** The drivers `network create` can make. */
export const CREATABLE_DRIVERS = new Set(['bridge', 'macvlan', 'ipvlan']);

/** What a new network is checked against. */
export interface CreateContext {
  id: string;
  now: number;
  existing: NetworkRecord[];
  /** The kernel bridge device of an existing network ('' for non-bridge ones). */
  bridgeNameOf: (rec: NetworkRecord) => string;
  /** The bridge device the new network would get without the name option. */
  defaultBridgeName: string;
  pools: readonly AddressPoolSpec[];
  ulaPool: AddressPoolSpec;
  hostRoutes: HostRoute[];
  /** Our own devices: their routes are our networks, already counted. */
  ownDevices: ReadonlySet<string>;
}

/**
 * Checks a create request the way dockerd does and fills in what it leaves out (subnets from
 * the default pools, gateways as the first host address). Touches nothing: the caller makes the
 * devices and stores the record only once this returned.
 */
export function recordForCreate(req: NetworkCreateRequest, ctx: CreateContext): NetworkRecord {
  const name = req.name.trim();
  if (!name) throw new InvalidArgumentError('network name must not be empty');
  if (ctx.existing.some((r) => r.name === name)) throw new ConflictError(`network with name ${name} already exists`);
  const driver = req.driver || 'bridge';
  if (driver === 'host' || driver === 'null') throw new ForbiddenError(`only one instance of "${driver}" network is allowed`);
  if (!CREATABLE_DRIVERS.has(driver)) throw new NotFoundError(`could not find plugin ${driver} in v1 plugin registry: plugin not found`);
  const ipamDriver = req.ipam.driver || 'default';
  if (ipamDriver !== 'default') throw new NotFoundError(`could not find plugin ${ipamDriver} in v1 plugin registry: plugin not found`);

  const options = { ...req.options };
  const mtu = options[MTU_OPT];
  if (mtu !== undefined && (!/^[0-9]+$/.test(mtu) || Number(mtu) < 68 || Number(mtu) > 65535)) {
    throw new InvalidArgumentError(`invalid MTU number: ${mtu}`);
  }
  if (driver === 'bridge') {
    const bridgeName = options[BRIDGE_NAME_OPT] || ctx.defaultBridgeName;
    if (bridgeName.length > 15 || !/^[A-Za-z0-9_.-]+$/.test(bridgeName)) throw new InvalidArgumentError(`invalid bridge name: ${bridgeName}`);
    const other = ctx.existing.find((r) => ctx.bridgeNameOf(r) === bridgeName);
    if (other) throw new ForbiddenError(`cannot create network ${ctx.id} (${bridgeName}): conflicts with network ${other.id} (${ctx.bridgeNameOf(other)}): networks have same bridge name`);
  } else if (options.parent !== undefined && !/^[A-Za-z0-9_.@-]{1,15}$/.test(options.parent)) {
    throw new InvalidArgumentError(`invalid parent interface name: ${options.parent}`);
  }

  const enableIPv4 = req.enableIPv4 !== false;
  const config: IpamPoolConfig[] = [];
  const mine: Cidr[] = [];
  const othersTaken = takenPrefixes(ctx.existing.flatMap((r) => r.ipam.config.map((c) => c.subnet)), [], new Set());
  for (const given of req.ipam.config) config.push(checkPool(given, othersTaken, mine));

  const has = (f: Family): boolean => mine.some((c) => c.family === f);
  const routesTaken = takenPrefixes([], ctx.hostRoutes, ctx.ownDevices);
  if (enableIPv4 && !has(4)) {
    const subnet = chooseSubnet(ctx.pools, 4, [...othersTaken, ...routesTaken]);
    config.push(withGateway({ subnet }));
  }
  if (req.enableIPv6 && !has(6)) {
    const subnet = chooseSubnet([ctx.ulaPool], 6, [...othersTaken, ...routesTaken]);
    config.push(withGateway({ subnet }));
  }
  if (!enableIPv4 && !req.enableIPv6) throw new InvalidArgumentError('network must have either IPv4 or IPv6 enabled');

  return {
    id: ctx.id, name, driver, scope: 'local', created: rfc3339Nano(ctx.now), internal: !!req.internal, attachable: !!req.attachable, ingress: false,
    enableIPv4, enableIPv6: !!req.enableIPv6, options, labels: { ...req.labels },
    ipam: { driver: 'default', options: { ...req.ipam.options }, config }, predefined: false,
  };
}

/** One --subnet with its --gateway, --ip-range and --aux-address, as dockerd checks them. */
function checkPool(given: IpamPoolConfig, taken: Cidr[], mine: Cidr[]): IpamPoolConfig {
  if (!given.subnet) {
    if (given.gateway || given.ipRange || Object.keys(given.auxAddresses ?? {}).length) throw new InvalidArgumentError('ip-range, gateway and aux-addresses need a subnet');
    throw new InvalidArgumentError('invalid pool request: subnet missing');
  }
  const subnet = parseCidr(given.subnet);
  if (!subnet) throw new InvalidArgumentError(`invalid CIDR address: ${given.subnet}`);
  if (subnet.family === 4 ? subnet.prefixLen > 30 : subnet.prefixLen > 126) throw new InvalidArgumentError(`invalid subnet ${given.subnet}: too small for a network`);
  if (subnet.network !== subnet.address) throw new InvalidArgumentError(`invalid subnet ${given.subnet}: it should be ${formatIp(subnet.family, subnet.network)}/${subnet.prefixLen}`);
  if (taken.some((t) => overlaps(t, subnet)) || mine.some((t) => overlaps(t, subnet))) {
    throw new ForbiddenError('invalid pool request: Pool overlaps with other one on this address space');
  }
  const out: IpamPoolConfig = { subnet: given.subnet };
  if (given.ipRange) {
    const range = parseCidr(given.ipRange);
    if (!range) throw new InvalidArgumentError(`invalid CIDR address: ${given.ipRange}`);
    if (!containsCidr(subnet, range)) throw new InvalidArgumentError(`no matching subnet for range ${given.ipRange}`);
    out.ipRange = given.ipRange;
  }
  if (given.gateway) {
    const gw = parseIp(given.gateway);
    if (!gw) throw new InvalidArgumentError(`invalid gateway address ${given.gateway}`);
    if (!containsIp(subnet, gw)) throw new InvalidArgumentError(`no matching subnet for gateway ${given.gateway}`);
    out.gateway = formatIp(gw.family, gw.value);
  }
  const aux = given.auxAddresses ?? {};
  if (Object.keys(aux).length) {
    out.auxAddresses = {};
    for (const [k, v] of Object.entries(aux)) {
      const ip = parseIp(v);
      if (!ip || !containsIp(subnet, ip)) throw new InvalidArgumentError(`no matching subnet for aux-address ${v}`);
      out.auxAddresses[k] = v;
    }
  }
  mine.push(subnet);
  return withGateway(out);
}

/** The first host address as gateway when none was given (Docker fills it in and shows it). */
function withGateway(pool: IpamPoolConfig): IpamPoolConfig {
  if (pool.gateway) return pool;
  const c = parseCidr(pool.subnet)!;
  return { ...pool, gateway: formatIp(c.family, c.network + 1n) };
}
