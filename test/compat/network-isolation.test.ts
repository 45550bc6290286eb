// Networking as a user checks it with the real docker CLI: networks that must not see each
// other, an --internal network, NAT to an outside host, UDP through a published port, the host's
// own nftables rules left alone, nothing left in the kernel after containers and networks go,
// and a kill -9 of the daemon that running containers' ports survive.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, engine, skipReason } from '../helpers/daemon.js';
import { includes, ok, uniq, waitFor } from '../helpers/assert.js';
import {
  buildUdpEcho,
  hostAddress,
  httpGetOk,
  makeOutsideHost,
  netnsNaming,
  nftTables,
  snapshot,
  startNetDaemon,
  type KernelSnapshot,
  type NetDaemon,
  type OutsideHost,
} from '../helpers/net.js';
import { tmpParent } from '../helpers/paths.js';

const needs = { ...compatNeeds, binaries: [...(compatNeeds.binaries ?? []), 'ip', 'nft', 'gcc'] };

// The "host's own rules": a table of this test's, with a base chain, that no engine may touch.
const SENTINEL = 't_compat_host';
const SENTINEL_RULES = `table inet ${SENTINEL} {
  chain input {
    type filter hook input priority 100; policy accept;
    tcp dport 65001 counter accept
    ip saddr 100.127.78.0/24 counter drop
  }
}
`;
// Tables other programs own on a host (iptables-nft's and firewalld's): compared before and after.
const HOST_TABLE = new RegExp(`^(ip|ip6|inet|arp|bridge) (filter|nat|mangle|raw|security|firewalld|${SENTINEL})$`);

function hostTables(): Map<string, string> {
  return new Map([...nftTables()].filter(([k]) => HOST_TABLE.test(k)));
}

// busybox 1.35's wget crashes on its own -T, so `timeout` bounds it; inside `sh -c … ; exit` so
// that neither is the container's pid 1, which ignores the signal (ash would exec a lone command).
const wget = (secs: number, url: string) => ['sh', '-c', `timeout ${secs} wget -q -O - ${url}; exit $?`];
const HTTPD = (text: string) => ['sh', '-c', `echo ${text} > /tmp/index.html; exec httpd -f -p 80 -h /tmp`];

describe('compat: network isolation, NAT, cleanup and recovery', { skip: skipReason(needs) }, () => {
  let d: NetDaemon;
  let work: string;
  let outside: OutsideHost | undefined;
  let hostServer: Server | undefined;

  before(async () => {
    work = mkdtempSync(join(tmpParent, 'tcmp-'));
    d = await startNetDaemon({ dockerdArgs: ['--live-restore'] });
    outside = await makeOutsideHost('t-compat-out', 'tcmpo0', 'tcmpo1', work);
    await outside.serve(8099);
  });
  after(async () => {
    await d?.stop();
    await outside?.remove();
    hostServer?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const ipOf = async (name: string, network?: string) =>
    ok(
      await d.docker(['inspect', '-f', network ? `{{(index .NetworkSettings.Networks "${network}").IPAddress}}` : '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name]),
    ).trim();
  /** Waits until the httpd in `name` answers on its own loopback. */
  const httpdReady = (name: string) =>
    waitFor(`httpd in ${name}`, async () => (await d.docker(['exec', name, ...wget(1, 'http://127.0.0.1/')])).code === 0, 10_000);
  /** A throwaway client on `network`: the command's result. */
  const from = (network: string, cmd: string[]) => d.docker(['run', '--rm', '--network', network, 'busybox', ...cmd], { timeoutMs: 30_000 });
  const hostPort = async (name: string, spec: string) => {
    const out = ok(await d.docker(['port', name, spec]));
    const m = /:(\d+)\s*$/m.exec(out.split('\n')[0]!);
    assert.ok(m, `docker port ${name} ${spec} printed no host port:\n${out}`);
    return Number(m[1]);
  };

  it('containers on two user networks cannot reach each other, either way; on the same one they can', async () => {
    const [na, nb] = [uniq('iso-a'), uniq('iso-b')];
    const [a, b] = [uniq('a'), uniq('b')];
    try {
      ok(await d.docker(['network', 'create', na]));
      ok(await d.docker(['network', 'create', nb]));
      ok(await d.docker(['run', '-d', '--name', a, '--network', na, 'busybox', ...HTTPD('from-a')]));
      ok(await d.docker(['run', '-d', '--name', b, '--network', nb, 'busybox', ...HTTPD('from-b')]));
      await httpdReady(a);
      await httpdReady(b);
      const [ipA, ipB] = [await ipOf(a), await ipOf(b)];
      assert.notEqual(ipA, '', 'container a has no address on its network');
      assert.notEqual(ipB, '', 'container b has no address on its network');

      // Control: the servers answer their own network's members, so a failure below is isolation.
      assert.equal(ok(await from(na, [...wget(3, `http://${ipA}/`)])), 'from-a\n');
      assert.equal(ok(await from(nb, [...wget(3, `http://${ipB}/`)])), 'from-b\n');

      // Each attempt has to time out, so all four run at once.
      const attempts = [[a, ipB], [b, ipA]].flatMap(([src, dst]) => [
        { what: `${src} fetching http://${dst}/ across networks`, run: d.docker(['exec', src!, ...wget(2, `http://${dst}/`)]) },
        { what: `${src} pinging ${dst} across networks`, run: d.docker(['exec', src!, 'ping', '-c', '1', '-W', '2', dst!]) },
      ]);
      for (const { what, run } of attempts) {
        const r = await run;
        assert.notEqual(r.code, 0, `${what} succeeded:\n${r.stdout}`);
      }
    } finally {
      await d.docker(['rm', '-f', a, b]);
      await d.docker(['network', 'rm', na, nb]);
    }
  });

  it('an --internal network has no route out, and its members still talk to each other', async () => {
    // A server on the host's own address, which any normal network reaches through its gateway.
    hostServer = createServer((_q, s) => s.end('host-ok\n'));
    await new Promise<void>((r) => hostServer!.listen(0, '0.0.0.0', r));
    const hostUrl = `http://${hostAddress()}:${(hostServer.address() as AddressInfo).port}/`;
    const outsideUrl = `http://${outside!.address}:8099/index.html`;
    const [ni, nn, inner] = [uniq('internal'), uniq('normal'), uniq('in')];
    try {
      ok(await d.docker(['network', 'create', '--internal', ni]));
      ok(await d.docker(['network', 'create', nn]));
      assert.equal(ok(await d.docker(['network', 'inspect', '-f', '{{.Internal}}', ni])).trim(), 'true');

      // Controls: a normal network reaches both, so a failure below is the --internal flag's doing.
      assert.equal(ok(await from(nn, [...wget(3, hostUrl)])), 'host-ok\n', 'control: a normal network reaches the host');
      assert.equal(ok(await from(nn, [...wget(3, outsideUrl)])), 'outside\n', 'control: a normal network reaches another host');
      const out = await from(ni, [...wget(2, outsideUrl)]);
      assert.notEqual(out.code, 0, `an --internal network reached another host at ${outsideUrl}: ${out.stdout}`);
      // Docker 20.10 still gives internal networks a gateway on the host, so the host's own
      // addresses answer there (its rules only filter forwarded traffic); berth closes that too.
      if (engine === 'berthd') {
        const toHost = await from(ni, [...wget(2, hostUrl)]);
        assert.notEqual(toHost.code, 0, `an --internal network reached the host at ${hostUrl}: ${toHost.stdout}`);
      }

      ok(await d.docker(['run', '-d', '--name', inner, '--network', ni, 'busybox', ...HTTPD('inside')]));
      await httpdReady(inner);
      assert.equal(ok(await from(ni, [...wget(3, `http://${await ipOf(inner)}/`)])), 'inside\n');
    } finally {
      await d.docker(['rm', '-f', inner]);
      await d.docker(['network', 'rm', ni, nn]);
    }
  });

  it("outbound traffic to another host is masqueraded behind the host's address", async () => {
    const url = `http://${outside!.address}:8099/cgi-bin/ip`;
    const net = uniq('nat');
    try {
      ok(await d.docker(['network', 'create', net]));
      for (const network of ['bridge', net]) {
        const r = await from(network, [...wget(5, url)]);
        // busybox httpd listens on v6 and writes v4 peers as [::ffff:a.b.c.d].
        assert.equal(ok(r).trim().replace(/^\[::ffff:(.*)\]$/, '$1'), outside!.hostSide, `on network ${network} the outside host saw the wrong source address`);
      }
    } finally {
      await d.docker(['network', 'rm', net]);
    }
  });

  it("a published port answers other containers through the host's address, on the same network and on others", async () => {
    const [net, other, name] = [uniq('hp'), uniq('hp-other'), uniq('hp')];
    try {
      ok(await d.docker(['network', 'create', net]));
      ok(await d.docker(['network', 'create', other]));
      ok(await d.docker(['run', '-d', '--name', name, '--network', net, '-p', '80', 'busybox', ...HTTPD('hairpin')]));
      await httpdReady(name);
      const url = `http://${hostAddress()}:${await hostPort(name, '80/tcp')}/`;
      for (const n of [net, other, 'bridge']) {
        assert.equal(ok(await from(n, [...wget(3, url)])), 'hairpin\n', `a container on ${n} fetching ${url}`);
      }
    } finally {
      await d.docker(['rm', '-f', name]);
      await d.docker(['network', 'rm', net, other]);
    }
  });

  it('UDP reaches a container through a published port and the answer comes back', async () => {
    const echo = buildUdpEcho(work);
    const name = uniq('udp');
    try {
      ok(await d.docker(['run', '-d', '--name', name, '-p', '5353/udp', '-v', `${echo}:/udp-echo:ro`, 'busybox', '/udp-echo', '5353']));
      await waitFor('the UDP echo server', async () => (await d.docker(['logs', name])).stdout.includes('listening'), 10_000);
      const port = await hostPort(name, '5353/udp');
      for (const addr of [hostAddress(), '127.0.0.1']) {
        const reply = await udpAsk(addr, port, `hello-${addr}`, 10_000);
        assert.equal(reply, `echo:hello-${addr}`, `UDP to ${addr}:${port} got no echo`);
      }
      includes(ok(await d.docker(['logs', name])), `hello-${hostAddress()}`);
    } finally {
      await d.docker(['rm', '-f', name]);
    }
  });

  it("the host's own nftables rules are neither changed nor reordered", async (t) => {
    const err = nftApply(`table inet ${SENTINEL}\ndelete table inet ${SENTINEL}\n${SENTINEL_RULES}`);
    if (err) throw new Error(err);
    t.after(() => nftApply(`delete table inet ${SENTINEL}`));
    const before = hostTables();
    assert.ok(before.has(`inet ${SENTINEL}`), 'the sentinel table was not made');
    const [net, name] = [uniq('fw'), uniq('fw')];
    try {
      ok(await d.docker(['network', 'create', net]));
      ok(await d.docker(['run', '-d', '--name', name, '--network', net, '-p', '80', '-p', '5300/udp', 'busybox', ...HTTPD('fw')]));
      ok(await d.docker(['run', '-d', '--name', `${name}-b`, '-p', '127.0.0.1::80', 'busybox', ...HTTPD('fw')]));
      assert.equal((await httpGetOk(`http://127.0.0.1:${await hostPort(name, '80/tcp')}/`)).body, 'fw\n', 'the published port does not answer');
      const during = hostTables();
      assert.equal(during.get(`inet ${SENTINEL}`), before.get(`inet ${SENTINEL}`), 'the sentinel table changed while ports were published');
      // Docker rewrites iptables' own tables; berth keeps to a table of its own.
      if (engine === 'berthd') assertSameTables(before, during, 'while ports were published');
    } finally {
      await d.docker(['rm', '-f', name, `${name}-b`]);
      await d.docker(['network', 'rm', net]);
    }
    assertSameTables(before, hostTables(), 'after the containers and network were removed');
  });

  it('5 containers with ports on 2 networks, removed, leave no link, namespace or rule behind', async () => {
    const s0 = await snapshot(d);
    const nets = [uniq('cl1'), uniq('cl2')];
    const names = [0, 1, 2, 3, 4].map((i) => uniq(`cl${i}`));
    let ids: string[] = [];
    let withNets: KernelSnapshot | undefined;
    try {
      for (const n of nets) ok(await d.docker(['network', 'create', n]));
      withNets = await snapshot(d);
      for (const [i, n] of names.entries()) {
        ok(await d.docker(['run', '-d', '--name', n, '--network', nets[i % 2]!, '-p', '80', '-p', '53/udp', 'busybox', 'sleep', '600']));
      }
      ids = ok(await d.docker(['inspect', '-f', '{{.Id}}', ...names])).trim().split('\n');
      const running = await snapshot(d);
      // The snapshot must see what containers add, or comparing it proves nothing.
      assert.ok(running.links.length >= withNets.links.length + 5, `5 running containers added no host-side links:\n${running.links.join('\n')}`);
      if (engine === 'berthd') assert.ok(running.nftRules > withNets.nftRules, `10 published ports added no rule to table ${d.netTag}:\n${running.nftText}`);
      assert.ok(running.netns.length >= withNets.netns.length + 5 || netnsNaming(ids).length === 5, `no network namespace per container: ${running.netns.join(' ')}`);
    } finally {
      await d.docker(['rm', '-f', ...names]);
    }
    const afterRm = await waitFor(
      'the kernel objects of removed containers to go',
      async () => {
        const s = await snapshot(d);
        return sameKernel(s, withNets!) ? s : undefined;
      },
      5_000,
    ).catch(async () => snapshot(d));
    assertSameKernel(afterRm, withNets!, 'after removing the 5 containers');
    assert.deepEqual(netnsNaming(ids), [], 'namespace files naming the removed containers are left in /run/netns');
    // Docker keeps a removed network's rules until its bridge goes; compare once both are gone.
    ok(await d.docker(['network', 'rm', ...nets]));
    assertSameKernel(await snapshot(d), s0, 'after removing the 2 networks');
  });

  it('after kill -9 of the daemon a running container keeps its address and published port; removing it leaves nothing', async () => {
    const s0 = await snapshot(d);
    const name = uniq('k9');
    ok(await d.docker(['run', '-d', '--name', name, '-p', '80', 'busybox', ...HTTPD('survivor')]));
    const ip0 = await ipOf(name);
    const port = await hostPort(name, '80/tcp');
    const urls = [`http://127.0.0.1:${port}/`, `http://${hostAddress()}:${port}/`];
    for (const u of urls) assert.equal((await httpGetOk(u)).body, 'survivor\n', `${u} before the kill`);

    // dockerd's own containerd cannot be taken over after a kill -9 of dockerd, so the reference
    // run restarts it gracefully (with --live-restore); berthd must survive the kill.
    if (engine === 'berthd') await d.kill9();
    await d.restart();

    assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Running}}', name])).trim(), 'true');
    for (const u of urls) {
      const r = await httpGetOk(u);
      assert.equal(r.body, 'survivor\n', `${u} after kill -9 and restart: ${r.error ?? r.status}`);
    }
    assert.equal(await ipOf(name), ip0, 'the address changed across the restart');
    assert.equal(await hostPort(name, '80/tcp'), port, 'the published host port changed across the restart');

    ok(await d.docker(['rm', '-f', name]));
    assertSameKernel(await snapshot(d), s0, 'after removing the restored container');
  });
});

/** Runs `nft -f -` with input; the error text or undefined. */
function nftApply(input: string): string | undefined {
  const r = spawnSync('nft', ['-f', '-'], { input, encoding: 'utf8' });
  return r.status === 0 ? undefined : `nft -f - failed: ${r.stderr}\n${input}`;
}

function assertSameTables(before: Map<string, string>, after: Map<string, string>, when: string): void {
  for (const [k, v] of before) {
    assert.equal(after.get(k), v, `host table ${k} differs ${when}`);
  }
}

function sameKernel(a: KernelSnapshot, b: KernelSnapshot): boolean {
  return a.links.join() === b.links.join() && a.netns.join() === b.netns.join() && a.nftText === b.nftText;
}

function assertSameKernel(now: KernelSnapshot, then: KernelSnapshot, when: string): void {
  assert.deepEqual(now.links, then.links, `links ${when}`);
  // Docker removes namespace files lazily (a collector runs every minute); berth at once.
  if (engine === 'berthd') assert.deepEqual(now.netns, then.netns, `network namespaces ${when}`);
  assert.equal(now.nftRules, then.nftRules, `rules in the engine's nftables table ${when}`);
  assert.equal(now.nftText, then.nftText, `the engine's nftables table ${when}`);
}

/** Sends `msg` to addr:port over UDP until an answer comes (the first datagrams may race the rules); the answer or ''. */
function udpAsk(addr: string, port: number, msg: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (v: string) => {
      clearInterval(tick);
      clearTimeout(timer);
      s.close();
      resolve(v);
    };
    s.on('message', (m) => done(m.toString()));
    s.on('error', () => undefined);
    const send = () => s.send(msg, port, addr);
    const tick = setInterval(send, 300);
    const timer = setTimeout(() => done(''), timeoutMs);
    send();
  });
}
