import { ForbiddenError, InternalError, InvalidArgumentError } from '../../lib/errors/index.js';
import type { IpamPoolConfig } from '../types.js';
import { containsIp, formatIp, lastOf, parseCidr, parseIp, sizeOf, type Cidr, type Family } from './cidr.js';

/** Which network a pool belongs to, for Docker's messages. */
export interface PoolOwner {
  name: string;
  id: string;
}

/**
 * The addresses of one subnet of a network. Never handed out: the network address, IPv4's
 * broadcast, the gateway and the aux addresses. Dynamic addresses come from the ip-range
 * (the whole subnet when none), in order, continuing after the last one given so an address
 * just released is not handed to the next container at once (a stale ARP entry or connection
 * would reach the wrong one).
 */
export class AddressPool {
  readonly family: Family;
  readonly subnet: Cidr;
  readonly gateway: string;
  private readonly range: Cidr;
  private readonly reserved = new Set<bigint>();
  private readonly used = new Set<bigint>();
  private cursor: bigint;

  constructor(cfg: IpamPoolConfig) {
    const subnet = parseCidr(cfg.subnet);
    if (!subnet) throw new InvalidArgumentError(`invalid subnet ${cfg.subnet}`);
    this.subnet = subnet;
    this.family = subnet.family;
    this.range = cfg.ipRange ? parseCidr(cfg.ipRange) ?? subnet : subnet;
    this.reserved.add(subnet.network);
    if (this.family === 4 && subnet.prefixLen < 31) this.reserved.add(lastOf(subnet));
    const gw = cfg.gateway ? parseIp(cfg.gateway) : { family: this.family, value: subnet.network + 1n };
    this.gateway = gw ? formatIp(this.family, gw.value) : '';
    if (gw) this.reserved.add(gw.value);
    for (const a of Object.values(cfg.auxAddresses ?? {})) {
      const ip = parseIp(a);
      if (ip && ip.family === this.family) this.reserved.add(ip.value);
    }
    this.cursor = this.range.network;
  }

  /** True when the address lies in this pool's subnet. */
  contains(address: string): boolean {
    const ip = parseIp(address);
    return !!ip && containsIp(this.subnet, ip);
  }

  /** True when the address is handed out. */
  isUsed(address: string): boolean {
    const ip = parseIp(address);
    return !!ip && this.used.has(ip.value);
  }

  /**
   * Takes `preferred` (anywhere in the subnet, as Docker allows a static address outside the
   * ip-range) or the next free one of the range; undefined when the range is full.
   * @throws ForbiddenError "Address already in use" for a taken or reserved preferred address.
   */
  take(preferred?: string): string | undefined {
    if (preferred !== undefined) {
      const ip = parseIp(preferred)!;
      if (this.used.has(ip.value) || this.reserved.has(ip.value)) throw new ForbiddenError('Address already in use');
      this.used.add(ip.value);
      return formatIp(this.family, ip.value);
    }
    const first = this.range.network;
    const size = sizeOf(this.range);
    // Only the addresses already taken can be skipped, so the walk is short even for an IPv6 /64.
    const bound = BigInt(this.used.size + this.reserved.size + 1);
    const steps = size < bound ? size : bound;
    let v = this.cursor < first || this.cursor > lastOf(this.range) ? first : this.cursor;
    for (let i = 0n; i < steps; i++) {
      if (!this.used.has(v) && !this.reserved.has(v)) {
        this.used.add(v);
        this.cursor = v + 1n > lastOf(this.range) ? first : v + 1n;
        return formatIp(this.family, v);
      }
      v = v + 1n > lastOf(this.range) ? first : v + 1n;
    }
    return undefined;
  }

  release(address: string): void {
    const ip = parseIp(address);
    if (ip) this.used.delete(ip.value);
  }
}

/** The pools of one network, both families. */
export class NetworkIpam {
  readonly pools: AddressPool[];

  constructor(readonly owner: PoolOwner, config: IpamPoolConfig[]) {
    this.pools = config.map((c) => new AddressPool(c));
  }

  has(family: Family): boolean {
    return this.pools.some((p) => p.family === family);
  }

  /** The first pool of a family (its subnet and gateway are the endpoint's). */
  first(family: Family): AddressPool | undefined {
    return this.pools.find((p) => p.family === family);
  }

  /** The pool holding an address. */
  poolOf(address: string): AddressPool | undefined {
    return this.pools.find((p) => p.contains(address));
  }

  /**
   * An address of the family: `preferred` when given (it must lie in one of the subnets),
   * else the next free one.
   */
  allocate(family: Family, preferred?: string): { address: string; pool: AddressPool } {
    if (preferred !== undefined && preferred !== '') {
      const ip = parseIp(preferred);
      if (!ip || ip.family !== family) throw new InvalidArgumentError(`invalid IPv${family} address: ${preferred}`);
      const pool = this.poolOf(preferred);
      if (!pool) throw new InvalidArgumentError(`invalid endpoint settings:\nno configured subnet or ip-range contain the IP address ${preferred}`);
      return { address: pool.take(preferred)!, pool };
    }
    for (const pool of this.pools) {
      if (pool.family !== family) continue;
      const address = pool.take();
      if (address) return { address, pool };
    }
    throw new InternalError(`no available IPv${family} addresses on this network's address pools: ${this.owner.name} (${this.owner.id})`);
  }

  release(address: string): void {
    this.poolOf(address)?.release(address);
  }

  isUsed(address: string): boolean {
    return !!this.poolOf(address)?.isUsed(address);
  }
}

/** Docker's MAC for an IPv4 address: the locally administered prefix 02:42, then the address's four bytes. */
export function macFromIpv4(address: string): string {
  const ip = parseIp(address);
  if (!ip || ip.family !== 4) throw new InvalidArgumentError(`invalid IPv4 address: ${address}`);
  const bytes = [0x02, 0x42, ...[24n, 16n, 8n, 0n].map((s) => Number((ip.value >> s) & 0xffn))];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** A random locally administered unicast MAC, for endpoints with no IPv4 address. */
export function randomMac(random: (n: number) => Buffer): string {
  const b = random(6);
  b[0] = (b[0]! & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
