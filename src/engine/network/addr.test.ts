import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contains, formatAddr, formatPrefix, masked, overlaps, parseAddr, parsePrefix } from './addr.js';

test('parses addresses as Go\'s netip does: strict dotted quads, IPv6 with :: and an IPv4 tail', () => {
  assert.deepEqual(parseAddr('10.1.2.3'), { family: 4, value: 0x0a010203n });
  for (const bad of ['010.1.2.3', '256.1.1.1', '1.2.3', '1.2.3.4.5', '', 'fe80::1%eth0', '1::2::3', '12345::', ':::', '1:2:3:4:5:6:7:8:9']) {
    assert.equal(parseAddr(bad), undefined, bad);
  }
  assert.equal(parseAddr('::')!.value, 0n);
  assert.equal(parseAddr('::1')!.value, 1n);
  assert.equal(parseAddr('2001:db8::5')!.value, 0x20010db8000000000000000000000005n);
  assert.equal(parseAddr('::ffff:10.0.0.1')!.value, 0xffff0a000001n);
  assert.equal(parseAddr('1:2:3:4:5:6:7:8')!.family, 6);
});

test('prefixes: masking, containment, overlap and Go\'s canonical text', () => {
  const p = parsePrefix('10.1.2.3/16')!;
  assert.equal(formatPrefix(masked(p)), '10.1.0.0/16');
  assert.ok(contains(p, parseAddr('10.1.255.1')!));
  assert.ok(!contains(p, parseAddr('10.2.0.1')!));
  assert.ok(!contains(p, parseAddr('::1')!));
  assert.ok(overlaps(parsePrefix('10.0.0.0/8')!, parsePrefix('10.9.0.0/24')!));
  assert.ok(!overlaps(parsePrefix('10.1.0.0/24')!, parsePrefix('10.1.1.0/24')!));
  assert.equal(parsePrefix('10.0.0.0/33'), undefined);
  assert.equal(parsePrefix('10.0.0.0/08'), undefined);
  assert.equal(parsePrefix('10.0.0.0'), undefined);
  assert.equal(formatPrefix(masked(parsePrefix('fd00:1:2:3::5/48')!)), 'fd00:1:2::/48');
  assert.equal(formatAddr(parseAddr('2001:0db8:0:0:1:0:0:1')!), '2001:db8::1:0:0:1');
  assert.equal(formatAddr(parseAddr('1:0:2:3:4:5:6:7')!), '1:0:2:3:4:5:6:7');
  assert.equal(formatAddr(parseAddr('::')!), '::');
});
