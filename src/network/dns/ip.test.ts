import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressFromReverseName, canonicalIPv6, formatIPv6, ipv4Bytes, ipv6Bytes } from './ip.js';

describe('dns ip helpers', () => {
  it('reads dotted quads and refuses what is not one', () => {
    assert.deepEqual([...ipv4Bytes('10.1.2.254')!], [10, 1, 2, 254]);
    for (const bad of ['10.1.2', '10.1.2.256', '1.2.3.4.5', 'a.b.c.d', '1.2.3.', '']) assert.equal(ipv4Bytes(bad), undefined, bad);
  });

  it('reads IPv6 with ::, an embedded IPv4 and a zone', () => {
    assert.equal(ipv6Bytes('::1')!.toString('hex'), '00000000000000000000000000000001');
    assert.equal(ipv6Bytes('fd00:1::')!.toString('hex'), 'fd000001000000000000000000000000');
    assert.equal(ipv6Bytes('::ffff:10.0.0.1')!.toString('hex'), '00000000000000000000ffff0a000001');
    assert.equal(ipv6Bytes('fe80::1%eth0')!.toString('hex'), 'fe800000000000000000000000000001');
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '1:2:3:4:5:6:7::8']) assert.equal(ipv6Bytes(bad), undefined, bad);
  });

  it('writes IPv6 the RFC 5952 way', () => {
    assert.equal(canonicalIPv6('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
    assert.equal(canonicalIPv6('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(canonicalIPv6('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
    assert.equal(canonicalIPv6('::'), '::');
    assert.equal(formatIPv6(Buffer.alloc(16)), '::');
  });

  it('turns reverse names into addresses, and only whole addresses', () => {
    assert.equal(addressFromReverseName('4.3.2.10.in-addr.arpa'), '10.2.3.4');
    assert.equal(addressFromReverseName('3.2.10.in-addr.arpa'), undefined);
    assert.equal(addressFromReverseName('04.3.2.10.in-addr.arpa'), undefined);
    assert.equal(addressFromReverseName('256.3.2.10.in-addr.arpa'), undefined);
    const v6 = '2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa';
    assert.equal(addressFromReverseName(v6), 'fd00:1::2');
    assert.equal(addressFromReverseName(v6.slice(2)), undefined);
    assert.equal(addressFromReverseName('example.com'), undefined);
  });
});
