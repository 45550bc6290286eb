// The embedded DNS server on a real port 53, asked by node's own resolver (c-ares) as a
// container's resolver would ask it: names from the lookup, reverse lookups, names forwarded to a
// fake upstream on another loopback address, SERVFAIL when that upstream is gone, TCP, and a flood
// of malformed packets that leaves it answering. Also measures queries per second and latency.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { promises as dnsPromises } from 'node:dns';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildQuery, buildResponse, parseMessage, RCode, RRType, type Answer } from '../../../src/network/dns/codec.js';
import { startFakeUpstream, type FakeUpstream } from '../../../src/network/dns/fake-upstream.js';
import { EmbeddedDns } from '../../../src/network/dns/server.js';
import type { DnsLookup } from '../../../src/network/types.js';
import { findBinary, skipReason } from '../../helpers/prereq.js';

const NET = 'n'.repeat(64);
const names: Record<string, { 4: string[]; 6: string[] }> = {
  web: { 4: ['10.77.0.2'], 6: ['fd77::2'] },
  db: { 4: ['10.77.0.3'], 6: [] },
  many: { 4: Array.from({ length: 100 }, (_, i) => `10.77.1.${i + 1}`), 6: [] },
};

const lookup: DnsLookup = {
  lookup: (networkId, name, family) => (networkId === NET ? names[name]?.[family] : undefined),
  reverse: (networkId, address) => {
    if (networkId !== NET) return undefined;
    return Object.entries(names).find(([, e]) => e[4].includes(address) || e[6].includes(address))?.[0];
  },
};

/** Both UDP and TCP port 53 of `addr` are free (probed without SO_REUSEADDR). */
async function port53Free(addr: string): Promise<boolean> {
  const udp = dgram.createSocket('udp4');
  const udpOk = await new Promise<boolean>((r) => {
    udp.once('error', () => r(false));
    udp.bind(53, addr, () => r(true));
  });
  if (!udpOk) return false;
  await new Promise<void>((r) => udp.close(() => r()));
  return new Promise<boolean>((r) => {
    const s = net.createServer();
    s.once('error', () => r(false));
    s.listen(53, addr, () => s.close(() => r(true)));
  });
}

async function freeLoopback(not: string[] = []): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const addr = `127.0.0.${100 + Math.floor(Math.random() * 101)}`;
    if (!not.includes(addr) && (await port53Free(addr))) return addr;
  }
  throw new Error('no free loopback address with port 53 between 127.0.0.100 and 127.0.0.200');
}

function resolver(server: string, timeout = 4000): dnsPromises.Resolver {
  const r = new dnsPromises.Resolver({ timeout, tries: 1 });
  r.setServers([server]);
  return r;
}

function errCode(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: NodeJS.ErrnoException) => e.code ?? String(e),
  );
}

describe('integration: embedded DNS on port 53', { skip: skipReason({ root: true }) }, () => {
  let addr: string;
  let upstream: FakeUpstream;
  let upstreamAnswers = true;
  let dns: EmbeddedDns;
  const logs: string[] = [];

  before(async () => {
    addr = await freeLoopback();
    const upAddr = await freeLoopback([addr]);
    upstream = await startFakeUpstream((q, _raw, transport) => {
      if (!upstreamAnswers) return undefined;
      const name = q.questions[0]!.name.toLowerCase();
      if (name === 'www.example.test') return buildResponse(q, { rcode: 0, answers: [{ name: q.questions[0]!.name, type: RRType.A, ttl: 300, value: '192.0.2.80' }] });
      if (name === 'big.example.test') {
        const answers: Answer[] = Array.from({ length: 90 }, (_, i) => ({ name: q.questions[0]!.name, type: RRType.A, ttl: 300, value: `192.0.2.${i + 1}` }));
        return buildResponse(q, { rcode: 0, answers, maxSize: transport === 'udp' ? 512 : undefined });
      }
      return buildResponse(q, { rcode: RCode.NXDOMAIN });
    }, upAddr, 53);
    dns = new EmbeddedDns({ lookup, upstreams: () => [upstream.host], log: (m) => logs.push(m) });
    await dns.listen(NET, addr);
  });

  after(async () => {
    await dns?.closeAll();
    await upstream?.close();
  });

  it('answers a container name with A and AAAA, and a known name without AAAA with no records', async () => {
    const r = resolver(addr);
    assert.deepEqual(await r.resolve4('web'), ['10.77.0.2']);
    assert.deepEqual(await r.resolve4('WEB', { ttl: true }), [{ address: '10.77.0.2', ttl: 60 }]);
    assert.deepEqual(await r.resolve6('web'), ['fd77::2']);
    // NOERROR without records is ENODATA to c-ares; NXDOMAIN would be ENOTFOUND.
    assert.equal(await errCode(r.resolve6('db')), 'ENODATA');
  });

  it('answers reverse lookups of container addresses', async () => {
    const r = resolver(addr);
    assert.deepEqual(await r.reverse('10.77.0.3'), ['db']);
    assert.deepEqual(await r.reverse('fd77::2'), ['web']);
  });

  it('forwards other names to the upstream and passes NXDOMAIN through', async () => {
    const r = resolver(addr);
    assert.deepEqual(await r.resolve4('www.example.test'), ['192.0.2.80']);
    assert.equal(await errCode(r.resolve4('nothing.example.test')), 'ENOTFOUND');
    assert.equal(await errCode(r.resolve4('nosuchcontainer')), 'ENOTFOUND');
    assert.ok(upstream.seen.some((s) => s.query.questions[0]!.name === 'nosuchcontainer'), 'an unknown single-label name was not forwarded');
  });

  it('answers SERVFAIL within its 2 s budget when the upstream is silent', async () => {
    upstreamAnswers = false;
    try {
      const t = Date.now();
      assert.equal(await errCode(resolver(addr, 5000).resolve4('silent.example.test')), 'ESERVFAIL');
      const ms = Date.now() - t;
      assert.ok(ms < 3000, `SERVFAIL took ${ms} ms`);
      // Names of its own are still answered while upstreams are down.
      assert.deepEqual(await resolver(addr).resolve4('web'), ['10.77.0.2']);
    } finally {
      upstreamAnswers = true;
    }
  });

  it('serves TCP: a raw query, a truncated answer retried by c-ares, a forwarded big answer', async () => {
    const sock = net.connect(53, addr);
    const q = buildQuery(0x3131, 'web', RRType.A);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(q.length);
    sock.write(Buffer.concat([len, q]));
    const raw = await new Promise<Buffer>((resolve, reject) => {
      let buf = Buffer.alloc(0);
      sock.on('error', reject);
      sock.on('data', (c: Buffer) => {
        buf = Buffer.concat([buf, c]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
    });
    sock.destroy();
    assert.deepEqual(parseMessage(raw).answers.map((a) => a.address), ['10.77.0.2']);
    // 100 A records do not fit in UDP: TC, then c-ares asks again over TCP.
    assert.equal((await resolver(addr).resolve4('many')).length, 100);
    // Forwarded: the upstream truncates over UDP; the TCP client gets the whole answer.
    assert.equal((await resolver(addr).resolve4('big.example.test')).length, 90);
    assert.ok(upstream.seen.some((s) => s.transport === 'tcp' && s.query.questions[0]!.name === 'big.example.test'));
  });

  it('keeps answering through a flood of malformed packets', async () => {
    // The flood comes from another process, as it would from a container: the server drains it
    // while it arrives instead of after this test's own event loop lets go.
    const flood = `
      const dgram = require('node:dgram');
      const { randomBytes } = require('node:crypto');
      const [addr, valid] = [process.argv[1], Buffer.from(process.argv[2], 'hex')];
      const hostile = [
        Buffer.alloc(0),
        Buffer.alloc(5),
        Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]),
        Buffer.from([0, 1, 1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        Buffer.concat([valid.subarray(0, 12), Buffer.from([64]), Buffer.alloc(64, 0x61), Buffer.from([0, 0, 1, 0, 1])]),
        Buffer.from([...valid.subarray(0, 2), 0x80, 0, ...valid.subarray(4)]),
        Buffer.from([...valid.subarray(0, 4), 0, 2, ...valid.subarray(6)]),
      ];
      const sock = dgram.createSocket('udp4');
      let replies = 0;
      sock.on('message', () => replies++);
      sock.bind(0, '127.0.0.1', async () => {
        process.stdout.write('flooding ');
        for (let i = 0; i < 20000; i++) {
          const b = i % 2 ? hostile[i % hostile.length] : randomBytes(1 + (i % 300));
          await new Promise((r) => sock.send(b, 53, addr, r));
        }
        setTimeout(() => { console.log(replies); sock.close(); }, 300);
      });`;
    const child = spawn(process.execPath, ['-e', flood, addr, buildQuery(1, 'web', RRType.A).toString('hex')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const closed = new Promise<number | null>((r) => child.on('close', r));
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    // Answers keep coming while the flood runs (a stub resolver retries a datagram the flood
    // crowded out of the socket's buffer, as c-ares does here).
    await new Promise<void>((r) => child.stdout.once('data', () => r()));
    const during = new dnsPromises.Resolver({ timeout: 1000, tries: 4 });
    during.setServers([addr]);
    for (let i = 0; i < 20; i++) assert.deepEqual(await during.resolve4('web'), ['10.77.0.2']);
    assert.equal(await closed, 0);
    assert.ok(Number(out.replace('flooding ', '')) > 0, `not even FORMERR came back to the flood: ${out}`);
    // TCP garbage too: a huge length prefix, a half frame, random bytes.
    await Promise.all([Buffer.from([0xff, 0xff, 1, 2, 3]), Buffer.from([0, 20, 1, 2]), randomBytes(3000)].map((junk) => new Promise<void>((r) => {
      const c = net.connect(53, addr);
      c.on('error', () => r());
      c.on('close', () => r());
      c.end(junk);
      setTimeout(() => { c.destroy(); r(); }, 500);
    })));
    assert.deepEqual(await resolver(addr).resolve4('web'), ['10.77.0.2']);
    assert.deepEqual(await resolver(addr).resolve4('www.example.test'), ['192.0.2.80']);
  });

  it('measures queries per second (50 at a time) and the latency of one answer', async (t) => {
    const r = resolver(addr);
    for (let i = 0; i < 200; i++) await r.resolve4('web');
    const lat: number[] = [];
    for (let i = 0; i < 500; i++) {
      const s = process.hrtime.bigint();
      await r.resolve4('web');
      lat.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    lat.sort((a, b) => a - b);

    // Raw UDP from another process, 50 queries in flight: what the server itself sustains.
    const load = `
      const dgram = require('node:dgram');
      const [addr, q] = [process.argv[1], Buffer.from(process.argv[2], 'hex')];
      const total = 50000;
      const sock = dgram.createSocket('udp4');
      let got = 0, sent = 0, seen = 0;
      const send = () => { q.writeUInt16BE(sent++ & 0xffff, 0); sock.send(q, 53, addr); };
      sock.bind(0, '127.0.0.1', () => {
        const start = process.hrtime.bigint();
        // A datagram lost on a busy loopback would stall the loop: refill the window when idle.
        const refill = setInterval(() => { if (got === seen) for (let i = 0; i < 50; i++) send(); seen = got; }, 250);
        sock.on('message', () => {
          if (++got === total) {
            clearInterval(refill);
            console.log(Math.round(total / (Number(process.hrtime.bigint() - start) / 1e9)));
            sock.close();
          } else if (got < total) send();
        });
        for (let i = 0; i < 50; i++) send();
      });`;
    const child = spawn(process.execPath, ['-e', load, addr, buildQuery(1, 'web', RRType.A).toString('hex')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const closed = new Promise<number | null>((r) => child.on('close', r));
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    assert.equal(await closed, 0);
    const rawQps = Number(out);

    const viaCares = 20_000;
    const s2 = process.hrtime.bigint();
    let next = 0;
    await Promise.all(Array.from({ length: 50 }, async () => {
      while (next++ < viaCares) await r.resolve4('web');
    }));
    const caresQps = viaCares / (Number(process.hrtime.bigint() - s2) / 1e9);
    const line = `lookup answers: ${Math.round(rawQps)} q/s raw UDP (50 in flight), ${Math.round(caresQps)} q/s through node's resolver (50 concurrent); ` +
      `latency of one answer through node's resolver: p50 ${lat[250]!.toFixed(3)} ms, p99 ${lat[495]!.toFixed(3)} ms`;
    t.diagnostic(line);
    console.log(line);
    assert.ok(rawQps > 0 && caresQps > 0);
  });
});

describe('integration: embedded DNS on a new IPv6 gateway address', { skip: skipReason({ root: true, binaries: ['ip'] }) }, () => {
  const ip = (...args: string[]): void => {
    const r = spawnSync(findBinary('ip')!, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
  };
  const tag = randomBytes(2).toString('hex');
  const bridge = `tdns${tag}`;
  const gateway = `fd5e:${tag}::1`;
  let dns: EmbeddedDns | undefined;
  before(() => {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('link', 'set', bridge, 'up');
  });
  after(async () => {
    await dns?.closeAll();
    spawnSync(findBinary('ip')!, ['link', 'del', bridge]);
  });

  it('waits out duplicate address detection instead of failing, then answers over IPv6', async () => {
    // Without nodad the address is "tentative" (unbindable) for about a second.
    ip('-6', 'addr', 'add', `${gateway}/64`, 'dev', bridge);
    dns = new EmbeddedDns({ lookup, upstreams: () => [] });
    await dns.listen(NET, gateway);
    assert.deepEqual(await resolver(`[${gateway}]:53`).resolve6('web'), ['fd77::2']);
    assert.deepEqual(await resolver(`[${gateway}]:53`).resolve4('web'), ['10.77.0.2']);
  });
});
