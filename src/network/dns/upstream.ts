/**
 * The host's resolvers, for names that are not containers': /etc/resolv.conf read once and again
 * only when it changes, and a forwarder that relays a query to each upstream in turn within a
 * short budget. The budget is well under a stub resolver's own timeout (5 s in glibc and musl), so
 * a container always hears SERVFAIL from berth before it gives up on its own, and a flood of
 * queries is bounded by an in-flight cap instead of growing berthd.
 */
import dgram from 'node:dgram';
import { readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { HEADER_SIZE, parseHeader, RCode, readName, withId, type Message } from './codec.js';

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  ndots: number;
  /** Seconds per try (resolv.conf's `options timeout:`). */
  timeout: number;
  attempts: number;
}

/** resolv.conf(5) as glibc reads it: last `search`/`domain` wins, options it knows, at most 3 servers. */
export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], ndots: 1, timeout: 5, attempts: 2 };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (!line) continue;
    const [key, ...args] = line.split(/\s+/);
    if (key === 'nameserver' && args[0] && net.isIP(args[0].replace(/%.*$/, '')) && conf.nameservers.length < 3) {
      conf.nameservers.push(args[0]);
    } else if (key === 'search') {
      conf.search = args;
    } else if (key === 'domain' && args[0]) {
      conf.search = [args[0]];
    } else if (key === 'options') {
      for (const o of args) {
        const m = /^(ndots|timeout|attempts):(\d+)$/.exec(o);
        if (!m) continue;
        const n = Number(m[2]);
        if (m[1] === 'ndots') conf.ndots = Math.min(n, 15);
        else if (m[1] === 'timeout') conf.timeout = Math.max(1, Math.min(n, 30));
        else conf.attempts = Math.max(1, Math.min(n, 5));
      }
    }
  }
  return conf;
}

/**
 * The host's /etc/resolv.conf, re-read when its inode, size or mtime change; those are looked at
 * no more than once per `recheckMs`, so a busy server costs one stat every few seconds.
 */
export class HostResolvConf {
  private conf: ResolvConf = parseResolvConf('');
  private stamp = '';
  private checkedAt = -Infinity;

  constructor(
    private readonly path = '/etc/resolv.conf',
    private readonly recheckMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  current(): ResolvConf {
    const t = this.now();
    if (t - this.checkedAt < this.recheckMs) return this.conf;
    this.checkedAt = t;
    let stamp: string;
    try {
      const st = statSync(this.path);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      stamp = 'missing';
    }
    if (stamp === this.stamp) return this.conf;
    this.stamp = stamp;
    try {
      this.conf = parseResolvConf(stamp === 'missing' ? '' : readFileSync(this.path, 'utf8').slice(0, 64 * 1024));
    } catch {
      this.conf = parseResolvConf('');
    }
    return this.conf;
  }
}

export interface Upstream {
  host: string;
  port: number;
  family: 4 | 6;
}

/** "1.2.3.4", "1.2.3.4:5353", "fd00::1", "[fd00::1]:5353" -> an upstream; undefined when none of these. */
export function parseUpstream(spec: string): Upstream | undefined {
  let host = spec;
  let port = 53;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec);
  const v4port = /^([\d.]+):(\d+)$/.exec(spec);
  if (bracket) {
    host = bracket[1]!;
    if (bracket[2]) port = Number(bracket[2]);
  } else if (v4port) {
    host = v4port[1]!;
    port = Number(v4port[2]);
  }
  const family = net.isIP(host.replace(/%.*$/, ''));
  if (family === 0 || port < 1 || port > 65535) return undefined;
  return { host, port, family: family as 4 | 6 };
}

export interface ForwarderOptions {
  /** Upstream specs (parseUpstream), asked in order. */
  upstreams: () => string[];
  /** Total time for one query across every upstream (default 2000 ms). */
  timeoutMs?: number;
  /** Queries being forwarded at once; more are refused right away (default 256). */
  maxInFlight?: number;
  /** Addresses never forwarded to: berth's own listeners, so a host pointing at one cannot loop. */
  exclude?: (host: string) => boolean;
}

/** Why a forward produced no answer: nothing to ask, every upstream failed, or too many in flight. */
export type ForwardFailure = 'no-upstream' | 'failed' | 'busy';

const MAX_TCP_MESSAGE = 65535;

/** Relays raw queries to the host's resolvers. */
export class Forwarder {
  private inFlight = 0;
  private readonly timeoutMs: number;
  private readonly maxInFlight: number;

  constructor(private readonly opts: ForwarderOptions) {
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.maxInFlight = opts.maxInFlight ?? 256;
  }

  /** Queries being relayed right now. */
  get pending(): number {
    return this.inFlight;
  }

  /**
   * The upstream's answer to `raw` (carrying the client's id again), or why there is none. Each
   * upstream gets a fair share of what is left of the budget; a refused port or a SERVFAIL/REFUSED
   * answer moves on to the next one at once. Over TCP a truncated UDP answer is asked again over
   * TCP from the same upstream; a UDP client gets the truncated answer and retries over TCP itself.
   */
  async forward(raw: Buffer, query: Message, overTcp: boolean): Promise<Buffer | ForwardFailure> {
    const ups = this.opts.upstreams().map(parseUpstream).filter((u): u is Upstream => u !== undefined && !this.opts.exclude?.(u.host));
    if (ups.length === 0) return 'no-upstream';
    if (this.inFlight >= this.maxInFlight) return 'busy';
    this.inFlight++;
    try {
      const deadline = Date.now() + this.timeoutMs;
      let fallback: Buffer | undefined;
      for (let i = 0; i < ups.length; i++) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        const share = left / (ups.length - i);
        const up = ups[i]!;
        const id = randomInt(0x10000);
        const sent = withId(raw, id);
        let answer: Buffer;
        try {
          answer = await udpExchange(up, sent, query, share);
          if (overTcp && parseHeader(answer)!.tc) answer = await tcpExchange(up, sent, query, Math.max(deadline - Date.now(), 1000));
        } catch {
          continue;
        }
        const rcode = parseHeader(answer)!.rcode;
        const out = withId(answer, query.header.id);
        if (rcode === RCode.SERVFAIL || rcode === RCode.REFUSED || rcode === RCode.NOTIMP) {
          fallback = out;
          continue;
        }
        return out;
      }
      return fallback ?? 'failed';
    } finally {
      this.inFlight--;
    }
  }
}

/** True when `answer` is a response to what we sent: our id, QR set, the same question. */
function answers(answer: Buffer, id: number, query: Message): boolean {
  const h = parseHeader(answer);
  if (!h || !h.qr || h.id !== id) return false;
  const q = query.questions[0];
  if (!q) return true;
  if (h.qdcount !== 1) return h.tc && h.qdcount === 0;
  try {
    const { name, next } = readName(answer, HEADER_SIZE);
    if (next + 4 > answer.length) return false;
    return name.toLowerCase() === q.name.toLowerCase() && answer.readUInt16BE(next) === q.type && answer.readUInt16BE(next + 2) === q.class;
  } catch {
    return false;
  }
}

/** One UDP exchange from a fresh socket (a random source port per query, as RFC 5452 asks). */
function udpExchange(up: Upstream, msg: Buffer, query: Message, ms: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(up.family === 6 ? 'udp6' : 'udp4');
    let done = false;
    const finish = (err: Error | undefined, answer?: Buffer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        sock.close();
      } catch {
        /* already closed */
      }
      if (err) reject(err);
      else resolve(answer!);
    };
    const timer = setTimeout(() => finish(new Error(`no answer from ${up.host} within ${Math.round(ms)} ms`)), ms);
    sock.on('error', (err) => finish(err));
    // Anything else arriving on this port (late or forged answers) is ignored, not taken.
    sock.on('message', (m) => {
      if (answers(m, msg.readUInt16BE(0), query)) finish(undefined, m);
    });
    sock.connect(up.port, up.host, () => {
      sock.send(msg, (err) => {
        if (err) finish(err);
      });
    });
  });
}

/** One length-prefixed exchange over a new TCP connection (RFC 7766). */
function tcpExchange(up: Upstream, msg: Buffer, query: Message, ms: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: up.host, port: up.port });
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (err: Error | undefined, answer?: Buffer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(answer!);
    };
    const timer = setTimeout(() => finish(new Error(`no TCP answer from ${up.host} within ${Math.round(ms)} ms`)), ms);
    sock.on('error', (err) => finish(err));
    sock.on('close', () => finish(new Error(`${up.host} closed the TCP connection without an answer`)));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > 2 + MAX_TCP_MESSAGE) return finish(new Error('oversized TCP answer'));
      if (buf.length < 2) return;
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) return;
      const m = buf.subarray(2, 2 + len);
      if (answers(m, msg.readUInt16BE(0), query)) finish(undefined, Buffer.from(m));
      else finish(new Error(`${up.host} answered something else over TCP`));
    });
    const len = Buffer.alloc(2);
    len.writeUInt16BE(msg.length);
    sock.setNoDelay(true);
    sock.write(Buffer.concat([len, msg]));
  });
}
