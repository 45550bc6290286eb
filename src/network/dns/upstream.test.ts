import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildQuery, buildResponse, parseHeader, parseMessage, RCode, RRType, type Answer } from './codec.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { Forwarder, HostResolvConf, parseResolvConf, parseUpstream } from './upstream.js';

const a = (name: string, value: string): Answer => ({ name, type: RRType.A, ttl: 30, value });

/** A UDP port on 127.0.0.1 that nothing listens on (bound, closed): the kernel answers "port unreachable". */
async function closedPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('resolv.conf', () => {
  it('parses servers, search, options; comments and junk ignored; at most three servers', () => {
    const c = parseResolvConf(
      '# generated\nnameserver 10.0.0.1\nnameserver fe80::1%eth0 ; scoped\nnameserver not-an-ip\nnameserver 10.0.0.2\nnameserver 10.0.0.3\n' +
        'domain a.example\nsearch b.example c.example\noptions ndots:3 timeout:1 attempts:4 rotate edns0\n',
    );
    assert.deepEqual(c.nameservers, ['10.0.0.1', 'fe80::1%eth0', '10.0.0.2']);
    assert.deepEqual(c.search, ['b.example', 'c.example']);
    assert.equal(c.ndots, 3);
    assert.equal(c.timeout, 1);
    assert.equal(c.attempts, 4);
    const d = parseResolvConf('');
    assert.deepEqual([d.nameservers, d.ndots, d.timeout, d.attempts], [[], 1, 5, 2]);
  });

  it('re-reads the file when it changes, looking at most once per interval', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-dns-'));
    try {
      const path = join(dir, 'resolv.conf');
      writeFileSync(path, 'nameserver 10.0.0.1\n');
      let now = 0;
      const conf = new HostResolvConf(path, 5000, () => now);
      assert.deepEqual(conf.current().nameservers, ['10.0.0.1']);
      writeFileSync(path, 'nameserver 10.9.9.9\nnameserver 10.9.9.8\n');
      utimesSync(path, new Date(), new Date(Date.now() + 10_000));
      now = 4000;
      assert.deepEqual(conf.current().nameservers, ['10.0.0.1'], 'looked again before the interval');
      now = 5000;
      assert.deepEqual(conf.current().nameservers, ['10.9.9.9', '10.9.9.8']);
      rmSync(path);
      now = 10_000;
      assert.deepEqual(conf.current().nameservers, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads upstream specs with and without ports', () => {
    assert.deepEqual(parseUpstream('10.0.0.1'), { host: '10.0.0.1', port: 53, family: 4 });
    assert.deepEqual(parseUpstream('10.0.0.1:5353'), { host: '10.0.0.1', port: 5353, family: 4 });
    assert.deepEqual(parseUpstream('fd00::1'), { host: 'fd00::1', port: 53, family: 6 });
    assert.deepEqual(parseUpstream('[fd00::1]:99'), { host: 'fd00::1', port: 99, family: 6 });
    for (const bad of ['example.com', '10.0.0.1:0', '10.0.0.1:70000', '']) assert.equal(parseUpstream(bad), undefined, bad);
  });
});

describe('Forwarder', () => {
  let good: FakeUpstream;
  let silent: FakeUpstream;
  let failing: FakeUpstream;
  let big: FakeUpstream;
  before(async () => {
    good = await startFakeUpstream((q) =>
      q.questions[0]!.name === 'nx.example' ? buildResponse(q, { rcode: RCode.NXDOMAIN }) : buildResponse(q, { rcode: 0, answers: [a(q.questions[0]!.name, '192.0.2.1')] }),
    );
    silent = await startFakeUpstream(() => undefined);
    failing = await startFakeUpstream((q) => buildResponse(q, { rcode: RCode.SERVFAIL }));
    const many = (name: string): Answer[] => Array.from({ length: 60 }, (_, i) => a(name, `192.0.2.${i + 1}`));
    big = await startFakeUpstream((q, _raw, t) => buildResponse(q, { rcode: 0, answers: many(q.questions[0]!.name), maxSize: t === 'udp' ? 512 : undefined }));
  });
  after(async () => {
    await Promise.all([good, silent, failing, big].map((u) => u?.close()));
  });

  const ask = (f: Forwarder, name: string, id = 0x5151, tcp = false): Promise<Buffer | string> => {
    const raw = buildQuery(id, name, RRType.A);
    return f.forward(raw, parseMessage(raw), tcp);
  };

  it('relays the upstream answer with the client id, hiding that id from the upstream', async () => {
    const f = new Forwarder({ upstreams: () => [good.spec] });
    const r = await ask(f, 'www.example', 0x5151);
    assert.ok(Buffer.isBuffer(r));
    const m = parseMessage(r);
    assert.equal(m.header.id, 0x5151);
    assert.equal(m.answers[0]!.address, '192.0.2.1');
    const nx = await ask(f, 'nx.example');
    assert.ok(Buffer.isBuffer(nx));
    assert.equal(parseHeader(nx)!.rcode, RCode.NXDOMAIN);
    const ids = good.seen.map((s) => s.query.header.id);
    assert.ok(ids.some((id) => id !== 0x5151), 'every upstream query carried the client id');
  });

  it('fails over from a silent upstream within its share of the budget', async () => {
    const f = new Forwarder({ upstreams: () => [silent.spec, good.spec], timeoutMs: 800 });
    const t = Date.now();
    const r = await ask(f, 'x.example');
    assert.ok(Buffer.isBuffer(r));
    assert.equal(parseMessage(r).answers.length, 1);
    assert.ok(Date.now() - t < 800, `took ${Date.now() - t} ms`);
  });

  it('fails over at once from a closed port and from SERVFAIL', async () => {
    const port = await closedPort();
    const f = new Forwarder({ upstreams: () => [`127.0.0.1:${port}`, failing.spec, good.spec], timeoutMs: 1500 });
    const t = Date.now();
    const r = await ask(f, 'y.example');
    assert.ok(Buffer.isBuffer(r));
    assert.equal(parseMessage(r).answers.length, 1);
    assert.ok(Date.now() - t < 300, `took ${Date.now() - t} ms`);
  });

  it('gives the last SERVFAIL when every upstream fails that way, and "failed" when none answers in time', async () => {
    const f = new Forwarder({ upstreams: () => [failing.spec], timeoutMs: 500 });
    const r = await ask(f, 'z.example', 77);
    assert.ok(Buffer.isBuffer(r));
    assert.equal(parseHeader(r)!.rcode, RCode.SERVFAIL);
    assert.equal(parseHeader(r)!.id, 77);
    const g = new Forwarder({ upstreams: () => [silent.spec], timeoutMs: 300 });
    const t = Date.now();
    assert.equal(await ask(g, 'z.example'), 'failed');
    assert.ok(Date.now() - t < 600);
    assert.equal(await ask(new Forwarder({ upstreams: () => [] }), 'z.example'), 'no-upstream');
    assert.equal(await ask(new Forwarder({ upstreams: () => [good.spec], exclude: (h) => h === '127.0.0.1' }), 'z.example'), 'no-upstream');
  });

  it('refuses beyond its in-flight cap instead of queueing', async () => {
    const f = new Forwarder({ upstreams: () => [silent.spec], timeoutMs: 300, maxInFlight: 2 });
    const slow = [ask(f, 'a.example'), ask(f, 'b.example')];
    assert.equal(f.pending, 2);
    assert.equal(await ask(f, 'c.example'), 'busy');
    assert.deepEqual(await Promise.all(slow), ['failed', 'failed']);
    assert.equal(f.pending, 0);
  });

  it('asks again over TCP when a TCP client gets a truncated answer; a UDP client gets TC', async () => {
    const f = new Forwarder({ upstreams: () => [big.spec] });
    const udp = await ask(f, 'big.example', 1, false);
    assert.ok(Buffer.isBuffer(udp));
    assert.equal(parseHeader(udp)!.tc, true);
    const tcp = await ask(f, 'big.example', 2, true);
    assert.ok(Buffer.isBuffer(tcp));
    const m = parseMessage(tcp);
    assert.equal(m.header.tc, false);
    assert.equal(m.header.id, 2);
    assert.equal(m.answers.length, 60);
    assert.deepEqual(big.seen.map((s) => s.transport), ['udp', 'udp', 'tcp']);
  });

  it('ignores answers that do not match the query (another id, another question)', async () => {
    const wrongId = await startFakeUpstream((q) => buildResponse({ ...q, header: { ...q.header, id: q.header.id ^ 1 } }, { rcode: 0, answers: [a(q.questions[0]!.name, '6.6.6.6')] }));
    const wrongName = await startFakeUpstream((q) => buildResponse({ ...q, questions: [{ ...q.questions[0]!, name: 'evil.example' }] }, { rcode: 0, answers: [a('evil.example', '6.6.6.6')] }));
    try {
      const f = new Forwarder({ upstreams: () => [wrongId.spec, wrongName.spec, good.spec], timeoutMs: 900 });
      const r = await ask(f, 'w.example');
      assert.ok(Buffer.isBuffer(r));
      assert.equal(parseMessage(r).answers[0]!.address, '192.0.2.1');
      assert.equal(wrongId.seen.length, 1);
      assert.equal(wrongName.seen.length, 1);
    } finally {
      await Promise.all([wrongId.close(), wrongName.close()]);
    }
  });
});
