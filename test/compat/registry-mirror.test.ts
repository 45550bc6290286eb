// `--registry-mirror`: the docker CLI pulls docker.io images through berthd from a berth registry
// standing in as the mirror, after a mirror that is down; Docker Hub itself is unreachable here.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { fails, includes, ok } from '../helpers/assert.js';
import { startRegistry, type Registry } from '../helpers/registry.js';

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('compat: pulls of docker.io images go to the registry mirrors first', { skip: skipReason(compatNeeds) }, () => {
  let reg: Registry;
  let d: Daemon;
  let down = '';

  before(async () => {
    reg = await startRegistry();
    down = `http://127.0.0.1:${await closedPort()}/`;
    d = await startDaemon({ args: ['--registry-mirror', down, '--registry-mirror', reg.url] });
    // The mirror holds a busybox that differs from the one berthd seeds: it carries /mirror.txt.
    const c = ok(await d.docker(['create', 'busybox', 'sh', '-c', 'echo from-the-mirror > /mirror.txt'])).trim();
    ok(await d.docker(['start', '-a', c]));
    ok(await d.docker(['commit', c, `${reg.addr}/library/busybox:latest`]));
    ok(await d.docker(['rm', c]));
    ok(await d.docker(['push', `${reg.addr}/library/busybox:latest`]));
    ok(await d.docker(['rmi', `${reg.addr}/library/busybox:latest`]));
  });
  after(async () => {
    await d?.stop();
    await reg?.cleanup();
  });

  it('docker info lists the mirrors', async () => {
    includes(ok(await d.docker(['info'])), ` Registry Mirrors:\n  ${down}\n  ${reg.url}/\n`);
    const cfg = JSON.parse(ok(await d.docker(['info', '-f', '{{json .RegistryConfig}}']))) as { Mirrors: string[]; IndexConfigs: Record<string, { Mirrors: string[] }> };
    assert.deepEqual(cfg.Mirrors, [down, `${reg.url}/`]);
    assert.deepEqual(cfg.IndexConfigs['docker.io']!.Mirrors, [down, `${reg.url}/`]);
  });

  it('docker pull busybox gets library/busybox from the mirror that answers', async () => {
    const out = ok(await d.docker(['pull', 'busybox']));
    includes(out, 'latest: Pulling from library/busybox');
    includes(out, 'Status: Downloaded newer image for busybox:latest');
    includes(out, 'docker.io/library/busybox:latest');
    includes(reg.log(), '"path":"/v2/library/busybox/manifests/latest"');
    assert.equal(ok(await d.docker(['run', '--rm', 'busybox', 'cat', '/mirror.txt'])), 'from-the-mirror\n');
    includes(ok(await d.docker(['pull', 'busybox:latest'])), 'Status: Image is up to date for busybox:latest');
  });

  it('an image no mirror has fails within seconds, naming Docker Hub\'s error and the mirrors\'', async () => {
    const t0 = Date.now();
    const r = await d.docker(['pull', 'alpine:3'], { timeoutMs: 30_000 });
    fails(r);
    assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
    includes(r.stderr, 'Error response from daemon: ');
    includes(r.stderr, 'registry-1.docker.io');
    includes(r.stderr, `mirror ${down}: Get "${down}v2/": dial tcp ${down.slice(7, -1)}: connect: connection refused`);
    includes(r.stderr, `mirror ${reg.url}/: repository alpine not found: name unknown`);
  });

  it('pushes never go to a mirror', async () => {
    const before = reg.log().length;
    fails(await d.docker(['push', 'busybox:latest'], { timeoutMs: 30_000 }));
    assert.doesNotMatch(reg.log().slice(before), /"method":"(POST|PUT|PATCH)"/);
  });
});
