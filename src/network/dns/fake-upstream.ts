/**
 * A scriptable DNS server for tests of the forwarder and the embedded server: UDP and TCP on one
 * port, answering each parsed query with whatever the test's handler builds (or staying silent).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { parseMessage, type Message } from './codec.js';

export type FakeAnswer = (query: Message, raw: Buffer, transport: 'udp' | 'tcp') => Buffer | undefined;

export interface FakeUpstream {
  host: string;
  port: number;
  /** "host:port", as the forwarder takes it. */
  spec: string;
  /** Queries received, in order. */
  seen: { query: Message; transport: 'udp' | 'tcp' }[];
  close(): Promise<void>;
}

/** Starts on `host` (default 127.0.0.1) and `port` (default: a free one, the same for UDP and TCP). */
export async function startFakeUpstream(handler: FakeAnswer, host = '127.0.0.1', port = 0): Promise<FakeUpstream> {
  for (let attempt = 0; ; attempt++) {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, host, () => resolve());
    });
    const p = udp.address().port;
    const tcp = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(p, host, () => resolve());
      });
    } catch (err) {
      udp.close();
      if (port !== 0 || attempt > 20) throw err;
      continue;
    }
    const seen: FakeUpstream['seen'] = [];
    const answer = (raw: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined => {
      let query: Message;
      try {
        query = parseMessage(raw);
      } catch {
        return undefined;
      }
      seen.push({ query, transport });
      return handler(query, raw, transport);
    };
    udp.on('message', (raw, rinfo) => {
      const out = answer(raw, 'udp');
      if (out) udp.send(out, rinfo.port, rinfo.address);
    });
    const conns = new Set<net.Socket>();
    tcp.on('connection', (sock) => {
      conns.add(sock);
      sock.on('close', () => conns.delete(sock));
      sock.on('error', () => {});
      let buf = Buffer.alloc(0);
      sock.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const raw = buf.subarray(2, 2 + buf.readUInt16BE(0));
          buf = buf.subarray(2 + raw.length);
          const out = answer(Buffer.from(raw), 'tcp');
          if (out) {
            const len = Buffer.alloc(2);
            len.writeUInt16BE(out.length);
            sock.write(Buffer.concat([len, out]));
          }
        }
      });
    });
    return {
      host,
      port: p,
      spec: `${host}:${p}`,
      seen,
      close: async () => {
        for (const c of conns) c.destroy();
        await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
      },
    };
  }
}
