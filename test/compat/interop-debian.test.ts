// A realistic image between the real peers: a Debian bookworm minbase rootfs (debootstrap, made
// once and cached) imported into berthd and built into a multi-layer image, then moved between
// berthd, the berth registry, Distribution 2.8 and Docker Engine 20.10 in every direction, each
// copy run to show that what arrived is a working Debian.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { includes, lines, ok } from '../helpers/assert.js';
import { compatNeeds, run, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { debianRootfsTar, rootfsFacts, type RootfsFacts } from '../helpers/debian-rootfs.js';
import { distributionBin, startDistribution, type Distribution } from '../helpers/distribution.js';
import { dockerBin } from '../helpers/paths.js';
import { startPeerDockerd, type PeerDockerd } from '../helpers/peer-dockerd.js';
import { http, startRegistry, type Registry } from '../helpers/registry.js';

const needs = { ...compatNeeds, cli: true, binaries: [...(compatNeeds.binaries ?? []), 'dockerd', 'debootstrap', 'tar', distributionBin] };
// Moving ~100 MB images: allow more than the CLI helpers' default minute per command.
const slow = { timeoutMs: 180_000 };

describe('compat: a Debian image between berthd, Docker 20.10, the berth registry and Distribution', { skip: skipReason(needs) }, () => {
  let d: Daemon;
  let reg: Registry;
  let dist: Distribution;
  let peer: PeerDockerd;
  let facts: RootfsFacts;
  let imageId = '';
  const image = 'interop/debian:layered';
  const greeting = (): string => `hello from Debian ${facts.debianVersion} as interop\n`;
  /** What `dpkg -l` counts as installed inside a container of the image. */
  const countInstalled = "dpkg -l | grep -c '^ii'";

  before(async () => {
    // scripts/test.sh has made it before the files start (minutes, the first time on a host);
    // here it is normally found in the cache.
    const tar = await debianRootfsTar((m) => process.stderr.write(`[interop-debian] ${m}\n`));
    facts = rootfsFacts(tar);
    reg = await startRegistry();
    d = await startDaemon();
    dist = await startDistribution(join(d.base, 'distribution'));
    peer = await startPeerDockerd('bdi-');
    assert.match(ok(await d.docker(['import', tar, 'debian:bookworm'], slow)), /^sha256:[0-9a-f]{64}\n$/);
  });
  after(async () => {
    await peer?.stop();
    await dist?.stop();
    await d?.stop();
    await reg?.cleanup();
  });

  it('builds a multi-layer image FROM the imported rootfs with RUN and COPY steps, and runs it', async () => {
    const ctx = join(d.base, 'ctx');
    await mkdir(ctx, { recursive: true });
    await writeFile(join(ctx, 'greet.sh'), '#!/bin/sh\necho "hello from Debian $(cat /etc/debian_version) as $(id -un)"\n');
    await writeFile(join(ctx, 'Dockerfile'), [
      'FROM debian:bookworm',
      "RUN dpkg-query -W -f '${Package}\\n' > /etc/interop-packages && echo built > /etc/interop-stamp",
      'COPY greet.sh /usr/local/bin/greet',
      'RUN chmod 0755 /usr/local/bin/greet && useradd --create-home --uid 1500 interop',
      'USER interop',
      'WORKDIR /home/interop',
      'CMD ["greet"]',
      '',
    ].join('\n'));
    const built = ok(await d.docker(['build', '-t', image, ctx], { ...slow, env: { DOCKER_BUILDKIT: '0' } }));
    includes(built, `Successfully tagged ${image}`);
    imageId = ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', image])).trim();
    // The imported rootfs, then one layer per RUN and COPY.
    assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{len .RootFS.Layers}}', image])).trim(), '4');
    assert.equal(ok(await d.docker(['run', '--rm', image])), greeting());
    assert.equal(ok(await d.docker(['run', '--rm', image, 'sh', '-c', countInstalled])).trim(), String(facts.installed));
    assert.equal(ok(await d.docker(['run', '--rm', image, 'sh', '-c', 'wc -l < /etc/interop-packages'])).trim(), String(facts.installed));
  });

  it('berthd pushes it to the berth registry and to Distribution; Docker 20.10 pulls it from each and runs it', async () => {
    for (const addr of [reg.addr, dist.addr]) {
      const ref = `${addr}/interop/debian:1`;
      ok(await d.docker(['tag', image, ref]));
      const push = ok(await d.docker(['push', ref], slow));
      assert.equal(push.match(/: Pushed$/gm)?.length, 4, push);
      includes(push, /^1: digest: sha256:[0-9a-f]{64} size: \d+$/m);

      const pull = ok(await peer.dk(['pull', ref], slow));
      assert.equal(pull.match(/: Pull complete$/gm)?.length, 4, pull);
      // The same config arrived: Docker computes the same image id berthd has.
      assert.equal(ok(await peer.dk(['image', 'inspect', '-f', '{{.Id}}', ref])).trim(), imageId);
      assert.equal(ok(await peer.dk(['run', '--rm', '--network', 'none', ref])), greeting());
      assert.equal(ok(await peer.dk(['run', '--rm', '--network', 'none', ref, 'sh', '-c', countInstalled])).trim(), String(facts.installed));
      // Gone again, so the pull from the next registry downloads every layer too.
      if (addr === reg.addr) ok(await peer.dk(['rmi', ref]));
    }
  });

  it('docker manifest inspect --insecure shows the layers the berth registry serves', async () => {
    const ref = `${reg.addr}/interop/debian:1`;
    const m = JSON.parse(ok(await d.docker(['manifest', 'inspect', '--insecure', ref]))) as {
      mediaType: string; config: { digest: string }; layers: Array<{ mediaType: string; digest: string; size: number }>;
    };
    assert.equal(m.config.digest, imageId);
    assert.equal(m.layers.length, 4);
    for (const l of m.layers) {
      assert.match(l.mediaType, /tar\+gzip$|tar\.gzip$/);
      const head = await http('HEAD', `${reg.url}/v2/interop/debian/blobs/${l.digest}`);
      assert.equal(head.status, 200, l.digest);
      assert.equal(Number(head.headers['content-length']), l.size, l.digest);
    }
    // The base layer is the whole rootfs, far bigger than the three built on it.
    assert.ok(m.layers[0]!.size > 10 << 20, `base layer of ${m.layers[0]!.size} bytes`);
  });

  it('Docker 20.10 pushes it to the berth registry under another name; berthd pulls it and runs it', async () => {
    const fromDocker = `${reg.addr}/dk/debian:from-docker`;
    ok(await peer.dk(['tag', `${dist.addr}/interop/debian:1`, fromDocker]));
    const push = ok(await peer.dk(['push', fromDocker], slow));
    includes(push, /^from-docker: digest: sha256:[0-9a-f]{64} size: \d+$/m);
    // Nothing of the image left in berthd, so every layer comes from the registry.
    ok(await d.docker(['rmi', '-f', imageId]));
    ok(await d.docker(['rmi', 'debian:bookworm']));
    const pull = ok(await d.docker(['pull', fromDocker], slow));
    assert.equal(pull.match(/: Pull complete$/gm)?.length, 4, pull);
    assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', fromDocker])).trim(), imageId);
    assert.equal(ok(await d.docker(['run', '--rm', fromDocker])), greeting());
    assert.equal(ok(await d.docker(['run', '--rm', fromDocker, 'sh', '-c', countInstalled])).trim(), String(facts.installed));
  });

  it('docker save in Docker 20.10 | docker load in berthd, and the reverse; each runs', async () => {
    const ref = `${dist.addr}/interop/debian:1`;
    const pipe = (from: string, to: string, what: string) =>
      run('bash', ['-o', 'pipefail', '-c', `"${dockerBin}" -H ${from} save ${what} | "${dockerBin}" -H ${to} load`], slow);

    ok(await d.docker(['rmi', '-f', imageId]));
    assert.deepEqual(lines(ok(await pipe(peer.host, d.host, ref))), [`Loaded image: ${ref}`]);
    assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', ref])).trim(), imageId);
    assert.equal(ok(await d.docker(['run', '--rm', ref])), greeting());

    ok(await peer.dk(['rmi', '-f', imageId]));
    assert.deepEqual(lines(ok(await pipe(d.host, peer.host, ref))), [`Loaded image: ${ref}`]);
    assert.equal(ok(await peer.dk(['image', 'inspect', '-f', '{{.Id}}', ref])).trim(), imageId);
    assert.equal(ok(await peer.dk(['run', '--rm', '--network', 'none', ref])), greeting());
    assert.equal(ok(await peer.dk(['run', '--rm', '--network', 'none', ref, 'sh', '-c', countInstalled])).trim(), String(facts.installed));
  });
});
