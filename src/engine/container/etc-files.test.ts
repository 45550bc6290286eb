import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHosts, renderResolvConf } from './etc-files.js';

const LOCAL = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n';
const HOST_RESOLV = '# from the host\nnameserver 127.0.0.53\nnameserver 192.168.1.1\nsearch lan corp.example\noptions edns0 trust-ad\n';

test('/etc/hosts lists loopback, --add-host entries, links, then the container\'s own addresses', () => {
  const text = renderHosts({
    hostname: 'web', domainname: 'example.com',
    sandbox: { mode: 'private', addresses: ['10.1.0.2', '10.4.0.3'], hosts: [{ address: '10.1.0.5', names: ['database', 'dbhost', 'db'] }] },
    extraHosts: [{ address: '10.1.0.1', names: ['host.docker.internal'] }],
  });
  assert.equal(text, `${LOCAL}10.1.0.1\thost.docker.internal\n10.1.0.5\tdatabase dbhost db\n10.1.0.2\tweb.example.com web\n10.4.0.3\tweb.example.com web\n`);
});

test('/etc/hosts without an address names the container on 127.0.1.1; with the host\'s network it is the host\'s file', () => {
  assert.equal(renderHosts({ hostname: 'abc', sandbox: { mode: 'none', addresses: [] } }), `${LOCAL}127.0.1.1\tabc\n`);
  assert.equal(renderHosts({ hostname: 'abc', sandbox: { mode: 'host', addresses: [] }, extraHosts: [{ address: '1.2.3.4', names: ['x'] }] }, '127.0.0.1 localhost\n'),
    '127.0.0.1 localhost\n1.2.3.4\tx\n');
});

test('resolv.conf: the host\'s without loopback servers, --dns and friends replace their lines', () => {
  const sandbox = { mode: 'private' as const, addresses: ['10.1.0.2'] };
  assert.equal(renderResolvConf({ hostname: 'h', sandbox }, HOST_RESOLV), 'search lan corp.example\nnameserver 192.168.1.1\noptions edns0 trust-ad\n');
  assert.equal(renderResolvConf({ hostname: 'h', sandbox, dns: ['9.9.9.9', '1.1.1.1'], dnsSearch: ['example.com'], dnsOptions: ['ndots:2', 'timeout:1'] }, HOST_RESOLV),
    'search example.com\nnameserver 9.9.9.9\nnameserver 1.1.1.1\noptions ndots:2 timeout:1\n');
  assert.equal(renderResolvConf({ hostname: 'h', sandbox, dnsSearch: ['.'] }, HOST_RESOLV), 'nameserver 192.168.1.1\noptions edns0 trust-ad\n');
  // Only loopback servers on the host: unreachable from the container, public ones instead.
  assert.equal(renderResolvConf({ hostname: 'h', sandbox }, 'nameserver 127.0.0.53\n'), 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n');
});

test('resolv.conf on a user network points at the embedded DNS; with the host\'s network the host\'s servers stay', () => {
  assert.equal(renderResolvConf({ hostname: 'h', sandbox: { mode: 'private', addresses: ['10.4.0.2'], nameservers: ['10.4.0.1'] } }, HOST_RESOLV),
    'search lan corp.example\nnameserver 10.4.0.1\noptions edns0 trust-ad ndots:0\n');
  assert.equal(renderResolvConf({ hostname: 'h', sandbox: { mode: 'private', addresses: ['10.4.0.2'], nameservers: ['10.4.0.1'] }, dnsOptions: ['ndots:2'] }, ''),
    'nameserver 10.4.0.1\noptions ndots:2\n');
  assert.equal(renderResolvConf({ hostname: 'h', sandbox: { mode: 'host', addresses: [] } }, HOST_RESOLV),
    'search lan corp.example\nnameserver 127.0.0.53\nnameserver 192.168.1.1\noptions edns0 trust-ad\n');
});
