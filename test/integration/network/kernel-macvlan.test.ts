// macvlan and ipvlan drivers against the real kernel, on a veth parent inside a namespace this
// test makes (the driver's hostNetns option), with a "router" namespace on the parent's other
// end acting as the gateway: traffic between containers and to the gateway, modes, 802.1q
// sub-interfaces made and removed by berth only, Docker's errors for bad parents, cleanup.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it, type TestContext } from 'node:test';
import { IpvlanDriver } from '../../../src/network/drivers/ipvlan.js';
import { MacvlanDriver } from '../../../src/network/drivers/macvlan.js';
import type { EndpointState, NetworkDriver, NetworkPlan } from '../../../src/network/types.js';
import { IpNetns } from '../../../src/sys/net/netns.js';
import { endpoint, kernelSkip, links, linkTypeMissing, newId, record, routes, server, sh, shQuiet, stopServers, talk, rand } from './kernel-fixture.js';

const BLOCKED = 800;

describe('integration: macvlan and ipvlan drivers in the kernel', { skip: kernelSkip() }, () => {
  const tag = rand();
  const netns = new IpNetns();
  const hostNs = `t-kern-${tag}-h`;
  const router = `t-kern-${tag}-r`;
  const c1 = `t-kern-${tag}-c1`;
  const c2 = `t-kern-${tag}-c2`;
  const parent = 'tkp0';

  function mkPlan(driver: string, options: Record<string, string>, internal = false): NetworkPlan {
    return {
      record: record(newId(), driver, { options, internal }),
      bridgeName: '',
      mtu: 1500,
      v4: { subnet: '10.147.31.0/24', gateway: '10.147.31.1', prefixLen: 24 },
    };
  }
  const ep = (p: NetworkPlan, host: number) => ({ ...endpoint(p, host, ''), hostIfname: '' });

  before(async () => {
    for (const ns of [hostNs, router, c1, c2]) await netns.create(ns);
    sh('ip', '-n', hostNs, 'link', 'add', parent, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', router);
    sh('ip', '-n', hostNs, 'link', 'set', parent, 'up');
    for (const line of ['link set lo up', 'link set eth0 up', 'addr add 10.147.31.1/24 dev eth0']) sh('ip', '-n', router, ...line.split(' '));
    await server(router, 'tcp', 9000);
    await server(c1, 'tcp', 8080);
  });
  after(async () => {
    stopServers();
    for (const ns of [hostNs, router, c1, c2]) shQuiet('ip', 'netns', 'del', ns);
  });

  async function pair(driver: NetworkDriver, p: NetworkPlan, fn: (e1: EndpointState) => Promise<void>): Promise<void> {
    const e1 = ep(p, 2);
    const e2 = ep(p, 3);
    await driver.createNetwork(p);
    try {
      await driver.attach(p, e1, c1, true);
      await driver.attach(p, e2, c2, true);
      try {
        assert.deepEqual(links(c1).sort(), ['eth0', 'lo']);
        await fn(e1);
      } finally {
        await driver.detach(p, e1, c1);
        await driver.detach(p, e2, c2);
      }
      assert.deepEqual(links(c1), ['lo']);
      assert.deepEqual(links(c2), ['lo']);
    } finally {
      await driver.deleteNetwork(p);
    }
    assert.ok(links(hostNs).includes(parent), 'the parent stays');
  }

  it('macvlan bridge mode: containers talk to each other and to the gateway', async (t) => {
    const driver = new MacvlanDriver({ hostNetns: hostNs });
    const p = mkPlan('macvlan', { parent });
    await pair(driver, p, async (e1) => {
      const l = JSON.parse(sh('ip', '-n', c1, '-j', '-d', 'link', 'show', 'dev', 'eth0'))[0];
      assert.equal(l.linkinfo.info_kind, 'macvlan');
      assert.equal(l.linkinfo.info_data.mode, 'bridge');
      assert.equal(l.address, e1.mac);
      assert.ok(routes(c1).includes('default via 10.147.31.1 dev eth0'), routes(c1).join('\n'));
      assert.equal(await talk(c2, 'tcp', '10.147.31.2', 8080), '10.147.31.3');
      assert.equal(await talk(c1, 'tcp', '10.147.31.1', 9000), '10.147.31.2');
    });
    const e = ep(p, 4);
    await driver.createNetwork(p);
    const t0 = performance.now();
    await driver.attach(p, e, c2, true);
    const t1 = performance.now();
    await driver.detach(p, e, c2);
    t.diagnostic(`macvlan attach ${(t1 - t0).toFixed(1)} ms, detach ${(performance.now() - t1).toFixed(1)} ms`);
    await driver.deleteNetwork(p);
  });

  it('macvlan private mode: containers are apart, the gateway is reachable', async () => {
    const driver = new MacvlanDriver({ hostNetns: hostNs });
    await pair(driver, mkPlan('macvlan', { parent, macvlan_mode: 'private' }), async () => {
      assert.match(await talk(c2, 'tcp', '10.147.31.2', 8080, BLOCKED), /^ERR/);
      assert.equal(await talk(c1, 'tcp', '10.147.31.1', 9000), '10.147.31.2');
    });
  });

  it('an internal macvlan network gets no default route', async () => {
    const driver = new MacvlanDriver({ hostNetns: hostNs });
    await pair(driver, mkPlan('macvlan', { parent }, true), async () => {
      assert.deepEqual(routes(c1), ['10.147.31.0/24 dev eth0']);
    });
  });

  it('refuses bad parents and modes with Docker\'s messages and makes nothing', async () => {
    const driver = new MacvlanDriver({ hostNetns: hostNs });
    const before = links(hostNs).sort();
    const invalid = (re: RegExp) => (e: Error & { kind?: string }) => e.kind === 'invalid-argument' && re.test(e.message);
    await assert.rejects(driver.createNetwork(mkPlan('macvlan', { parent: 'tknope0' })), invalid(/^-o parent interface was not found on the host: tknope0$/));
    await assert.rejects(driver.createNetwork(mkPlan('macvlan', { parent: 'tknope0.10' })), invalid(/^-o parent interface was not found on the host: tknope0$/));
    await assert.rejects(driver.createNetwork(mkPlan('macvlan', { parent: `${parent}.x` })), invalid(/invalid subinterface vlan name tkp0\.x/));
    await assert.rejects(driver.createNetwork(mkPlan('macvlan', { parent: `${parent}.5000` })), invalid(/vlan id must be between 1-4094/));
    await assert.rejects(driver.createNetwork(mkPlan('macvlan', { parent, macvlan_mode: 'nope' })), invalid(/requested macvlan mode 'nope' is not valid/));
    await assert.rejects(new IpvlanDriver({ hostNetns: hostNs }).createNetwork(mkPlan('ipvlan', { parent, ipvlan_mode: 'l4' })), invalid(/requested ipvlan mode 'l4' is not valid/));
    assert.deepEqual(links(hostNs).sort(), before);
  });

  it('without a parent: a dummy parent of berth\'s own, or a clear error where the kernel has none', async () => {
    const driver = new MacvlanDriver({ hostNetns: hostNs });
    const p = mkPlan('macvlan', {});
    const dummy = `dm-${p.record.id.slice(0, 12)}`;
    if (linkTypeMissing('dummy')) {
      await assert.rejects(driver.createNetwork(p), (e: Error & { kind?: string }) => e.kind === 'invalid-argument' && /no dummy links; give -o parent=/.test(e.message));
      assert.ok(!links(hostNs).includes(dummy));
      return;
    }
    await driver.createNetwork(p);
    assert.ok(links(hostNs).includes(dummy));
    await driver.deleteNetwork(p);
    assert.ok(!links(hostNs).includes(dummy));
  });

  // Where the kernel lacks a link type (it cannot be installed), the test checks instead that the
  // driver says so clearly and makes nothing, so it never skips.
  async function vlanRefused(t: TestContext): Promise<void> {
    t.diagnostic('this kernel has no vlan links: checking the refusal');
    const driver = new MacvlanDriver({ hostNetns: hostNs });
    const before = links(hostNs);
    await assert.rejects(driver.createNetwork(mkPlan('macvlan', { parent: `${parent}.10` })), /this kernel has no 802\.1q \(vlan\) links/);
    assert.deepEqual(links(hostNs), before);
  }

  async function ipvlanRefused(t: TestContext, options: Record<string, string>): Promise<void> {
    t.diagnostic('this kernel has no ipvlan links: checking the refusal');
    const driver = new IpvlanDriver({ hostNetns: hostNs });
    const p = mkPlan('ipvlan', { parent, ...options });
    await driver.createNetwork(p);
    const before = links(c1);
    try {
      await assert.rejects(driver.attach(p, ep(p, 2), c1, true), /this kernel has no ipvlan links/);
      assert.deepEqual(links(c1), before);
    } finally {
      await driver.deleteNetwork(p);
    }
  }

  it('802.1q: makes the sub-interface, removes only its own (or refuses clearly without kernel support)', async (t) => {
    if (linkTypeMissing('vlan')) return vlanRefused(t);
    const driver = new MacvlanDriver({ hostNetns: hostNs });
    sh('ip', '-n', router, 'link', 'add', 'link', 'eth0', 'name', 'eth0.10', 'type', 'vlan', 'id', '10');
    for (const line of ['link set eth0.10 up', 'addr add 10.147.31.1/24 dev eth0.10']) sh('ip', '-n', router, ...line.split(' '));
    sh('ip', '-n', router, 'addr', 'del', '10.147.31.1/24', 'dev', 'eth0');
    try {
      const p = mkPlan('macvlan', { parent: `${parent}.10` });
      await pair(driver, p, async () => {
        const sub = JSON.parse(sh('ip', '-n', hostNs, '-j', '-d', 'link', 'show', 'dev', `${parent}.10`))[0];
        assert.equal(sub.linkinfo.info_data.id, 10);
        assert.equal(await talk(c1, 'tcp', '10.147.31.1', 9000), '10.147.31.2');
      });
      assert.ok(!links(hostNs).includes(`${parent}.10`), 'berth\'s sub-interface is removed with the network');
      // One that was there before stays.
      sh('ip', '-n', hostNs, 'link', 'add', 'link', parent, 'name', `${parent}.11`, 'type', 'vlan', 'id', '11');
      const p11 = mkPlan('macvlan', { parent: `${parent}.11` });
      await driver.createNetwork(p11);
      await driver.deleteNetwork(p11);
      assert.ok(links(hostNs).includes(`${parent}.11`));
      sh('ip', '-n', hostNs, 'link', 'del', `${parent}.11`);
    } finally {
      shQuiet('ip', '-n', router, 'link', 'del', 'eth0.10');
      shQuiet('ip', '-n', router, 'addr', 'add', '10.147.31.1/24', 'dev', 'eth0');
    }
  });

  it('ipvlan l2: containers talk to each other and to the gateway (or a clear refusal without kernel support)', async (t) => {
    if (linkTypeMissing('ipvlan')) return ipvlanRefused(t, {});
    const driver = new IpvlanDriver({ hostNetns: hostNs });
    await pair(driver, mkPlan('ipvlan', { parent }), async () => {
      assert.ok(routes(c1).includes('default via 10.147.31.1 dev eth0'), routes(c1).join('\n'));
      assert.equal(await talk(c2, 'tcp', '10.147.31.2', 8080), '10.147.31.3');
      assert.equal(await talk(c1, 'tcp', '10.147.31.1', 9000), '10.147.31.2');
    });
  });

  it('ipvlan l3: default route on the device, containers talk (or a clear refusal without kernel support)', async (t) => {
    if (linkTypeMissing('ipvlan')) return ipvlanRefused(t, { ipvlan_mode: 'l3' });
    const driver = new IpvlanDriver({ hostNetns: hostNs });
    await pair(driver, mkPlan('ipvlan', { parent, ipvlan_mode: 'l3' }), async () => {
      assert.ok(routes(c1).includes('default dev eth0'), routes(c1).join('\n'));
      const l = JSON.parse(sh('ip', '-n', c1, '-j', '-d', 'link', 'show', 'dev', 'eth0'))[0];
      assert.equal(l.linkinfo.info_data.mode, 'l3');
      assert.equal(await talk(c2, 'tcp', '10.147.31.2', 8080), '10.147.31.3');
    });
  });
});
