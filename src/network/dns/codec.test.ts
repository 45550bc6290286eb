import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { buildQuery, buildResponse, clientUdpLimit, DnsFormatError, encodeName, parseHeader, parseMessage, RCode, RRType, withId } from './codec.js';

/** A header with the given counts followed by `body`. */
function packet(counts: [number, number, number, number], body: number[], id = 0x1234, flags = 0x0100): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(flags, 2);
  counts.forEach((c, i) => h.writeUInt16BE(c, 4 + i * 2));
  return Buffer.concat([h, Buffer.from(body)]);
}

/** Parsing either succeeds or throws DnsFormatError: never another error, never a hang. */
function parsesSafely(buf: Buffer): boolean {
  try {
    parseMessage(buf);
    return true;
  } catch (err) {
    if (!(err instanceof DnsFormatError)) throw err;
    return false;
  }
}

describe('dns codec', () => {
  it('round-trips a query, keeping the letter case the client sent', () => {
    const q = buildQuery(0xbeef, 'Web.MyNet', RRType.AAAA);
    const m = parseMessage(q);
    assert.equal(m.header.id, 0xbeef);
    assert.equal(m.header.qr, false);
    assert.equal(m.header.rd, true);
    assert.deepEqual(m.questions, [{ name: 'Web.MyNet', type: RRType.AAAA, class: 1 }]);
    assert.equal(m.edns, undefined);
    assert.equal(clientUdpLimit(m), 512);
  });

  it('builds answers with the question echoed and answer names compressed to it', () => {
    const q = parseMessage(buildQuery(7, 'web', RRType.A));
    const r = buildResponse(q, {
      rcode: RCode.NOERROR,
      aa: true,
      answers: [
        { name: 'web', type: RRType.A, ttl: 60, value: '10.0.0.2' },
        { name: 'web', type: RRType.A, ttl: 60, value: '10.0.0.3' },
      ],
    });
    const m = parseMessage(r);
    assert.equal(m.header.id, 7);
    assert.ok(m.header.qr && m.header.aa && m.header.rd && m.header.ra && !m.header.tc);
    assert.equal(m.header.rcode, RCode.NOERROR);
    assert.deepEqual(m.questions, q.questions);
    assert.deepEqual(m.answers.map((a) => [a.name, a.type, a.ttl, a.address]), [
      ['web', RRType.A, 60, '10.0.0.2'],
      ['web', RRType.A, 60, '10.0.0.3'],
    ]);
    // Header 12 + question 9 + two answers of pointer(2) + 10 + 4.
    assert.equal(r.length, 12 + 9 + 2 * 16);
  });

  it('builds AAAA and PTR answers', () => {
    const q6 = parseMessage(buildQuery(1, 'db', RRType.AAAA));
    const m6 = parseMessage(buildResponse(q6, { rcode: 0, answers: [{ name: 'db', type: RRType.AAAA, ttl: 5, value: 'fd00::2' }] }));
    assert.equal(m6.answers[0]!.address, 'fd00::2');
    const name = '2.0.0.10.in-addr.arpa';
    const qp = parseMessage(buildQuery(2, name, RRType.PTR));
    const mp = parseMessage(buildResponse(qp, { rcode: 0, answers: [{ name, type: RRType.PTR, ttl: 5, value: 'web.mynet' }] }));
    assert.equal(mp.answers[0]!.target, 'web.mynet');
  });

  it('reads EDNS and echoes a minimal OPT, with BADVERS in the extended bits', () => {
    const q = parseMessage(buildQuery(3, 'x', RRType.A, { edns: true }));
    assert.deepEqual(q.edns, { udpSize: 1232, version: 0, extRcode: 0, dnssecOk: false });
    assert.equal(clientUdpLimit(q), 1232);
    const r = parseMessage(buildResponse(q, { rcode: RCode.NXDOMAIN }));
    assert.equal(r.header.rcode, RCode.NXDOMAIN);
    assert.equal(r.additionals.length, 1);
    assert.equal(r.edns?.version, 0);
    const bad = parseMessage(buildResponse(q, { rcode: 16 }));
    assert.equal(bad.header.rcode, 0);
    assert.equal(bad.edns?.extRcode, 1);
    // A client advertising less than 512 still gets 512; more than 4096 is capped.
    const tiny = packet([1, 0, 0, 1], [1, 0x78, 0, 0, 1, 0, 1, 0, 0, 41, 0, 100, 0, 0, 0, 0, 0, 0]);
    assert.equal(clientUdpLimit(parseMessage(tiny)), 512);
  });

  it('refuses a second OPT record and an OPT not owned by the root', () => {
    const opt = [0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0];
    assert.throws(() => parseMessage(packet([1, 0, 0, 2], [1, 0x78, 0, 0, 1, 0, 1, ...opt, ...opt])), DnsFormatError);
    assert.throws(() => parseMessage(packet([1, 0, 0, 1], [1, 0x78, 0, 0, 1, 0, 1, 1, 0x61, ...opt])), DnsFormatError);
  });

  it('truncates to the size a UDP client accepts, setting TC', () => {
    const q = parseMessage(buildQuery(4, 'many', RRType.A));
    const answers = Array.from({ length: 40 }, (_, i) => ({ name: 'many', type: RRType.A, ttl: 60, value: `10.0.0.${i + 1}` }));
    const big = parseMessage(buildResponse(q, { rcode: 0, answers, maxSize: 4096 }));
    assert.equal(big.answers.length, 40);
    const cut = parseMessage(buildResponse(q, { rcode: 0, answers, maxSize: 512 }));
    assert.equal(cut.header.tc, true);
    assert.equal(cut.answers.length, 0);
    assert.equal(cut.questions.length, 1);
  });

  it('builds error replies from a bare header (FORMERR, NOTIMP)', () => {
    const h = parseHeader(packet([0, 0, 0, 0], [], 0x4242, 0x2100))!;
    const r = parseMessage(buildResponse({ header: h }, { rcode: RCode.NOTIMP }));
    assert.equal(r.header.id, 0x4242);
    assert.equal(r.header.opcode, 4);
    assert.equal(r.header.rcode, RCode.NOTIMP);
    assert.equal(r.questions.length, 0);
  });

  it('parses qdcount 0 and several questions; the server decides what to do with them', () => {
    assert.equal(parseMessage(packet([0, 0, 0, 0], [])).questions.length, 0);
    const two = packet([2, 0, 0, 0], [1, 0x61, 0, 0, 1, 0, 1, 1, 0x62, 0, 0, 28, 0, 1]);
    assert.deepEqual(parseMessage(two).questions.map((q) => q.name), ['a', 'b']);
  });

  it('follows compression pointers backwards', () => {
    // "a" at 12, then a second question "b" + pointer to 12 -> "b.a".
    const m = parseMessage(packet([2, 0, 0, 0], [1, 0x61, 0, 0, 1, 0, 1, 1, 0x62, 0xc0, 12, 0, 1, 0, 1]));
    assert.equal(m.questions[1]!.name, 'b.a');
  });

  it('refuses pointer loops, forward pointers and pointers past the end', () => {
    assert.throws(() => parseMessage(packet([1, 0, 0, 0], [0xc0, 12, 0, 1, 0, 1])), /backwards/);
    assert.throws(() => parseMessage(packet([1, 0, 0, 0], [0xc0, 14, 0xc0, 12, 0, 1, 0, 1])), DnsFormatError);
    // A label then a pointer back into that label: strictly before the pointer but after the name start.
    assert.throws(() => parseMessage(packet([1, 0, 0, 0], [1, 0x01, 0xc0, 13, 0, 1, 0, 1])), DnsFormatError);
    assert.throws(() => parseMessage(packet([1, 0, 0, 0], [0xc0])), DnsFormatError);
    assert.throws(() => parseMessage(packet([1, 0, 0, 0], [0xff, 0xff])), DnsFormatError);
  });

  it('refuses oversized labels and names', () => {
    // 0x40 and 0x80 are label types nobody uses; a 64-byte length reads as 0x40.
    assert.throws(() => parseMessage(packet([1, 0, 0, 0], [64, ...Buffer.alloc(64, 0x61), 0, 0, 1, 0, 1])), /label type/);
    const long: number[] = [];
    for (let i = 0; i < 5; i++) long.push(63, ...Buffer.alloc(63, 0x61));
    assert.throws(() => parseMessage(packet([1, 0, 0, 0], [...long, 0, 0, 1, 0, 1])), /255/);
    assert.throws(() => encodeName('a'.repeat(64)), DnsFormatError);
    assert.throws(() => encodeName(Array.from({ length: 5 }, () => 'a'.repeat(63)).join('.')), /255/);
    assert.throws(() => encodeName('a..b'), DnsFormatError);
  });

  it('refuses counts larger than the packet, without looping through them', () => {
    const t = Date.now();
    assert.throws(() => parseMessage(packet([65535, 65535, 65535, 65535], [0, 0, 1, 0, 1])), DnsFormatError);
    assert.ok(Date.now() - t < 100);
  });

  it('never throws anything but DnsFormatError on truncations and random bytes', () => {
    const q = buildQuery(9, 'web.example', RRType.A, { edns: true });
    const full = buildResponse(parseMessage(q), { rcode: 0, answers: [{ name: 'web.example', type: RRType.A, ttl: 1, value: '1.2.3.4' }, { name: 'other', type: RRType.PTR, ttl: 1, value: 'x.y' }] });
    for (let n = 0; n < full.length; n++) assert.equal(parsesSafely(full.subarray(0, n)), false, `prefix of ${n} bytes parsed`);
    assert.equal(parsesSafely(full), true);
    for (let i = 0; i < 20000; i++) {
      const b = randomBytes(12 + (i % 60));
      if (i % 2) b.writeUInt16BE(1 + (i % 3), 4);
      parsesSafely(b);
    }
    // Flipping single bytes of a valid message.
    for (let i = 0; i < full.length; i++) {
      for (const v of [0, 0xc0, 0x3f, 0xff]) {
        const b = Buffer.from(full);
        b[i] = v;
        parsesSafely(b);
      }
    }
  });

  it('keeps odd bytes of a name through a parse/build round trip', () => {
    const raw = packet([1, 0, 0, 0], [3, 0x61, 0x2e, 0x00, 1, 0x5c, 0, 0, 1, 0, 1]);
    const m = parseMessage(raw);
    assert.equal(m.questions[0]!.name, 'a\\.\\000.\\\\');
    assert.deepEqual(encodeName(m.questions[0]!.name), Buffer.from([3, 0x61, 0x2e, 0x00, 1, 0x5c, 0]));
    const r = buildResponse(m, { rcode: RCode.NXDOMAIN });
    assert.deepEqual(r.subarray(12), raw.subarray(12));
  });

  it('rewrites ids on a copy', () => {
    const q = buildQuery(1, 'a', RRType.A);
    const c = withId(q, 0xffff);
    assert.equal(c.readUInt16BE(0), 0xffff);
    assert.equal(q.readUInt16BE(0), 1);
  });
});
