// Containers on networks through the real docker CLI: name, alias and --network-alias resolution
// on a user network, published ports reached from the host, `docker port`, inspect's
// NetworkSettings, legacy links on the default bridge, --dns/--add-host files, live
// connect/disconnect, -P, a taken port, and published ports that outlive a berthd restart.
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, includes, ok, uniq, waitFor } from '../helpers/assert.js';

/** A port nobody listens on now (the kernel's pick, released at once). */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/** GET http://host:port/ from the host; the body, or undefined when nothing answers. */
function fetchText(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = get({ host, port, path: '/', timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** busybox httpd serving `text` at / on port 80. */
const httpd = (text: string): string[] => ['busybox', 'sh', '-c', `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p 80 -h /www`];

describe('compat: docker run on networks', { skip: skipReason({ ...compatNeeds, binaries: [...(compatNeeds.binaries ?? []), 'ip', 'nft'] }) }, () => {
  let d: Daemon;
  let net: string;
  let server: string;
  before(async () => {
    d = await startDaemon();
    net = uniq('net');
    ok(await d.docker(['network', 'create', net]));
    server = uniq('srv');
    ok(await d.docker(['run', '-d', '--name', server, '--network', net, '--network-alias', 'web-alias', ...httpd('hello-from-server')]));
  });
  after(async () => {
    await d?.stop();
  });

  const wget = (args: string[], url: string) => d.docker(['run', '--rm', ...args, 'busybox', 'timeout', '5', 'wget', '-qO-', url]);

  it('containers on a user network reach each other by name, --network-alias and endpoint alias', async () => {
    await waitFor('the server answers by name', async () => (await wget(['--network', net], `http://${server}/`)).stdout.includes('hello-from-server'));
    includes(ok(await wget(['--network', net], 'http://web-alias/')), 'hello-from-server');
    const other = uniq('other');
    ok(await d.docker(['run', '-d', '--name', other, '--network', `name=${net},alias=second`, ...httpd('hello-second')]));
    await waitFor('the second server by its alias', async () => (await wget(['--network', net], 'http://second/')).stdout.includes('hello-second'));
    // A container on the default bridge does not resolve them.
    assert.notEqual((await wget([], `http://${server}/`)).code, 0);
  });

  it('an unknown network fails the start with Docker 28\'s words, not an image pull', async () => {
    const name = uniq('lost');
    const r = await d.docker(['run', '--name', name, '--network', 'berth-no-such-net', 'busybox', 'true']);
    exitsWith(r, 125);
    includes(r.stderr, 'failed to set up container networking: network berth-no-such-net not found', r);
    assert.doesNotMatch(r.stderr, /Unable to find image/);
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Status}}', name])).trim(), 'created');
  });

  it('inspect shows the network\'s endpoint as Docker fills it', async () => {
    const netId = ok(await d.docker(['network', 'inspect', '-f', '{{.Id}}', net])).trim();
    const info = JSON.parse(ok(await d.docker(['inspect', server])))[0];
    const ns = info.NetworkSettings;
    assert.match(ns.SandboxID, /^[0-9a-f]{64}$/);
    assert.notEqual(ns.SandboxKey, '');
    assert.equal(ns.IPAddress, '', 'the top-level fields belong to the default bridge');
    const ep = ns.Networks[net];
    assert.equal(ep.NetworkID, netId);
    assert.match(ep.EndpointID, /^[0-9a-f]{64}$/);
    assert.match(ep.IPAddress, /^\d+\.\d+\.\d+\.\d+$/);
    assert.match(ep.Gateway, /^\d+\.\d+\.\d+\.\d+$/);
    assert.ok(ep.IPPrefixLen > 0);
    assert.match(ep.MacAddress, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.deepEqual(ep.Aliases, ['web-alias']);
    assert.ok(ep.DNSNames.includes(server) && ep.DNSNames.includes('web-alias') && ep.DNSNames.includes(info.Id.slice(0, 12)), JSON.stringify(ep.DNSNames));
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.HostConfig.NetworkMode}}', server])).trim(), net);
  });

  it('-p 127.0.0.1:P:80 is reached from the host; docker port and ps show it', async () => {
    const port = await freePort();
    const name = uniq('pub');
    ok(await d.docker(['run', '-d', '--name', name, '-p', `127.0.0.1:${port}:80`, ...httpd('hello-published')]));
    assert.equal(await waitFor('the published port answers', async () => fetchText('127.0.0.1', port)), 'hello-published\n');
    assert.equal(ok(await d.docker(['port', name])), `80/tcp -> 127.0.0.1:${port}\n`);
    assert.equal(ok(await d.docker(['port', name, '80'])), `127.0.0.1:${port}\n`);
    assert.equal(ok(await d.docker(['ps', '--filter', `name=${name}`, '--format', '{{.Ports}}'])).trim(), `127.0.0.1:${port}->80/tcp`);
    const ports = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .NetworkSettings.Ports}}', name])));
    assert.deepEqual(ports, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
    const bridge = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .NetworkSettings}}', name])));
    assert.match(bridge.IPAddress, /^\d+\.\d+\.\d+\.\d+$/, 'the default bridge fills the top-level fields');
    assert.equal(bridge.IPAddress, bridge.Networks.bridge.IPAddress);

    // The same host port again: Docker's words, and no container left running.
    const taken = uniq('taken');
    const r = await d.docker(['run', '-d', '--name', taken, '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '60']);
    exitsWith(r, 125);
    includes(r.stderr, `Bind for 127.0.0.1:${port} failed: port is already allocated`, r);
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Status}}', taken])).trim(), 'created');

    // After a stop: the network is still listed, without addresses or ports.
    ok(await d.docker(['stop', '-t', '0', name]));
    const stopped = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .NetworkSettings}}', name])));
    assert.deepEqual(stopped.Ports, {});
    assert.equal(stopped.Networks.bridge.IPAddress, '');
    assert.equal(await fetchText('127.0.0.1', port), undefined, 'the port is closed after the stop');
  });

  it('run --rm frees its published port by the time it returns: the same port again at once', async () => {
    const port = await freePort();
    for (let i = 0; i < 3; i++) ok(await d.docker(['run', '--rm', '-p', `127.0.0.1:${port}:80`, 'busybox', 'true']));
  });

  it('-P publishes every exposed port on a port of berth\'s choice', async () => {
    const name = uniq('pall');
    ok(await d.docker(['run', '-d', '--name', name, '-P', '--expose', '80', ...httpd('hello-any')]));
    const lines = ok(await d.docker(['port', name, '80'])).trim().split('\n');
    const v4 = lines.find((l) => l.startsWith('0.0.0.0:'));
    assert.ok(v4, lines.join('\n'));
    const port = Number(v4.split(':')[1]);
    assert.ok(port > 0);
    assert.equal(await waitFor('the random port answers', async () => fetchText('127.0.0.1', port)), 'hello-any\n');
  });

  it('--link on the default bridge writes /etc/hosts and resolves the alias', async () => {
    const target = uniq('linked');
    ok(await d.docker(['run', '-d', '--name', target, '--hostname', 'linkhost', ...httpd('hello-linked')]));
    const hosts = ok(await d.docker(['run', '--rm', '--link', `${target}:bee`, 'busybox', 'cat', '/etc/hosts']));
    assert.match(hosts, new RegExp(`^\\d+\\.\\d+\\.\\d+\\.\\d+\\tbee linkhost ${target}$`, 'm'));
    await waitFor('the linked server by its alias', async () => (await wget(['--link', `${target}:bee`], 'http://bee/')).stdout.includes('hello-linked'));
    const stopped = uniq('stopped');
    ok(await d.docker(['create', '--name', stopped, 'busybox', 'true']));
    const r = await d.docker(['run', '--rm', '--link', `${stopped}:x`, 'busybox', 'true']);
    assert.notEqual(r.code, 0);
    includes(r.stderr, `Cannot link to a non running container: /${stopped} AS /`, r);
  });

  it('--dns, --dns-search, --dns-option and --add-host (host-gateway too) make the /etc files', async () => {
    const gw = ok(await d.docker(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Gateway}}', 'bridge'])).trim();
    const out = ok(await d.docker(['run', '--rm', '--dns', '9.9.9.9', '--dns-search', 'example.com', '--dns-option', 'ndots:3',
      '--add-host', 'gw:host-gateway', '--add-host', 'static=10.1.2.3', '-h', 'myhost', '--domainname', 'example.org',
      'busybox', 'sh', '-c', 'cat /etc/resolv.conf; echo ---; cat /etc/hosts; echo ---; hostname']));
    const [resolv, hosts, hostname] = out.split('---\n');
    assert.match(resolv!, /^nameserver 9\.9\.9\.9$/m);
    assert.match(resolv!, /^search example\.com$/m);
    assert.match(resolv!, /^options ndots:3$/m);
    assert.match(hosts!, new RegExp(`^${gw.replace(/\./g, '\\.')}\\tgw$`, 'm'));
    assert.match(hosts!, /^10\.1\.2\.3\tstatic$/m);
    assert.match(hosts!, /\tmyhost\.example\.org myhost$/m);
    assert.equal(hostname!.trim(), 'myhost');
  });

  it('network connect and disconnect act on a running container at once', async () => {
    const c = uniq('roamer');
    ok(await d.docker(['run', '-d', '--name', c, 'busybox', 'sleep', '600']));
    const fetchIn = () => d.docker(['exec', c, 'timeout', '5', 'wget', '-qO-', `http://${server}/`]);
    assert.notEqual((await fetchIn()).code, 0, 'not on the network yet');
    ok(await d.docker(['network', 'connect', '--alias', 'roam', net, c]));
    includes(ok(await fetchIn()), 'hello-from-server');
    const keys = ok(await d.docker(['inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', c])).trim().split(' ').sort();
    assert.deepEqual(keys, ['bridge', net].sort());
    const again = await d.docker(['network', 'connect', net, c]);
    assert.notEqual(again.code, 0);
    includes(again.stderr, `endpoint with name ${c} already exists in network ${net}`, again);
    ok(await d.docker(['network', 'disconnect', net, c]));
    assert.notEqual((await fetchIn()).code, 0, 'off the network again');
    const r = await d.docker(['network', 'disconnect', net, c]);
    assert.notEqual(r.code, 0);
    includes(r.stderr, 'is not connected to network', r);
  });

  it('a published port keeps working across a berthd restart', async () => {
    const port = await freePort();
    const name = uniq('keep');
    ok(await d.docker(['run', '-d', '--name', name, '-p', `127.0.0.1:${port}:80`, ...httpd('hello-kept')]));
    assert.equal(await waitFor('before the restart', async () => fetchText('127.0.0.1', port)), 'hello-kept\n');
    await d.restart();
    assert.equal(await waitFor('after the restart', async () => fetchText('127.0.0.1', port)), 'hello-kept\n');
    assert.equal(ok(await d.docker(['port', name])), `80/tcp -> 127.0.0.1:${port}\n`);
    // The port stays the container's: another one cannot take it.
    const r = await d.docker(['run', '-d', '--name', uniq('thief'), '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '60']);
    exitsWith(r, 125);
    includes(r.stderr, 'port is already allocated', r);
    // And name resolution on the user network still works for the server started before.
    includes(ok(await wget(['--network', net], `http://${server}/`)), 'hello-from-server');
  });
});
