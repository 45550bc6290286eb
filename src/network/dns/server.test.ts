import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { DnsLookup } from '../types.js';
import { buildQuery, buildResponse, parseMessage, RCode, RRType, type Message } from './codec.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { DEFAULT_TTL, EmbeddedDns } from './server.js';

type Table = Record<string, Record<string, { 4?: string[]; 6?: string[] }>>;

/** A DnsLookup over a fixed table: a name listed with no family gets [] for it, like the manager. */
function fakeLookup(table: Table): DnsLookup & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    lookup(networkId, name, family) {
      calls.push(`${networkId} ${name} ${family}`);
      const e = table[networkId]?.[name];
      return e ? (e[family] ?? []) : undefined;
    },
    reverse(networkId, address) {
      for (const [name, e] of Object.entries(table[networkId] ?? {})) {
        if (e[4]?.includes(address) || e[6]?.includes(address)) return `${name}.${networkId}`;
      }
      return undefined;
    },
  };
}

const TABLE: Table = {
  net1: {
    web: { 4: ['10.1.0.2'], 6: ['fd00:1::2'] },
    db: { 4: ['10.1.0.3'] },
    v6only: { 6: ['fd00:1::9'] },
    'my.app': { 4: ['10.1.0.4'] },
    many: { 4: Array.from({ length: 60 }, (_, i) => `10.1.1.${i + 1}`) },
  },
  net2: { other: { 4: ['10.2.0.2'] } },
};

async function freePort(host: string): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, host, () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

function udpAsk(host: string, port: number, msg: Buffer, ms = 2000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => {
      s.close();
      reject(new Error('no UDP answer'));
    }, ms);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(m);
    });
    s.send(msg, port, host);
  });
}

function frame(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length);
  return Buffer.concat([len, msg]);
}

/** Reads `count` length-prefixed answers from a TCP connection. */
function tcpAnswers(sock: net.Socket, count: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const out: Buffer[] = [];
    sock.on('error', reject);
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        out.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (out.length >= count) resolve(out);
    });
    sock.on('close', () => (out.length >= count ? resolve(out) : reject(new Error(`closed after ${out.length} answers`))));
  });
}

describe('EmbeddedDns answers', () => {
  let upstream: FakeUpstream;
  let dns: EmbeddedDns;
  let upstreamUp = true;
  const lookup = fakeLookup(TABLE);
  const logs: string[] = [];
  before(async () => {
    upstream = await startFakeUpstream((q) => {
      if (!upstreamUp) return undefined;
      const name = q.questions[0]!.name.toLowerCase();
      if (name === 'www.example.com') return buildResponse(q, { rcode: 0, answers: [{ name: q.questions[0]!.name, type: RRType.A, ttl: 300, value: '192.0.2.80' }] });
      return buildResponse(q, { rcode: RCode.NXDOMAIN });
    });
    dns = new EmbeddedDns({ lookup, upstreams: () => [upstream.spec], forwardTimeoutMs: 400, log: (m) => logs.push(m) });
  });
  after(async () => {
    await upstream?.close();
  });

  const ask = async (name: string, type: number, opts: { net?: string; tcp?: boolean; edns?: boolean; cls?: number } = {}): Promise<Message> => {
    const r = await dns.answer(opts.net ?? 'net1', buildQuery(0x0a0b, name, type, { edns: opts.edns, cls: opts.cls }), opts.tcp ? 'tcp' : 'udp');
    assert.ok(r, 'no answer');
    const m = parseMessage(r);
    assert.equal(m.header.id, 0x0a0b);
    assert.equal(m.header.qr, true);
    return m;
  };

  it('answers A and AAAA for a container name, keeping the case asked', async () => {
    const a = await ask('WEB', RRType.A);
    assert.equal(a.header.rcode, RCode.NOERROR);
    assert.ok(a.header.aa && a.header.ra && a.header.rd);
    assert.deepEqual(a.questions, [{ name: 'WEB', type: RRType.A, class: 1 }]);
    assert.deepEqual(a.answers.map((r) => [r.name, r.address, r.ttl]), [['WEB', '10.1.0.2', DEFAULT_TTL]]);
    const aaaa = await ask('web', RRType.AAAA);
    assert.deepEqual(aaaa.answers.map((r) => r.address), ['fd00:1::2']);
    const dotted = await ask('my.app', RRType.A);
    assert.deepEqual(dotted.answers.map((r) => r.address), ['10.1.0.4']);
  });

  it('answers NOERROR without records for a known name lacking that family (not NXDOMAIN)', async () => {
    for (const [name, type] of [['db', RRType.AAAA], ['v6only', RRType.A], ['web', RRType.MX], ['web', RRType.TXT]] as const) {
      const m = await ask(name, type);
      assert.equal(m.header.rcode, RCode.NOERROR, `${name} ${type}`);
      assert.equal(m.answers.length, 0);
      assert.equal(m.header.aa, true);
    }
    assert.equal(upstream.seen.length, 0, 'a known name went upstream');
  });

  it('answers ANY with both families', async () => {
    const m = await ask('web', RRType.ANY);
    assert.deepEqual(m.answers.map((r) => r.address).sort(), ['10.1.0.2', 'fd00:1::2']);
  });

  it('answers PTR for a container address, v4 and v6', async () => {
    const m = await ask('2.0.1.10.in-addr.arpa', RRType.PTR);
    assert.deepEqual(m.answers.map((r) => r.target), ['web.net1']);
    const v6 = `${'2.0.0.0.'.repeat(1)}${'0.'.repeat(20)}1.0.0.0.0.0.d.f.ip6.arpa`;
    const m6 = await ask(v6, RRType.PTR);
    assert.deepEqual(m6.answers.map((r) => r.target), ['web.net1']);
  });

  it('forwards names that are not its own: other networks, search domains, unknown names, other classes', async () => {
    upstream.seen.length = 0;
    const other = await ask('other', RRType.A);
    assert.equal(other.header.rcode, RCode.NXDOMAIN, 'a name of another network resolved');
    const search = await ask('web.example.com', RRType.A);
    assert.equal(search.header.rcode, RCode.NXDOMAIN);
    const www = await ask('www.example.com', RRType.A);
    assert.deepEqual(www.answers.map((r) => r.address), ['192.0.2.80']);
    assert.equal(www.header.aa, false);
    const ptr = await ask('9.9.9.10.in-addr.arpa', RRType.PTR);
    assert.equal(ptr.header.rcode, RCode.NXDOMAIN);
    const chaos = await ask('web', RRType.TXT, { cls: 3 });
    assert.equal(chaos.header.rcode, RCode.NXDOMAIN);
    assert.deepEqual(upstream.seen.map((s) => s.query.questions[0]!.name), ['other', 'web.example.com', 'www.example.com', '9.9.9.10.in-addr.arpa', 'web']);
  });

  it('answers SERVFAIL within its budget when the upstream is silent', async () => {
    upstreamUp = false;
    try {
      const t = Date.now();
      const m = await ask('nowhere', RRType.A);
      assert.equal(m.header.rcode, RCode.SERVFAIL);
      assert.deepEqual(m.questions.map((q) => q.name), ['nowhere']);
      assert.ok(Date.now() - t < 900, `took ${Date.now() - t} ms`);
    } finally {
      upstreamUp = true;
    }
  });

  it('answers SERVFAIL at once with no upstream at all', async () => {
    const lone = new EmbeddedDns({ lookup, upstreams: () => [] });
    const r = await lone.answer('net1', buildQuery(1, 'nowhere', RRType.A), 'udp');
    assert.equal(parseMessage(r!).header.rcode, RCode.SERVFAIL);
    const own = await lone.answer('net1', buildQuery(1, 'web', RRType.A), 'udp');
    assert.equal(parseMessage(own!).answers.length, 1);
  });

  it('truncates a big answer over UDP and gives it whole over TCP', async () => {
    const udp = await ask('many', RRType.A);
    assert.equal(udp.header.tc, true);
    assert.equal(udp.answers.length, 0);
    const edns = await ask('many', RRType.A, { edns: true });
    assert.equal(edns.answers.length, 60, 'a 1232-byte EDNS client fits 60 A records');
    assert.equal(edns.edns?.udpSize, 1232);
    const tcp = await ask('many', RRType.A, { tcp: true });
    assert.equal(tcp.header.tc, false);
    assert.equal(tcp.answers.length, 60);
  });

  it('drops what cannot be answered and gives FORMERR, NOTIMP, BADVERS for the rest', async () => {
    assert.equal(await dns.answer('net1', Buffer.alloc(11), 'udp'), undefined);
    const response = buildResponse(parseMessage(buildQuery(5, 'web', RRType.A)), { rcode: 0 });
    assert.equal(await dns.answer('net1', response, 'udp'), undefined, 'answered a response');
    const header = (flags: number, qd: number, body: number[] = []): Buffer => {
      const h = Buffer.alloc(12);
      h.writeUInt16BE(0x7777, 0);
      h.writeUInt16BE(flags, 2);
      h.writeUInt16BE(qd, 4);
      return Buffer.concat([h, Buffer.from(body)]);
    };
    const rcodeOf = async (b: Buffer): Promise<number> => {
      const m = parseMessage((await dns.answer('net1', b, 'udp'))!);
      assert.equal(m.header.id, 0x7777);
      return m.header.rcode;
    };
    assert.equal(await rcodeOf(header(0x1000, 1, [1, 0x61, 0, 0, 1, 0, 1])), RCode.NOTIMP);
    assert.equal(await rcodeOf(header(0x0100, 0)), RCode.FORMERR);
    assert.equal(await rcodeOf(header(0x0100, 2, [1, 0x61, 0, 0, 1, 0, 1, 1, 0x62, 0, 0, 1, 0, 1])), RCode.FORMERR);
    assert.equal(await rcodeOf(header(0x0100, 1, [0xc0, 12, 0, 1, 0, 1])), RCode.FORMERR);
    assert.equal(await rcodeOf(header(0x0100, 1, [5, 0x61])), RCode.FORMERR);
    const v1 = buildQuery(0x7777, 'web', RRType.A, { edns: true });
    v1[v1.length - 11 + 6] = 1; // EDNS version 1
    const bad = parseMessage((await dns.answer('net1', v1, 'udp'))!);
    assert.equal(bad.edns?.extRcode, 1, 'BADVERS');
  });

  it('answers SERVFAIL when the lookup throws or hands back garbage, and logs it', async () => {
    const broken = new EmbeddedDns({
      lookup: { lookup: (_n, name) => { if (name === 'boom') throw new Error('table gone'); return ['not-an-ip']; }, reverse: () => undefined },
      upstreams: () => [],
      log: (m) => logs.push(m),
    });
    for (const name of ['boom', 'garbage']) {
      const r = await broken.answer('net1', buildQuery(3, name, RRType.A), 'udp');
      assert.equal(parseMessage(r!).header.rcode, RCode.SERVFAIL, name);
    }
    assert.match(logs.join('\n'), /table gone/);
  });
});

describe('EmbeddedDns listeners', () => {
  const host = '127.0.0.1';
  let port: number;
  let dns: EmbeddedDns;
  before(async () => {
    port = await freePort(host);
    dns = new EmbeddedDns({ lookup: fakeLookup(TABLE), upstreams: () => [], port, maxTcpConnections: 2, tcpIdleMs: 300 });
    await dns.listen('net1', host);
  });
  after(async () => {
    await dns?.closeAll();
  });

  it('answers over UDP, and listening again on the same address is a no-op', async () => {
    await dns.listen('net1', host);
    const m = parseMessage(await udpAsk(host, port, buildQuery(9, 'web', RRType.A)));
    assert.deepEqual(m.answers.map((r) => r.address), ['10.1.0.2']);
  });

  it('answers pipelined TCP queries on one connection', async () => {
    const sock = net.connect(port, host);
    const got = tcpAnswers(sock, 3);
    sock.write(Buffer.concat([frame(buildQuery(1, 'web', RRType.A)), frame(buildQuery(2, 'db', RRType.A)), frame(buildQuery(3, 'web', RRType.AAAA)).subarray(0, 5)]));
    setTimeout(() => sock.write(frame(buildQuery(3, 'web', RRType.AAAA)).subarray(5)), 20);
    const answers = (await got).map((b) => parseMessage(b));
    sock.destroy();
    assert.deepEqual(answers.map((m) => [m.header.id, m.answers[0]!.address]).sort(), [[1, '10.1.0.2'], [2, '10.1.0.3'], [3, 'fd00:1::2']]);
  });

  it('closes idle TCP connections and caps how many are open', async () => {
    const open = (): Promise<net.Socket> => new Promise((resolve) => { const s = net.connect(port, host, () => resolve(s)); s.on('error', () => {}); });
    const closed = (s: net.Socket): Promise<number> => { const t = Date.now(); return new Promise((r) => s.on('close', () => r(Date.now() - t))); };
    const a = await open();
    const b = await open();
    const c = await open();
    assert.ok((await closed(c)) < 200, 'a third connection stayed open');
    const idle = await Promise.all([closed(a), closed(b)]);
    assert.ok(idle.every((ms) => ms < 1000), `idle connections lived ${idle} ms`);
  });

  it('stops answering when closed, and can listen again', async () => {
    await dns.close('net1');
    await assert.rejects(udpAsk(host, port, buildQuery(9, 'web', RRType.A), 500), /no UDP answer/);
    await dns.close('net1');
    await dns.listen('net1', host);
    const m = parseMessage(await udpAsk(host, port, buildQuery(9, 'web', RRType.A)));
    assert.equal(m.answers.length, 1);
  });

  it('ignores clients the clientAllowed check turns away, over UDP and TCP', async () => {
    const p2 = await freePort(host);
    const seen: string[] = [];
    const picky = new EmbeddedDns({ lookup: fakeLookup(TABLE), upstreams: () => [], port: p2, clientAllowed: (n, a) => (seen.push(`${n} ${a}`), false) });
    await picky.listen('net1', host);
    try {
      await assert.rejects(udpAsk(host, p2, buildQuery(9, 'web', RRType.A), 500), /no UDP answer/);
      const sock = net.connect(p2, host);
      sock.write(frame(buildQuery(1, 'web', RRType.A)));
      await assert.rejects(tcpAnswers(sock, 1), /closed after 0 answers|ECONNRESET/);
      assert.deepEqual(seen, ['net1 127.0.0.1', 'net1 127.0.0.1']);
    } finally {
      await picky.closeAll();
    }
  });

  it('refuses an address that is not one, and one it cannot bind', async () => {
    await assert.rejects(dns.listen('net9', 'gateway'), /invalid DNS listen address/);
    await assert.rejects(dns.listen('net9', '192.0.2.250'), /cannot listen for DNS on 192.0.2.250/);
  });
});
