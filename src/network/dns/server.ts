/**
 * berth's embedded DNS server: one UDP and one TCP listener on each user network's gateway
 * address, port 53. Containers' names, short ids and aliases on that network are answered from a
 * DnsLookup (the manager's table of running endpoints); every other name goes to the host's
 * resolvers. Nothing a client sends can throw out of here, make it loop or grow it without bound:
 * malformed packets are dropped or get FORMERR, TCP connections and pipelined queries are capped,
 * forwarded queries are capped by the Forwarder.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { InvalidArgumentError, UnavailableError } from '../../lib/errors/index.js';
import type { DnsLookup, DnsService } from '../types.js';
import { buildResponse, CLASS_ANY, CLASS_IN, clientUdpLimit, parseHeader, parseMessage, RCode, RRType, type Answer, type Message, type Question } from './codec.js';
import { addressFromReverseName, canonicalIPv6 } from './ip.js';
import { Forwarder, HostResolvConf } from './upstream.js';

export interface EmbeddedDnsOptions {
  /** Where container names come from. */
  lookup: DnsLookup;
  /**
   * Upstream servers, asked in order: "addr", "addr:port" or "[v6]:port". Default: the
   * nameservers of the host's /etc/resolv.conf (loopback ones included: berthd runs on the host),
   * re-read when the file changes.
   */
  upstreams?: () => string[];
  /** Warnings (a listener that failed, a broken lookup); rate-limited. */
  log?: (msg: string) => void;
  /** Port to listen on (default 53; tests may use another). */
  port?: number;
  /** TTL of berth's own answers in seconds (default 60, see DEFAULT_TTL). */
  ttl?: number;
  /** Budget for one forwarded query across all upstreams (default 2000 ms). */
  forwardTimeoutMs?: number;
  /** Forwarded queries in flight at once, over all networks (default 256). */
  maxInFlight?: number;
  /**
   * Which clients a network's listener serves (by source address); others are ignored. The
   * gateway address is reachable from the host's other interfaces too, so without this (or a
   * firewall rule) berth would be a resolver for anyone who can route to it. Default: everyone.
   */
  clientAllowed?: (networkId: string, address: string) => boolean;
  /** TCP connections per listener (default 64). */
  maxTcpConnections?: number;
  /** A TCP connection with nothing to do is closed after this long (default 10000 ms). */
  tcpIdleMs?: number;
}

/**
 * Docker answers with a TTL of 600 s. berth uses 60 s: container addresses change when a
 * container is recreated or restarted, and a caching resolver (nscd, dnsmasq, a JVM) would keep the
 * old address for ten minutes; answering is an in-memory lookup, so a short TTL costs nothing.
 */
export const DEFAULT_TTL = 60;
/** Queries one TCP connection may have in flight before berth stops reading from it. */
const TCP_PIPELINE = 16;
const V6_TENTATIVE_WAIT_MS = 3000;

interface Listener {
  address: string;
  udp: dgram.Socket;
  tcp?: net.Server;
  conns: Set<net.Socket>;
}

/**
 * `new EmbeddedDns({ lookup, upstreams?, log?, clientAllowed?, port?, ttl?, forwardTimeoutMs?,
 * maxInFlight?, maxTcpConnections?, tcpIdleMs? })` (EmbeddedDnsOptions). The daemon passes
 * `lookup`, `log` and `clientAllowed` (source address inside one of the network's subnets); the
 * rest are for tests and tuning. `listen(networkId, gatewayAddress)` after the network's
 * bridge carries that address; `close` when the network goes; `closeAll` at shutdown.
 */
export class EmbeddedDns implements DnsService {
  private readonly listeners = new Map<string, Listener>();
  /** Per-network chain, so listen/close of one network never interleave. */
  private readonly busy = new Map<string, Promise<void>>();
  private readonly forwarder: Forwarder;
  private readonly lookup: DnsLookup;
  private readonly port: number;
  private readonly ttl: number;
  private readonly maxConns: number;
  private readonly idleMs: number;
  private lastLog = 0;
  private suppressed = 0;

  constructor(private readonly opts: EmbeddedDnsOptions) {
    this.lookup = opts.lookup;
    this.port = opts.port ?? 53;
    this.ttl = opts.ttl ?? DEFAULT_TTL;
    this.maxConns = opts.maxTcpConnections ?? 64;
    this.idleMs = opts.tcpIdleMs ?? 10_000;
    let upstreams = opts.upstreams;
    if (!upstreams) {
      const host = new HostResolvConf();
      upstreams = () => host.current().nameservers;
    }
    this.forwarder = new Forwarder({
      upstreams,
      timeoutMs: opts.forwardTimeoutMs,
      maxInFlight: opts.maxInFlight,
      exclude: (h) => this.isOwnAddress(h),
    });
  }

  listen(networkId: string, address: string): Promise<void> {
    return this.serialize(networkId, async () => {
      const family = net.isIP(address);
      if (family === 0) throw new InvalidArgumentError(`invalid DNS listen address ${address}`);
      const old = this.listeners.get(networkId);
      if (old?.address === address) return;
      if (old) await this.stop(networkId, old);
      const l = await this.start(networkId, address, family as 4 | 6);
      this.listeners.set(networkId, l);
    });
  }

  close(networkId: string): Promise<void> {
    return this.serialize(networkId, async () => {
      const l = this.listeners.get(networkId);
      if (l) await this.stop(networkId, l);
    });
  }

  async closeAll(): Promise<void> {
    await Promise.all([...new Set([...this.listeners.keys(), ...this.busy.keys()])].map((id) => this.close(id)));
  }

  /**
   * The answer to one raw query from a client on `networkId`, or undefined when the packet gets
   * none (too short for a header, or itself a response). Never rejects.
   */
  async answer(networkId: string, raw: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    const header = parseHeader(raw);
    // Answering responses would let two servers bounce packets between each other forever.
    if (!header || header.qr) return undefined;
    try {
      if (header.opcode !== 0) return buildResponse({ header }, { rcode: RCode.NOTIMP });
      let msg: Message;
      try {
        msg = parseMessage(raw);
      } catch {
        return buildResponse({ header }, { rcode: RCode.FORMERR });
      }
      if (msg.questions.length !== 1) return buildResponse({ header }, { rcode: RCode.FORMERR });
      // RFC 6891: only EDNS version 0 exists; BADVERS (16) goes into the OPT's extended rcode.
      if (msg.edns && msg.edns.version > 0) return buildResponse(msg, { rcode: 16 });
      const maxSize = transport === 'udp' ? clientUdpLimit(msg) : 65535;
      let local: Answer[] | undefined;
      try {
        local = this.resolveLocal(networkId, msg.questions[0]!);
      } catch (err) {
        this.warn(`DNS lookup failed: ${(err as Error).message}`);
        return buildResponse(msg, { rcode: RCode.SERVFAIL, maxSize });
      }
      if (local) return buildResponse(msg, { rcode: RCode.NOERROR, aa: true, answers: local, maxSize });
      const fwd = await this.forwarder.forward(raw, msg, transport === 'tcp');
      if (typeof fwd !== 'string') return fwd;
      return buildResponse(msg, { rcode: RCode.SERVFAIL, maxSize });
    } catch (err) {
      this.warn(`DNS query failed: ${(err as Error).message}`);
      try {
        return buildResponse({ header }, { rcode: RCode.SERVFAIL });
      } catch {
        return undefined;
      }
    }
  }

  /**
   * Berth's own answer (possibly no records: the name is a container's but has no address of that
   * kind), or undefined to forward. A known name with no address of the asked family gets NOERROR
   * and no records, not NXDOMAIN, so a resolver asking A and AAAA together keeps the name.
   */
  private resolveLocal(networkId: string, q: Question): Answer[] | undefined {
    if (q.class !== CLASS_IN && q.class !== CLASS_ANY) return undefined;
    const name = q.name.toLowerCase();
    // Escaped bytes (\DDD, "\.") never occur in container names.
    if (name === '' || name.includes('\\')) return undefined;
    if (q.type === RRType.PTR) {
      const addr = addressFromReverseName(name);
      const target = addr && this.lookup.reverse(networkId, addr);
      return target ? [{ name: q.name, type: RRType.PTR, ttl: this.ttl, value: target }] : undefined;
    }
    const find = (family: 4 | 6): string[] | undefined => this.lookup.lookup(networkId, name, family);
    if (q.type === RRType.A || q.type === RRType.AAAA) {
      const [want, other, type] = q.type === RRType.A ? ([4, 6, RRType.A] as const) : ([6, 4, RRType.AAAA] as const);
      const addrs = find(want);
      if (addrs?.length) return this.records(q.name, type, addrs);
      return addrs !== undefined || find(other) !== undefined ? [] : undefined;
    }
    const v4 = find(4);
    const v6 = find(6);
    if (v4 === undefined && v6 === undefined) return undefined;
    if (q.type === RRType.ANY) return [...this.records(q.name, RRType.A, v4 ?? []), ...this.records(q.name, RRType.AAAA, v6 ?? [])];
    return [];
  }

  /** Records in random order: several containers sharing an alias share the load. */
  private records(name: string, type: typeof RRType.A | typeof RRType.AAAA, addrs: string[]): Answer[] {
    const out = addrs.map((value) => ({ name, type, ttl: this.ttl, value }));
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  private allowed(networkId: string, address: string): boolean {
    if (!this.opts.clientAllowed) return true;
    try {
      return this.opts.clientAllowed(networkId, address.replace(/^::ffff:(?=\d+\.)/, ''));
    } catch (err) {
      this.warn(`DNS client check failed: ${(err as Error).message}`);
      return false;
    }
  }

  private isOwnAddress(host: string): boolean {
    const h = net.isIPv6(host) ? canonicalIPv6(host) : host;
    for (const l of this.listeners.values()) {
      const a = net.isIPv6(l.address) ? canonicalIPv6(l.address) : l.address;
      if (a === h) return true;
    }
    return false;
  }

  private serialize(networkId: string, fn: () => Promise<void>): Promise<void> {
    const prev = this.busy.get(networkId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => {});
    this.busy.set(networkId, tail);
    void tail.then(() => {
      if (this.busy.get(networkId) === tail) this.busy.delete(networkId);
    });
    return run;
  }

  private async start(networkId: string, address: string, family: 4 | 6): Promise<Listener> {
    // A new IPv6 address stays "tentative" (unbindable) until duplicate address detection ends,
    // about a second after the bridge got it: wait for it rather than fail the network.
    const deadline = Date.now() + V6_TENTATIVE_WAIT_MS;
    let udp: dgram.Socket;
    for (;;) {
      try {
        udp = await this.bindUdp(address, family);
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (family === 6 && code === 'EADDRNOTAVAIL' && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        throw new UnavailableError(`cannot listen for DNS on ${address} port ${this.port}/udp: ${(err as Error).message}`, { cause: err });
      }
    }
    const l: Listener = { address, udp, conns: new Set() };
    udp.on('error', (err) => this.warn(`DNS on ${address}/udp: ${err.message}`));
    udp.on('message', (msg, rinfo) => {
      if (!this.allowed(networkId, rinfo.address)) return;
      void this.answer(networkId, msg, 'udp').then((resp) => {
        if (!resp) return;
        try {
          udp.send(resp, rinfo.port, rinfo.address);
        } catch {
          /* the listener closed while the answer was on its way */
        }
      });
    });
    try {
      l.tcp = await this.startTcp(networkId, address, l.conns);
    } catch (err) {
      // UDP is what stub resolvers use; a host DNS server holding TCP port 53 on the wildcard
      // address costs only the rare truncated answer, so the network keeps its DNS.
      this.warn(`DNS on ${address} port ${this.port}/tcp unavailable, answering over UDP only: ${(err as Error).message}`);
    }
    return l;
  }

  private bindUdp(address: string, family: 4 | 6): Promise<dgram.Socket> {
    const udp = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', reuseAddr: true });
    return new Promise((resolve, reject) => {
      udp.once('error', (err) => {
        try {
          udp.close();
        } catch {
          /* never bound */
        }
        reject(err);
      });
      udp.bind({ address, port: this.port, exclusive: true }, () => {
        udp.removeAllListeners('error');
        resolve(udp);
      });
    });
  }

  private startTcp(networkId: string, address: string, conns: Set<net.Socket>): Promise<net.Server> {
    const server = net.createServer((sock) => this.serveTcp(networkId, sock, conns));
    server.maxConnections = this.maxConns;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: address, port: this.port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.warn(`DNS on ${address}/tcp: ${err.message}`));
        resolve(server);
      });
    });
  }

  /** Length-prefixed queries (RFC 7766), answered in the order they complete. */
  private serveTcp(networkId: string, sock: net.Socket, conns: Set<net.Socket>): void {
    if (!this.allowed(networkId, sock.remoteAddress ?? '')) {
      sock.destroy();
      return;
    }
    conns.add(sock);
    sock.on('close', () => conns.delete(sock));
    sock.on('error', () => {});
    sock.setNoDelay(true);
    sock.setTimeout(this.idleMs, () => sock.destroy());
    let buf: Buffer = Buffer.alloc(0);
    let pending = 0;
    const drain = (): void => {
      while (pending < TCP_PIPELINE && buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = Buffer.from(buf.subarray(2, 2 + len));
        buf = buf.subarray(2 + len);
        pending++;
        void this.answer(networkId, msg, 'tcp').then((resp) => {
          pending--;
          if (resp && !sock.destroyed) {
            const frame = Buffer.alloc(2 + resp.length);
            frame.writeUInt16BE(resp.length, 0);
            resp.copy(frame, 2);
            sock.write(frame);
          }
          drain();
        });
      }
      // Stop reading while the pipeline is full; a message is at most 64 KiB, so the buffer is too.
      if (pending >= TCP_PIPELINE || buf.length > 2 + 65535) sock.pause();
      else if (sock.isPaused()) sock.resume();
    };
    sock.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      drain();
    });
  }

  private async stop(networkId: string, l: Listener): Promise<void> {
    this.listeners.delete(networkId);
    await new Promise<void>((resolve) => {
      try {
        l.udp.close(() => resolve());
      } catch {
        resolve();
      }
    });
    if (l.tcp) {
      const closed = new Promise<void>((resolve) => l.tcp!.close(() => resolve()));
      for (const c of l.conns) c.destroy();
      await closed;
    }
  }

  private warn(msg: string): void {
    const now = Date.now();
    if (now - this.lastLog < 5000) {
      this.suppressed++;
      return;
    }
    this.opts.log?.(this.suppressed ? `${msg} (${this.suppressed} more suppressed)` : msg);
    this.lastLog = now;
    this.suppressed = 0;
  }
}
