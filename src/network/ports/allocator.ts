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

/** A host port berth holds open for a published port; `release` closes it. */
export type HostPortClaim = { error: string } | { release: () => void };

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
  /** Closes the socket that keeps the port from host processes (and other engines). */
  release?: () => void;
}

/**
 * Host ports published by containers. A port is taken for an address when another mapping of
 * the same protocol and port sits on an overlapping address (equal, or either one the family's
 * wildcard), or when a host process holds it. The port is then bound by berthd for as long as it
 * is published: the kernel's DNAT takes the traffic before it reaches that socket, but holding it
 * makes the port visibly taken, so a host process, Docker's proxy or a second berthd fails to bind
 * it instead of having its traffic silently stolen by our NAT.
 */
export class PortAllocator {
  private readonly held: Held[] = [];
  private readonly cursor = new Map<PortProto, number>();
  private readonly range: [number, number];

  /**
   * `firstPort`: where random ports start going round the range. berthd starts at a random
   * point, so engines on one host do not all reach for the range's first port (a held socket
   * cannot guard a port while its daemon restarts); tests pass the range's start.
   */
  constructor(private readonly opts: { range?: [number, number]; probe?: HostPortProbe; firstPort?: number } = {}) {
    this.range = opts.range ?? readEphemeralRange();
    const [lo, hi] = this.range;
    const first = opts.firstPort ?? lo + Math.floor(Math.random() * (hi - lo + 1));
    for (const p of ['tcp', 'udp', 'sctp'] as const) this.cursor.set(p, first);
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
          const hostError = await this.claimAll(req.proto, mine);
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

  /**
   * Takes the ports of a sandbox that outlived a berthd restart. They are the container's already
   * (the firewall maps them), so a failure to bind one again is no reason to refuse them.
   */
  async adopt(containerId: string, mappings: PortMapping[]): Promise<void> {
    this.release(containerId);
    const mine = mappings.map((m) => ({ containerId, proto: m.proto, ip: m.hostIp, port: m.hostPort, containerPort: m.containerPort }));
    this.held.push(...mine);
    for (const h of mine) await this.claimAll(h.proto, [h]);
  }

  release(containerId: string): void {
    for (let i = this.held.length - 1; i >= 0; i--) {
      if (this.held[i]!.containerId !== containerId) continue;
      this.held[i]!.release?.();
      this.held.splice(i, 1);
    }
  }

  private clashes(proto: PortProto, ip: string, port: number): boolean {
    return this.held.some((h) => h.proto === proto && h.port === port && overlapping(h.ip, ip));
  }

  /** Binds every address of the port; on the first failure the others are let go again. */
  private async claimAll(proto: PortProto, list: Held[]): Promise<string | undefined> {
    const probe = this.opts.probe;
    const claim = probe
      ? async (p: PortProto, ip: string, port: number): Promise<HostPortClaim> => {
        const error = await probe(p, ip, port);
        return error ? { error } : { release: () => {} };
      }
      : claimHostPort;
    for (const h of list) {
      const c = await claim(proto, h.ip, h.port);
      if ('error' in c) {
        for (const o of list) o.release?.();
        return c.error;
      }
      h.release = c.release;
    }
    return undefined;
  }

  private drop(list: Held[]): void {
    for (const h of list) {
      h.release?.();
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
 * Binds the address and keeps it bound (see PortAllocator). A TCP connection that reaches the
 * socket anyway (the NAT did not apply) is closed at once rather than left hanging; the handles
 * are unref'd so they never keep a process alive. SCTP is not bound.
 */
export function claimHostPort(proto: PortProto, ip: string, port: number): Promise<HostPortClaim> {
  const v6 = ip.includes(':');
  const where = `${proto}${v6 ? '6' : '4'} ${v6 ? `[${ip}]` : ip}:${port}`;
  const text = (err: NodeJS.ErrnoException): string => `listen ${where}: bind: ${ERRNO_TEXT[err.code ?? ''] ?? err.message}`;
  if (proto === 'tcp') {
    return new Promise((resolve) => {
      const srv = createServer((conn) => conn.destroy());
      srv.once('error', (err: NodeJS.ErrnoException) => resolve({ error: text(err) }));
      srv.listen({ host: ip, port, ipv6Only: v6, exclusive: true, backlog: 1 }, () => {
        srv.unref();
        resolve({ release: () => srv.close() });
      });
    });
  }
  if (proto === 'udp') {
    return new Promise((resolve) => {
      const sock = createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
      sock.once('error', (err: NodeJS.ErrnoException) => {
        sock.close();
        resolve({ error: text(err) });
      });
      sock.bind({ address: ip, port, exclusive: true }, () => {
        sock.unref();
        // Datagrams that reach it are dropped unread.
        sock.on('message', () => {});
        resolve({ release: () => sock.close() });
      });
    });
  }
  return Promise.resolve({ release: () => {} });
}

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
