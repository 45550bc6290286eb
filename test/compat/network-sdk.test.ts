// User networks through the SDKs people script Docker with: the Python SDK (python3-docker) and
// dockerode 4. Create a network, run a server and a client on it (the client finds the server by
// name), publish a port and read it back as the SDK shows it, list the network's containers,
// connect and disconnect a running container, remove everything.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, pythonSdkSkip, skipReason } from '../helpers/daemon.js';
import { ok, uniq } from '../helpers/assert.js';
import { httpGetOk, startNetDaemon, type NetDaemon } from '../helpers/net.js';

// The client retries a little: a just-started httpd may not listen yet.
const fetchLoop = (url: string) => ['sh', '-c', `for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - ${url} && exit 0; sleep 0.3; done; exit 1`];
const serve = (text: string) => ['sh', '-c', `echo ${text} > /tmp/index.html; exec httpd -f -p 80 -h /tmp`];

const PYTHON = `
import docker, json, os, sys
net_name, srv_name, other_name = sys.argv[1:4]
c = docker.DockerClient(base_url=os.environ['DOCKER_HOST'])
res = {}
net = c.networks.create(net_name, driver='bridge')
try:
    srv = c.containers.run('busybox:latest', ${JSON.stringify(serve('py-ok'))}, name=srv_name, network=net_name,
                           detach=True, ports={'80/tcp': None})
    srv.reload()
    res['ports'] = srv.ports
    ep = srv.attrs['NetworkSettings']['Networks'][net_name]
    res['ip'] = ep['IPAddress']
    res['net_id'] = ep['NetworkID']
    cmd = ${JSON.stringify(fetchLoop('http://SRV/'))}
    cmd[2] = cmd[2].replace('SRV', srv_name)
    res['by_name'] = c.containers.run('busybox:latest', cmd, network=net_name, remove=True).decode()
    net.reload()
    res['members'] = sorted(x.name for x in net.containers)
    other = c.containers.run('busybox:latest', ['sleep', '600'], name=other_name, detach=True)
    net.connect(other, aliases=['py-alias'])
    other.reload()
    res['other_nets_connected'] = sorted(other.attrs['NetworkSettings']['Networks'])
    res['other_aliases'] = other.attrs['NetworkSettings']['Networks'][net_name]['Aliases'] or []
    fetched = other.exec_run(['sh', '-c', 'wget -q -O - http://%s/; exit $?' % srv_name])
    res['other_fetch'] = [fetched.exit_code, fetched.output.decode()]
    net.reload()
    res['members_connected'] = sorted(x.name for x in net.containers)
    net.disconnect(other)
    other.reload()
    res['other_nets_disconnected'] = sorted(other.attrs['NetworkSettings']['Networks'])
    net.reload()
    res['members_disconnected'] = sorted(x.name for x in net.containers)
    print(json.dumps(res))
    sys.stdout.flush()
    input()  # the test fetches the published port, then lets the script clean up
    srv.remove(force=True)
    other.remove(force=True)
finally:
    try:
        net.remove()
    except Exception:
        for x in c.containers.list(all=True):
            if x.name in (srv_name, other_name):
                x.remove(force=True)
        net.remove()
print(json.dumps({'left': [n.name for n in c.networks.list(names=[net_name])]}))
`;

interface PyResult {
  ports: Record<string, { HostIp: string; HostPort: string }[] | null>;
  ip: string;
  net_id: string;
  by_name: string;
  members: string[];
  other_nets_connected: string[];
  other_aliases: string[];
  other_fetch: [number, string];
  members_connected: string[];
  other_nets_disconnected: string[];
  members_disconnected: string[];
}

describe('compat: networks through the Python SDK and dockerode', { skip: skipReason(compatNeeds) }, () => {
  let d: NetDaemon;
  before(async () => {
    d = await startNetDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('the Python SDK: network, name lookup, published port, containers, connect/disconnect, remove', { skip: pythonSdkSkip() }, async () => {
    const [net, srv, other] = [uniq('pynet'), uniq('pysrv'), uniq('pyother')];
    // Two phases over stdin: the script prints what it saw, the test fetches the published port
    // while the server still runs, then a newline lets the script remove everything.
    const child = spawn('python3', ['-c', PYTHON, net, srv, other], { env: { ...process.env, DOCKER_HOST: d.host }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? 1)));
    const first = await Promise.race([
      new Promise<string>((r) => {
        const check = () => (out.includes('\n') ? r(out.split('\n')[0]!) : setTimeout(check, 50));
        check();
      }),
      exited.then((code) => {
        throw new Error(`the Python script exited ${code} early:\n${err}`);
      }),
      new Promise<never>((_r, rej) => setTimeout(() => rej(new Error(`no answer from the Python script in 30 s:\n${err}`)), 30_000)),
    ]);
    let res: PyResult;
    try {
      res = JSON.parse(first) as PyResult;
      assert.equal(res.by_name, 'py-ok\n', `a container on ${net} fetching http://${srv}/ (by name)`);
      assert.match(res.ip, /^\d+\.\d+\.\d+\.\d+$/);
      assert.match(res.net_id, /^[0-9a-f]{64}$/);
      const bindings = res.ports['80/tcp'];
      assert.ok(bindings && bindings.length > 0, `container.ports has no binding for 80/tcp: ${JSON.stringify(res.ports)}`);
      assert.ok(bindings.some((b) => b.HostIp === '0.0.0.0'), `no 0.0.0.0 binding in ${JSON.stringify(bindings)}`);
      const port = Number(bindings[0]!.HostPort);
      assert.ok(port > 0, `HostPort ${bindings[0]!.HostPort}`);
      const page = await httpGetOk(`http://127.0.0.1:${port}/`);
      assert.equal(page.body, 'py-ok\n', `the published port ${port} as container.ports shows it: ${page.error ?? page.status}`);

      assert.deepEqual(res.members, [srv], 'network.containers while only the server is on it');
      assert.deepEqual(res.other_nets_connected, ['bridge', net].sort(), 'a connected container lists both networks');
      assert.ok(res.other_aliases.includes('py-alias'), `the alias given to connect is not in Aliases: ${JSON.stringify(res.other_aliases)}`);
      assert.deepEqual(res.other_fetch, [0, 'py-ok\n'], 'the connected container fetching the server by name');
      assert.deepEqual(res.members_connected, [other, srv].sort());
      assert.deepEqual(res.other_nets_disconnected, ['bridge']);
      assert.deepEqual(res.members_disconnected, [srv]);
    } finally {
      child.stdin.end('\n');
    }
    const code = await exited;
    assert.equal(code, 0, `the Python script failed while cleaning up:\n${err}`);
    assert.deepEqual((JSON.parse(out.trim().split('\n').pop()!) as { left: string[] }).left, [], 'the network is still listed after remove()');
  });

  it('dockerode: network, name lookup, published port, network inspect, connect/disconnect, remove', async () => {
    const { default: Docker } = await import('dockerode');
    const dk = new Docker({ socketPath: d.socket });
    const [name, srvName, otherName, clientName] = [uniq('dnet'), uniq('dsrv'), uniq('dother'), uniq('dcli')];
    const net = await dk.createNetwork({ Name: name, Driver: 'bridge', Labels: { 'berth.test': 'sdk' } });
    try {
      const srv = await dk.createContainer({
        Image: 'busybox:latest',
        name: srvName,
        Cmd: serve('dode-ok'),
        ExposedPorts: { '80/tcp': {} },
        HostConfig: { NetworkMode: name, PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '' }] } },
      });
      await srv.start();
      const info = await srv.inspect();
      const binding = info.NetworkSettings.Ports['80/tcp']?.[0];
      assert.ok(binding && Number(binding.HostPort) > 0, `NetworkSettings.Ports has no binding for 80/tcp: ${JSON.stringify(info.NetworkSettings.Ports)}`);
      const ep = info.NetworkSettings.Networks[name];
      assert.ok(ep, `NetworkSettings.Networks lacks ${name}: ${Object.keys(info.NetworkSettings.Networks).join(', ')}`);
      assert.match(ep.IPAddress, /^\d+\.\d+\.\d+\.\d+$/);
      assert.equal(ep.NetworkID, net.id);
      assert.ok(ep.Gateway, 'the endpoint has no Gateway');
      const page = await httpGetOk(`http://127.0.0.1:${binding.HostPort}/`);
      assert.equal(page.body, 'dode-ok\n', `the published port ${binding.HostPort}: ${page.error ?? page.status}`);

      // A client on the same network reaches the server by its name.
      const client = await dk.createContainer({ Image: 'busybox:latest', name: clientName, Cmd: fetchLoop(`http://${srvName}/`), HostConfig: { NetworkMode: name } });
      await client.start();
      const waited = (await client.wait()) as { StatusCode: number };
      const logs = ok(await d.docker(['logs', clientName]));
      assert.deepEqual([waited.StatusCode, logs], [0, 'dode-ok\n'], `a container on ${name} fetching http://${srvName}/ (by name)`);
      await client.remove();

      const inspected = (await net.inspect()) as { Name: string; Labels: Record<string, string>; Containers: Record<string, { Name: string; IPv4Address: string }> };
      assert.equal(inspected.Labels['berth.test'], 'sdk');
      assert.deepEqual(Object.values(inspected.Containers).map((c) => c.Name), [srvName], 'network inspect Containers');
      assert.equal(inspected.Containers[info.Id]?.IPv4Address.split('/')[0], ep.IPAddress);

      const other = await dk.createContainer({ Image: 'busybox:latest', name: otherName, Cmd: ['sleep', '600'] });
      await other.start();
      await net.connect({ Container: other.id, EndpointConfig: { Aliases: ['dode-alias'] } });
      const connected = await other.inspect();
      assert.deepEqual(Object.keys(connected.NetworkSettings.Networks).sort(), ['bridge', name].sort());
      assert.ok(connected.NetworkSettings.Networks[name]?.Aliases?.includes('dode-alias'), `Aliases: ${JSON.stringify(connected.NetworkSettings.Networks[name]?.Aliases)}`);
      // The server resolves the connected container by its alias and reaches it.
      const pinged = await d.docker(['exec', srvName, 'ping', '-c', '1', '-W', '2', 'dode-alias']);
      assert.equal(pinged.code, 0, `ping dode-alias from ${srvName}:\n${pinged.stdout}${pinged.stderr}`);

      await net.disconnect({ Container: other.id });
      assert.deepEqual(Object.keys((await other.inspect()).NetworkSettings.Networks), ['bridge']);
      const members = (await net.inspect()) as { Containers: Record<string, { Name: string }> };
      assert.deepEqual(Object.values(members.Containers).map((c) => c.Name), [srvName]);

      await other.remove({ force: true });
      await srv.remove({ force: true });
    } finally {
      for (const n of [srvName, otherName, clientName]) await d.docker(['rm', '-f', n]);
      await net.remove();
    }
    const left = await dk.listNetworks({ filters: { name: [name] } });
    assert.deepEqual(left.map((n) => n.Name), [], 'the network is still listed after remove()');
  });
});
