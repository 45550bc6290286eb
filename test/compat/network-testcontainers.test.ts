// testcontainers-node 11, as a project's integration tests use it, against a real berthd through
// DOCKER_HOST: start a container, wait on a log line, on listening ports and on HTTP, map a port
// and fetch through it from the test process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason } from '../helpers/daemon.js';
import { ok } from '../helpers/assert.js';
import { httpGet, httpGetOk, startNetDaemon, type NetDaemon } from '../helpers/net.js';

type Tc = typeof import('testcontainers');

const IMAGE = 'busybox:latest';
const SERVE = ['sh', '-c', 'mkdir -p /www && echo hello-tc > /www/index.html && echo ready && exec httpd -f -p 8080 -h /www'];

describe('compat: testcontainers-node 11 (ports and wait strategies)', { skip: skipReason(compatNeeds) }, () => {
  let d: NetDaemon;
  let tc: Tc;

  before(async () => {
    d = await startNetDaemon();
    // testcontainers reads these once, when it first looks for a container runtime.
    process.env.DOCKER_HOST = d.host;
    process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
    delete process.env.TESTCONTAINERS_HOST_OVERRIDE;
    tc = await import('testcontainers');
  });
  after(async () => {
    await d?.stop();
  });

  // testcontainers swallows these failures into "Could not find a working container runtime
  // strategy"; asking for each endpoint first names the one that broke.
  it('answers every endpoint testcontainers reads before it starts anything', async () => {
    for (const path of ['/_ping', '/version', '/info', '/networks/bridge', `/images/${IMAGE}/json`, '/images/json']) {
      const r = await d.api({ path });
      assert.equal(r.status, 200, `testcontainers needs GET ${path}; it got ${r.status}: ${r.body.slice(0, 300)}`);
    }
    const bridge = (await d.api({ path: '/networks/bridge' })).json<{ IPAM?: { Config?: { Gateway?: string }[] } }>();
    const gateway = bridge.IPAM?.Config?.find((c) => c.Gateway)?.Gateway;
    // In a container (/.dockerenv) testcontainers connects to mapped ports through this address.
    assert.match(gateway ?? '', /^\d+\.\d+\.\d+\.\d+$/, `GET /networks/bridge has no IPAM.Config[].Gateway: ${JSON.stringify(bridge.IPAM)}`);
  });

  const startWith = (strategy: ReturnType<Tc['Wait']['forLogMessage']>) =>
    new tc.GenericContainer(IMAGE)
      .withCommand(SERVE)
      .withExposedPorts(8080)
      .withPullPolicy(tc.PullPolicy.defaultPolicy()) // the image is local: no pull
      .withWaitStrategy(strategy)
      .withStartupTimeout(20_000)
      .start();

  it('Wait.forLogMessage: a started container whose mapped port serves HTTP to the test', async () => {
    const c = await startWith(tc.Wait.forLogMessage('ready'));
    try {
      // The container is this daemon's (and not one on some other socket testcontainers found).
      assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Running}}', c.getId()])).trim(), 'true');
      const port = c.getMappedPort(8080);
      assert.ok(port > 0, `getMappedPort(8080) = ${port}`);
      const shown = ok(await d.docker(['port', c.getId(), '8080/tcp']));
      assert.match(shown, new RegExp(`:${port}$`, 'm'), `docker port disagrees with testcontainers' mapped port ${port}`);
      const url = `http://${c.getHost()}:${port}/`;
      // "ready" is printed just before httpd binds; allow it a moment.
      const r = await httpGetOk(url, 10_000);
      assert.equal(r.body, 'hello-tc\n', `GET ${url}: ${r.error ?? r.status}`);
    } finally {
      await c.stop();
    }
    assert.equal(ok(await d.docker(['ps', '-aq', '--filter', `id=${c.getId()}`])), '', 'stop() left the container behind');
  });

  it('Wait.forListeningPorts: the port answers as soon as start() returns', async () => {
    const c = await startWith(tc.Wait.forListeningPorts());
    try {
      const url = `http://${c.getHost()}:${c.getMappedPort(8080)}/`;
      const r = await httpGet(url);
      assert.equal(r.body, 'hello-tc\n', `GET ${url}: ${r.error ?? r.status}`);
    } finally {
      await c.stop();
    }
  });

  it("Wait.forHttp('/', 8080): start() returns once the page answers 200", async () => {
    const c = await startWith(tc.Wait.forHttp('/', 8080).forStatusCode(200));
    try {
      const url = `http://${c.getHost()}:${c.getMappedPort(8080)}/`;
      const r = await httpGet(url);
      assert.equal(r.body, 'hello-tc\n', `GET ${url}: ${r.error ?? r.status}`);
    } finally {
      await c.stop();
    }
  });

  it('Network + withNetworkAliases: a container reaches another by its alias on a user network', async () => {
    const network = await new tc.Network().start();
    try {
      const web = await new tc.GenericContainer(IMAGE)
        .withCommand(SERVE)
        .withNetwork(network)
        .withNetworkAliases('tc-web')
        .withWaitStrategy(tc.Wait.forLogMessage('ready'))
        .withStartupTimeout(20_000)
        .start();
      const client = await new tc.GenericContainer(IMAGE).withCommand(['sleep', '600']).withNetwork(network).withStartupTimeout(20_000).start();
      try {
        const r = await client.exec(['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://tc-web:8080/ && exit 0; sleep 0.3; done; exit 1']);
        assert.deepEqual([r.exitCode, r.output], [0, 'hello-tc\n'], `wget http://tc-web:8080/ from another container on ${network.getName()}`);
      } finally {
        await client.stop();
        await web.stop();
      }
    } finally {
      await network.stop();
    }
    assert.equal(ok(await d.docker(['network', 'ls', '-q', '--filter', `name=${network.getName()}`])), '', 'network.stop() left the network');
  });
});
