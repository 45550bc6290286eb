import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrString, containsCidr, containsIp, formatIp, lastOf, nth, overlaps, parseCidr, parseIp } from './cidr.js';

test('IPv4 and IPv6 addresses parse and print canonically', () => {
  assert.equal(formatIp(4, parseIp('10.63.0.1')!.value), '10.63.0.1');
  assert.equal(parseIp('256.0.0.1'), undefined);
  assert.equal(parseIp('10.0.0'), undefined);
  assert.equal(parseIp('010.0.0.1'), undefined);
  const v6 = (s: string) => { const ip = parseIp(s)!; assert.equal(ip.family, 6, s); return formatIp(6, ip.value); };
  assert.equal(v6('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(v6('::'), '::');
  assert.equal(v6('::1'), '::1');
  assert.equal(v6('fd00::'), 'fd00::');
  assert.equal(v6('2001:db8:0:1:0:0:1:1'), '2001:db8:0:1::1:1');
  assert.equal(v6('1:0:0:1:0:0:0:1'), '1:0:0:1::1');
  assert.equal(v6('::ffff:10.1.2.3'), '::ffff:a01:203');
  assert.equal(parseIp('1::2::3'), undefined);
  assert.equal(parseIp('1:2:3:4:5:6:7:8:9'), undefined);
  assert.equal(parseIp('12345::'), undefined);
});

test('prefixes: network, last address, nth, containment and overlap', () => {
  const c = parseCidr('10.63.0.1/16')!;
  assert.equal(cidrString(c), '10.63.0.0/16');
  assert.equal(formatIp(4, c.address), '10.63.0.1');
  assert.equal(formatIp(4, lastOf(c)), '10.63.255.255');
  assert.equal(formatIp(4, nth(c, 2n)!), '10.63.0.2');
  assert.equal(nth(c, 65536n), undefined);
  assert.ok(containsIp(c, parseIp('10.63.200.1')!));
  assert.ok(!containsIp(c, parseIp('10.64.0.1')!));
  assert.ok(containsCidr(c, parseCidr('10.63.5.0/24')!));
  assert.ok(!containsCidr(parseCidr('10.63.5.0/24')!, c));
  assert.ok(overlaps(c, parseCidr('10.0.0.0/8')!));
  assert.ok(!overlaps(c, parseCidr('10.64.0.0/16')!));
  assert.ok(!overlaps(c, parseCidr('fd00::/8')!));
  const v6 = parseCidr('fd12:3456:789a:1::5/64')!;
  assert.equal(cidrString(v6), 'fd12:3456:789a:1::/64');
  assert.equal(formatIp(6, lastOf(v6)), 'fd12:3456:789a:1:ffff:ffff:ffff:ffff');
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('10.0.0.0'), undefined);
  assert.equal(parseCidr('10.0.0.0/x'), undefined);
});
