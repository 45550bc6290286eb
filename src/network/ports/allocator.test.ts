import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { PortAllocator, probeHostPort } from './allocator.js';
import type { PortRequest } from '../types.js';

const owner = (n: string) => ({ containerId: n.repeat(64).slice(0, 64), endpointName: `c${n}`, endpointId: `${n}`.repeat(64).slice(0, 64) });
const req = (p: Partial<PortRequest>): PortRequest => ({ proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 0, hostPortEnd: 0, ...p });
const free = async () => undefined;

test('a host port taken by another container on an overlapping address is refused with Docker\'s message', async () => {
  const a = new PortAllocator({ range: [40000, 40010], firstPort: 40000, probe: free });
  const m = await a.allocate(owner('a'), [req({ hostPort: 8080 })], true);
  assert.deepEqual(m, [{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080 }, { proto: 'tcp', containerPort: 80, hostIp: '::', hostPort: 8080 }]);
  const b = owner('b');
  await assert.rejects(a.allocate(b, [req({ hostPort: 8080, hostIp: '127.0.0.1' })]), {
    message: `driver failed programming external connectivity on endpoint cb (${b.endpointId}): Bind for 127.0.0.1:8080 failed: port is already allocated`,
  });
  // Another protocol is another port.
  assert.equal((await a.allocate(b, [req({ hostPort: 8080, proto: 'udp', hostIp: '127.0.0.1' })]))[0]!.hostPort, 8080);
  a.release(owner('a').containerId);
  assert.equal((await a.allocate(owner('c'), [req({ hostPort: 8080, hostIp: '127.0.0.1' })]))[0]!.hostIp, '127.0.0.1');
});

test('all or nothing: a failing request gives back the ports already taken for the container', async () => {
  const a = new PortAllocator({ range: [40000, 40010], firstPort: 40000, probe: free });
  await a.allocate(owner('a'), [req({ hostPort: 9000 })]);
  await assert.rejects(a.allocate(owner('b'), [req({ hostPort: 9001 }), req({ hostPort: 9000, containerPort: 81 })]), /Bind for 0.0.0.0:9000 failed/);
  assert.equal((await a.allocate(owner('c'), [req({ hostPort: 9001 })]))[0]!.hostPort, 9001);
});

test('random ports go round the ephemeral range; ranges take the first free port', async () => {
  const a = new PortAllocator({ range: [40000, 40002], firstPort: 40000, probe: async (_p, _ip, port) => (port === 40001 ? 'listen tcp4 0.0.0.0:40001: bind: address already in use' : undefined) });
  const ports = [];
  for (const n of ['a', 'b']) ports.push((await a.allocate(owner(n), [req({})]))[0]!.hostPort);
  assert.deepEqual(ports, [40000, 40002]);
  await assert.rejects(a.allocate(owner('c'), [req({})]), /all ports are allocated/);
  const r = new PortAllocator({ range: [40000, 40002], firstPort: 40000, probe: free });
  await r.allocate(owner('a'), [req({ hostPort: 7000 })]);
  assert.equal((await r.allocate(owner('b'), [req({ hostPort: 7000, hostPortEnd: 7005 })]))[0]!.hostPort, 7001);
});

test('a port a host process holds is refused with the userland-proxy wording', async () => {
  const srv: Server = createServer();
  await new Promise<void>((res) => srv.listen({ host: '127.0.0.1', port: 0 }, res));
  const port = (srv.address() as { port: number }).port;
  try {
    assert.equal(await probeHostPort('tcp', '127.0.0.1', port), `listen tcp4 127.0.0.1:${port}: bind: address already in use`);
    const a = new PortAllocator({ range: [40000, 40010], firstPort: 40000 });
    const o = owner('a');
    await assert.rejects(a.allocate(o, [req({ hostPort: port, hostIp: '127.0.0.1' })]), {
      message: `driver failed programming external connectivity on endpoint ca (${o.endpointId}): Error starting userland proxy: listen tcp4 127.0.0.1:${port}: bind: address already in use`,
    });
  } finally {
    srv.close();
  }
  assert.equal(await probeHostPort('udp', '127.0.0.1', port), undefined);
});

test('a published port stays bound while it is published, so another engine or a host process cannot take it', async () => {
  const a = new PortAllocator({ range: [40000, 40010], firstPort: 40000 });
  const probe = new PortAllocator({ range: [40000, 40010], firstPort: 40000 });
  const tcp = (await a.allocate(owner('a'), [req({ hostPort: 0, hostIp: '127.0.0.1' })]))[0]!;
  const udp = (await a.allocate(owner('b'), [req({ hostPort: 0, hostIp: '127.0.0.1', proto: 'udp' })]))[0]!;
  assert.equal(await probeHostPort('tcp', '127.0.0.1', tcp.hostPort), `listen tcp4 127.0.0.1:${tcp.hostPort}: bind: address already in use`);
  assert.equal(await probeHostPort('udp', '127.0.0.1', udp.hostPort), `listen udp4 127.0.0.1:${udp.hostPort}: bind: address already in use`);
  // A second allocator (another daemon) skips the held port when it picks one.
  const other = (await probe.allocate(owner('c'), [req({ hostPort: 0, hostIp: '127.0.0.1' })]))[0]!;
  assert.notEqual(other.hostPort, tcp.hostPort);
  probe.release(owner('c').containerId);
  a.release(owner('a').containerId);
  a.release(owner('b').containerId);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(await probeHostPort('tcp', '127.0.0.1', tcp.hostPort), undefined);
  assert.equal(await probeHostPort('udp', '127.0.0.1', udp.hostPort), undefined);
});
