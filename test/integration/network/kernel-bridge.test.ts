// The bridge driver against the real kernel: veths born inside the container namespaces,
// addresses and routes as asked, traffic between two "containers", idempotent and complete
// cleanup. The namespaces stand in for containers; no daemon is involved.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../helpers/assert.js';
import { BridgeDriver } from '../../../src/network/drivers/bridge.js';
import { IpNetns } from '../../../src/sys/net/netns.js';
import { addrs, endpoint, kernelSkip, links, plan, rand, routes, server, sh, shQuiet, stopServers, talk } from './kernel-fixture.js';

describe('integration: bridge driver in the kernel', { skip: kernelSkip() }, () => {
  const tag = rand();
  const netns = new IpNetns();
  const driver = new BridgeDriver();
  const nsA = `t-kern-${tag}-a`;
  const nsB = `t-kern-${tag}-b`;
  const p = plan(`tkbr${tag}`, '10.147.11', {}, 'fd47:11');
  const epA = endpoint(p, 2, `tkva${tag}`, 'fd47:11');
  const epB = endpoint(p, 3, `tkvb${tag}`, 'fd47:11');

  before(async () => {
    await netns.create(nsA);
    await netns.create(nsB);
    await driver.createNetwork(p);
  });
  after(async () => {
    stopServers();
    for (const ns of [nsA, nsB]) shQuiet('ip', 'netns', 'del', ns);
    for (const l of [epA.hostIfname, epB.hostIfname, p.bridgeName, `tkfb${tag}`, `tkfc${tag}`]) shQuiet('ip', 'link', 'del', l);
  });

  it('makes the bridge with its gateway addresses, up, idempotently', async () => {
    await driver.createNetwork(p); // a second time: nothing to do, no error
    const br = JSON.parse(sh('ip', '-j', '-d', 'addr', 'show', 'dev', p.bridgeName))[0];
    assert.equal(br.linkinfo.info_kind, 'bridge');
    assert.ok(br.flags.includes('UP'), JSON.stringify(br.flags));
    const mine = br.addr_info.filter((a: { scope: string }) => a.scope === 'global').map((a: { local: string; prefixlen: number }) => `${a.local}/${a.prefixlen}`);
    assert.deepEqual(mine.sort(), ['10.147.11.1/24', 'fd47:11::1/64']);
    assert.equal(sh('cat', `/proc/sys/net/ipv4/conf/${p.bridgeName}/route_localnet`).trim(), '1');
    assert.equal(sh('cat', '/proc/sys/net/ipv4/ip_forward').trim(), '1');
  });

  it('attaches two namespaces that then talk over TCP, UDP and ping', async () => {
    await driver.attach(p, epA, nsA, true);
    await driver.attach(p, epB, nsB, true);
    assert.deepEqual(links(nsA).sort(), ['eth0', 'lo']);
    assert.deepEqual(addrs(nsA, 'eth0').sort(), ['10.147.11.2/24', 'fd47:11::2/64']);
    const eth0 = JSON.parse(sh('ip', '-n', nsA, '-j', 'link', 'show', 'dev', 'eth0'))[0];
    assert.equal(eth0.address, epA.mac);
    assert.equal(eth0.mtu, 1500);
    assert.ok(routes(nsA).includes('default via 10.147.11.1 dev eth0'), routes(nsA).join('\n'));
    assert.ok(routes(nsA, '6').includes('default via fd47:11::1 dev eth0'), routes(nsA, '6').join('\n'));
    assert.equal(JSON.parse(sh('ip', '-j', 'link', 'show', 'dev', epA.hostIfname))[0].master, p.bridgeName);

    await server(nsA, 'tcp', 8080);
    await server(nsA, 'udp', 5353);
    assert.equal(await talk(nsB, 'tcp', '10.147.11.2', 8080), '10.147.11.3');
    assert.equal(await talk(nsB, 'tcp', 'fd47:11::2', 8080), 'fd47:11::3');
    assert.equal(await talk(nsB, 'udp', '10.147.11.2', 5353), '10.147.11.3');
    sh('ip', 'netns', 'exec', nsB, 'busybox', 'ping', '-c', '1', '-W', '2', '10.147.11.1');
    // Hairpin mode on the bridge port must not make the link-local address fail its DAD on
    // its own reflected probes.
    await waitFor('link-local DAD finishes', async () => !sh('ip', '-n', nsA, '-6', 'addr', 'show', 'dev', 'eth0').includes('tentative'), 10_000);
    assert.doesNotMatch(sh('ip', '-n', nsA, '-6', 'addr', 'show', 'dev', 'eth0'), /dadfailed/);
    // The loopback is up too (the attach brings it up).
    await server(nsB, 'tcp', 8081, '127.0.0.1');
    assert.equal(await talk(nsB, 'tcp', '127.0.0.1', 8081), '127.0.0.1');
  });

  it('attaching again (a retried start) replaces the first try', async () => {
    await driver.attach(p, epB, nsB, true);
    assert.deepEqual(addrs(nsB, 'eth0').sort(), ['10.147.11.3/24', 'fd47:11::3/64']);
  });

  it('a second network without default route adds no route', async () => {
    const p2 = plan(`tkbs${tag}`, '10.147.12');
    const ep = endpoint(p2, 2, `tkvc${tag}`, undefined, 'eth1');
    await driver.createNetwork(p2);
    try {
      await driver.attach(p2, ep, nsA, false);
      assert.deepEqual(addrs(nsA, 'eth1'), ['10.147.12.2/24']);
      assert.deepEqual(routes(nsA).filter((r) => r.startsWith('default')), ['default via 10.147.11.1 dev eth0']);
      await driver.detach(p2, ep, nsA);
      assert.deepEqual(links(nsA).sort(), ['eth0', 'lo']);
    } finally {
      await driver.deleteNetwork(p2);
    }
    assert.ok(!links().includes(p2.bridgeName));
  });

  it('an internal network gets no default route', async () => {
    const pi = plan(`tkbi${tag}`, '10.147.13', { internal: true });
    const ep = endpoint(pi, 2, `tkvi${tag}`, undefined, 'eth2');
    await driver.createNetwork(pi);
    try {
      const ns = `t-kern-${tag}-i`;
      await netns.create(ns);
      try {
        await driver.attach(pi, ep, ns, true);
        assert.deepEqual(routes(ns), ['10.147.13.0/24 dev eth2']);
      } finally {
        await driver.detach(pi, ep, ns);
        await netns.remove(ns);
      }
    } finally {
      await driver.deleteNetwork(pi);
    }
  });

  it('a bridge that exists and is not berth\'s: joined when its address fits, refused otherwise, never deleted', async () => {
    const foreign = `tkfb${tag}`;
    sh('ip', 'link', 'add', foreign, 'type', 'bridge');
    const pf = { ...plan(foreign, '10.147.14'), bridgeName: foreign };
    await driver.createNetwork(pf);
    assert.deepEqual(JSON.parse(sh('ip', '-j', 'addr', 'show', 'dev', foreign))[0].addr_info.filter((a: { family: string }) => a.family === 'inet').map((a: { local: string }) => a.local), ['10.147.14.1']);
    await driver.deleteNetwork(pf);
    assert.ok(links().includes(foreign), 'a joined bridge stays');

    const taken = `tkfc${tag}`;
    sh('ip', 'link', 'add', taken, 'type', 'bridge');
    sh('ip', 'addr', 'add', '10.147.15.77/24', 'dev', taken);
    const pt = { ...plan(taken, '10.147.15'), bridgeName: taken };
    await assert.rejects(driver.createNetwork(pt), (e: Error & { kind?: string }) => e.kind === 'conflict' && /10\.147\.15\.77\/24/.test(e.message));
    assert.ok(links().includes(taken));
  });

  it('a failed attach leaves no veth behind', async () => {
    const missing = { ...p, bridgeName: `tknb${tag}` };
    const ep = endpoint(p, 50, `tkvf${tag}`, undefined, 'eth5');
    await assert.rejects(driver.attach(missing, ep, nsB, true), /Cannot find device|does not exist|No such device/);
    assert.ok(!links().includes(ep.hostIfname));
    // And an address the namespace refuses: the veth goes again.
    const bad = { ...ep, ipv4: '10.147.11.0', prefixLen: 33 };
    await assert.rejects(driver.attach(p, bad, `t-kern-${tag}-a`, true));
    assert.ok(!links().includes(ep.hostIfname));
  });

  it('measures attach + detach per container', async (t) => {
    const n = 20;
    const ns = `t-kern-${tag}-m`;
    await netns.create(ns);
    try {
      let attachMs = 0;
      let detachMs = 0;
      for (let i = 0; i < n; i++) {
        const ep = endpoint(p, 100 + i, `tkvm${tag}`);
        const t0 = performance.now();
        await driver.attach(p, ep, ns, true);
        const t1 = performance.now();
        await driver.detach(p, ep, ns);
        detachMs += performance.now() - t1;
        attachMs += t1 - t0;
      }
      t.diagnostic(`bridge attach ${(attachMs / n).toFixed(1)} ms, detach ${(detachMs / n).toFixed(1)} ms (mean of ${n})`);
      assert.deepEqual(links(ns), ['lo']);
    } finally {
      await netns.remove(ns);
    }
  });

  it('detach and deleteNetwork leave no link and no namespace behind', async () => {
    await driver.detach(p, epA, nsA);
    await driver.detach(p, epB, nsB);
    await driver.detach(p, epB, nsB); // again: already gone is fine
    assert.deepEqual(links(nsA), ['lo']);
    const host = links();
    assert.ok(!host.includes(epA.hostIfname) && !host.includes(epB.hostIfname), host.join(' '));
    await driver.deleteNetwork(p);
    await driver.deleteNetwork(p); // again: fine
    assert.ok(!links().includes(p.bridgeName));
    await netns.remove(nsA);
    await netns.remove(nsB);
    await netns.remove(nsB);
    assert.deepEqual(await netns.list(`t-kern-${tag}`), []);
  });
});
