import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags } from '../../flags.js';
import { buildCreatePlan, CREATE_FLAGS } from './create-options.js';
import { parsePorts } from './network-options.js';

/** The create request `berth run -d <args>` sends. */
function plan(...args: string[]): Record<string, any> {
  const parsed = parseFlags({ flags: CREATE_FLAGS, stopAtFirstPositional: true }, args);
  return buildCreatePlan(parsed.flags, parsed.args, {}, true).config as Record<string, any>;
}

test('-p in every form docker takes', () => {
  const { exposed, bindings } = parsePorts(
    ['80', '8080:81', '8081:82/udp', '127.0.0.1:8082:83', '127.0.0.1::84', '[::1]:8083:85', '::1:8084:86', '9000-9001:90-91', '7000-7010:92', 'published=6000,target=93,protocol=sctp'],
    ['100-101/udp', '102'],
  );
  assert.deepEqual(bindings, {
    '80/tcp': [{ HostIp: '', HostPort: '' }],
    '81/tcp': [{ HostIp: '', HostPort: '8080' }],
    '82/udp': [{ HostIp: '', HostPort: '8081' }],
    '83/tcp': [{ HostIp: '127.0.0.1', HostPort: '8082' }],
    '84/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
    '85/tcp': [{ HostIp: '::1', HostPort: '8083' }],
    '86/tcp': [{ HostIp: '::1', HostPort: '8084' }],
    '90/tcp': [{ HostIp: '', HostPort: '9000' }],
    '91/tcp': [{ HostIp: '', HostPort: '9001' }],
    '92/tcp': [{ HostIp: '', HostPort: '7000-7010' }],
    '93/sctp': [{ HostIp: '', HostPort: '6000' }],
  });
  assert.deepEqual(Object.keys(exposed).sort(), [...Object.keys(bindings), '100/udp', '101/udp', '102/tcp'].sort());
});

test('-p and --expose refuse what docker refuses, with its words', () => {
  const bad = (p: string[], e: string[], msg: string): void => assert.throws(() => parsePorts(p, e), { message: msg });
  bad(['8000-8002:80-81'], [], 'invalid ranges specified for container and host Ports: 80-81 and 8000-8002');
  bad(['80/icmp'], [], 'invalid proto: icmp');
  bad(['x'], [], 'invalid containerPort: x');
  bad(['x:80'], [], 'invalid hostPort: x');
  bad(['1.2.3:80:80'], [], 'invalid IP address: 1.2.3');
  bad(['8080:'], [], 'no port specified: 8080:<empty>');
  bad([], ['80:80'], 'invalid port format for --expose: 80:80');
  bad(['published=80,target'], [], "invalid publish opts format (should be name=value but got 'target')");
});

test('without --network docker 28 sends NetworkMode "default" and the "default" endpoint', () => {
  const c = plan('busybox');
  assert.equal(c.HostConfig.NetworkMode, 'default');
  assert.deepEqual(c.NetworkingConfig, { EndpointsConfig: { default: {} } });
  const m = plan('--mac-address', '02:42:ac:11:00:09', '--link', 'db:database', 'busybox');
  assert.deepEqual(m.NetworkingConfig, { EndpointsConfig: { default: { MacAddress: '02:42:ac:11:00:09' } } });
  // On the default bridge --link is a legacy link, in HostConfig only.
  assert.deepEqual(m.HostConfig.Links, ['db:database']);
  assert.equal(m.MacAddress, undefined);
});

test('the first --network carries --network-alias, --ip, --ip6, --mac-address and --link; a lone plain one sends no endpoint', () => {
  assert.deepEqual(plan('--network', 'front', 'busybox').NetworkingConfig, { EndpointsConfig: {} });
  const c = plan('--network', 'front', '--net', 'back', '--network-alias', 'web', '--ip', '10.4.0.9', '--ip6', 'fd00::9',
    '--link', 'db:database', '--mac-address', '02:42:ac:11:00:09', 'busybox');
  assert.equal(c.HostConfig.NetworkMode, 'front');
  assert.deepEqual(c.NetworkingConfig.EndpointsConfig, {
    front: { IPAMConfig: { IPv4Address: '10.4.0.9', IPv6Address: 'fd00::9' }, Links: ['db:database'], Aliases: ['web'], MacAddress: '02:42:ac:11:00:09' },
    back: {},
  });
  assert.deepEqual(c.HostConfig.Links, ['db:database']);
});

test('--network\'s advanced syntax', () => {
  const c = plan('--network', 'name=front,alias=a1,alias=a2,ip=10.4.0.5,driver-opt=k=v,gw-priority=5', '--network', 'name=back,mac-address=02:42:ac:11:00:02', 'busybox');
  assert.equal(c.HostConfig.NetworkMode, 'front');
  assert.deepEqual(c.NetworkingConfig.EndpointsConfig, {
    front: { IPAMConfig: { IPv4Address: '10.4.0.5' }, Aliases: ['a1', 'a2'], DriverOpts: { k: 'v' }, GwPriority: 5 },
    back: { MacAddress: '02:42:ac:11:00:02' },
  });
  assert.throws(() => plan('--network', 'name=front,alias=a', '--network-alias', 'b', 'busybox'), { message: 'conflicting options: cannot specify both --network-alias and per-network alias' });
  assert.throws(() => plan('--network', 'name=front,colour=red', 'busybox'), { message: 'invalid field key colour' });
});

test('network flags docker refuses before asking the daemon', () => {
  assert.throws(() => plan('--network', 'host', '--network', 'front', 'busybox'), { message: 'conflicting options: cannot attach both user-defined and non-user-defined network-modes' });
  assert.throws(() => plan('--network', 'front', '--network', 'front', 'busybox'), { message: 'network "front" is specified multiple times' });
  assert.throws(() => plan('--network-alias', 'x', 'busybox'), { message: 'network-scoped aliases are only supported for user-defined networks' });
  assert.throws(() => plan('--network', 'bridge', '--network-alias', 'x', 'busybox'), { message: 'network-scoped aliases are only supported for user-defined networks' });
  assert.throws(() => plan('--mac-address', 'nope', 'busybox'), { message: 'nope is not a valid mac address' });
});

test('--dns, --dns-search, --dns-option (and --dns-opt), --add-host, -P, --hostname and --domainname', () => {
  const c = plan('--dns', '9.9.9.9', '--dns-search', 'example.com', '--dns-option', 'ndots:2', '--dns-opt', 'timeout:1',
    '--add-host', 'gw:host-gateway', '-P', '--expose', '80', '-h', 'web', '--domainname', 'example.com', 'busybox');
  assert.deepEqual(c.HostConfig.Dns, ['9.9.9.9']);
  assert.deepEqual(c.HostConfig.DnsSearch, ['example.com']);
  assert.deepEqual(c.HostConfig.DnsOptions, ['ndots:2', 'timeout:1']);
  assert.deepEqual(c.HostConfig.ExtraHosts, ['gw:host-gateway']);
  assert.equal(c.HostConfig.PublishAllPorts, true);
  assert.deepEqual(c.ExposedPorts, { '80/tcp': {} });
  assert.equal(c.Hostname, 'web');
  assert.equal(c.Domainname, 'example.com');
});
