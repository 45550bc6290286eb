import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDaemon } from '../../../client/testing/fake-daemon.js';
import { runCaptured } from '../../testing/capture.js';

let daemon: FakeDaemon;
const berth = (...args: string[]) => runCaptured(['-H', daemon.host, ...args]);
before(async () => { daemon = await new FakeDaemon().listen(); });
after(() => daemon.close());

const inspect = {
  Id: 'c0ffee', Name: '/web', State: { Status: 'running' }, Config: {}, HostConfig: {},
  NetworkSettings: {
    Ports: {
      '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }],
      '9/udp': [{ HostIp: '127.0.0.1', HostPort: '32768' }],
      '443/tcp': null,
    },
  },
};

test('port lists every mapping in docker\'s natural order, IPv6 hosts in brackets', async () => {
  daemon.json('GET /containers/web/json', 200, inspect);
  const r = await berth('port', 'web');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '9/udp -> 127.0.0.1:32768\n80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n');
});

test('port with a private port prints its host side, or docker\'s error', async () => {
  daemon.json('GET /containers/web/json', 200, inspect);
  let r = await berth('port', 'web', '80');
  assert.equal(r.stdout, '0.0.0.0:8080\n[::]:8080\n');
  r = await berth('port', 'web', '9/udp');
  assert.equal(r.stdout, '127.0.0.1:32768\n');
  r = await berth('port', 'web', '443');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Error: No public port '443' published for web/);
});

test('the PORTS column collapses what docker collapses', async () => {
  const { formatPorts } = await import('../../format/container-row.js');
  assert.equal(formatPorts([
    { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
  ]), '0.0.0.0:8080->80/tcp, [::]:8080->80/tcp');
  assert.equal(formatPorts([
    { PrivatePort: 7001, Type: 'tcp' }, { PrivatePort: 7000, Type: 'tcp' }, { PrivatePort: 7003, Type: 'tcp' }, { PrivatePort: 53, Type: 'udp' },
  ]), '7000-7001/tcp, 53/udp, 7003/tcp');
  assert.equal(formatPorts([
    { IP: '0.0.0.0', PrivatePort: 9000, PublicPort: 9000, Type: 'tcp' }, { IP: '0.0.0.0', PrivatePort: 9001, PublicPort: 9001, Type: 'tcp' },
    { IP: '::', PrivatePort: 9000, PublicPort: 9000, Type: 'tcp' }, { IP: '::', PrivatePort: 9001, PublicPort: 9001, Type: 'tcp' },
  ]), '0.0.0.0:9000-9001->9000-9001/tcp, :::9000-9001->9000-9001/tcp');
});
