import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { InternalError, InvalidArgumentError } from '../../lib/errors/index.js';
import { parseIp } from '../ipam/cidr.js';
import type { PortMapping, PortProto, PortRequest } from '../types.js';

/** Whose ports these are, for Docker's message ("… on endpoint <name> (<endpoint id>)"). */
export interface PortOwner {
  containerId: string;
  endpointName: string;
  endpointId: string;
}

/** Tries to bind ip:port on the host; the Go-style error text ("bind: address already in use") or undefined when free. */
export type HostPortProbe = (proto: PortProto, ip: string, port: number) => Promise<string | undefined>;

/** A failed publication; its message is Docker's. The start path turns it into a 500, as Docker does. */
export class PortAllocationError extends InternalError {
  override readonly code: string = 'ERR_PORT_ALLOCATION';
}

interface Held {
  containerId: string;
  proto: PortProto;
  ip: string;
  port: number;
  containerPort: number;
}

/**
 * Host ports published by containers. A port is taken for an address when another mapping of
 * the same protocol and port sits on an overlapping address (equal, or either one the family's
 * wildcard), or when a host process holds it (checked by binding it for a moment: the kernel's
 * DNAT would otherwise steal that process's traffic without a word).
 */
export class PortAllocator {
  private readonly held: Held[] = [];
  private readonly cursor = new Map<PortProto, number>();
  private readonly range: [number, number];

  constructor(private readonly opts: { range?: [number, number]; probe?: HostPortProbe } = {}) {
    this.range = opts.range ?? readEphemeralRange();
  }

  /**
   * Takes host ports for the requests, all or none. `ipv6`: the container has an IPv6 address,
   * so "every address" includes "::" (the kernel's NAT cannot carry IPv6 to an IPv4-only container).
   * @throws PortAllocationError with Docker's message naming the endpoint.
   */
  async allocate(owner: PortOwner, requests: PortRequest[], ipv6 = false): Promise<PortMapping[]> {
    const made: Held[] = [];
    const fail = (text: string): never => {
      throw new PortAllocationError(`driver failed programming external connectivity on endpoint ${owner.endpointName} (${owner.endpointId}): ${text}`);
    };
    try {
      for (const req of requests) {
        const ips = addressesFor(req.hostIp, ipv6);
        const ranged = req.hostPort !== 0 && req.hostPortEnd !== 0 && req.hostPortEnd !== req.hostPort;
        const [lo, hi] = req.hostPort === 0 ? this.range : [req.hostPort, req.hostPortEnd || req.hostPort];
        if (lo > hi || lo < 0 || hi > 65535) throw new InvalidArgumentError(`invalid host port range ${lo}-${hi}`);
        let chosen: number | undefined;
        let lastError = '';
        const candidates = req.hostPort === 0 ? this.randomOrder(req.proto) : rangeOf(lo, hi);
        for (const port of candidates) {
          const clash = ips.find((ip) => this.clashes(req.proto, ip, port));
          if (clash) {
            lastError = `Bind for ${clash}:${port} failed: port is already allocated`;
            continue;
          }
          // Held before the probe so a concurrent start cannot pick the same port meanwhile.
          const mine = ips.map((ip) => ({ containerId: owner.containerId, proto: req.proto, ip, port, containerPort: req.containerPort }));
          this.held.push(...mine);
          made.push(...mine);
          const hostError = await this.probeAll(req.proto, ips, port);
          if (!hostError) {
            chosen = port;
            if (req.hostPort === 0) this.cursor.set(req.proto, port + 1);
            break;
          }
          this.drop(mine);
          made.splice(made.length - mine.length, mine.length);
          lastError = `Error starting userland proxy: ${hostError}`;
          if (!ranged && req.hostPort !== 0) break;
        }
        if (chosen === undefined) fail(req.hostPort === 0 || !lastError ? 'all ports are allocated' : lastError);
      }
    } catch (err) {
      this.drop(made);
      throw err;
    }
    return made.map((h) => ({ proto: h.proto, containerPort: h.containerPort, hostIp: h.ip, hostPort: h.port }));
  }

  /** Takes the ports of a sandbox that outlived a berthd restart, without any check of the host. */
  adopt(containerId: string, mappings: PortMapping[]): void {
    this.release(containerId);
    for (const m of mappings) this.held.push({ containerId, proto: m.proto, ip: m.hostIp, port: m.hostPort, containerPort: m.containerPort });
  }

  release(containerId: string): void {
    for (let i = this.held.length - 1; i >= 0; i--) if (this.held[i]!.containerId === containerId) this.held.splice(i, 1);
  }

  private clashes(proto: PortProto, ip: string, port: number): boolean {
    return this.held.some((h) => h.proto === proto && h.port === port && overlapping(h.ip, ip));
  }

  private async probeAll(proto: PortProto, ips: string[], port: number): Promise<string | undefined> {
    const probe = this.opts.probe ?? probeHostPort;
    for (const ip of ips) {
      const e = await probe(proto, ip, port);
      if (e) return e;
    }
    return undefined;
  }

  private drop(list: Held[]): void {
    for (const h of list) {
      const i = this.held.indexOf(h);
      if (i >= 0) this.held.splice(i, 1);
    }
  }

  /** The ephemeral range, starting after the port chosen last (as Docker goes round it). */
  private *randomOrder(proto: PortProto): Generator<number> {
    const [lo, hi] = this.range;
    const start = Math.min(Math.max(this.cursor.get(proto) ?? lo, lo), hi);
    for (let p = start; p <= hi; p++) yield p;
    for (let p = lo; p < start; p++) yield p;
  }
}

/** The host addresses one request publishes on: "" means 0.0.0.0, and :: too when the container has IPv6. */
function addressesFor(hostIp: string, ipv6: boolean): string[] {
  if (hostIp === '') return ipv6 ? ['0.0.0.0', '::'] : ['0.0.0.0'];
  if (!parseIp(hostIp)) throw new InvalidArgumentError(`invalid IP address: ${hostIp}`);
  return [hostIp];
}

function* rangeOf(lo: number, hi: number): Generator<number> {
  for (let p = lo; p <= hi; p++) yield p;
}

function overlapping(a: string, b: string): boolean {
  if (a === b) return true;
  const fa = a.includes(':') ? 6 : 4;
  const fb = b.includes(':') ? 6 : 4;
  if (fa !== fb) return false;
  const any = fa === 4 ? '0.0.0.0' : '::';
  return a === any || b === any;
}

/** /proc/sys/net/ipv4/ip_local_port_range, or Linux's default when it cannot be read. */
export function readEphemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo && hi && lo <= hi) return [lo, hi];
  } catch {
    // not Linux or no procfs: the kernel's default below
  }
  return [32768, 60999];
}

const ERRNO_TEXT: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
};

/**
 * Binds the address for a moment to learn whether a host process holds it; the text Go's
 * net.Listen gives ("listen tcp4 0.0.0.0:8080: bind: address already in use"). SCTP is not checked.
 */
export function probeHostPort(proto: PortProto, ip: string, port: number): Promise<string | undefined> {
  const v6 = ip.includes(':');
  const where = `${proto}${v6 ? '6' : '4'} ${v6 ? `[${ip}]` : ip}:${port}`;
  const text = (err: NodeJS.ErrnoException): string => `listen ${where}: bind: ${ERRNO_TEXT[err.code ?? ''] ?? err.message}`;
  if (proto === 'tcp') {
    return new Promise((resolve) => {
      const srv = createServer();
      srv.once('error', (err: NodeJS.ErrnoException) => resolve(text(err)));
      srv.listen({ host: ip, port, ipv6Only: v6, exclusive: true }, () => srv.close(() => resolve(undefined)));
    });
  }
  if (proto === 'udp') {
    return new Promise((resolve) => {
      const sock = createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
      sock.once('error', (err: NodeJS.ErrnoException) => {
        sock.close();
        resolve(text(err));
      });
      sock.bind({ address: ip, port, exclusive: true }, () => sock.close(() => resolve(undefined)));
    });
  }
  return Promise.resolve(undefined);
}
