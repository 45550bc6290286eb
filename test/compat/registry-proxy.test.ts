// The berth registry as a pull-through cache, as a machine without outside access would use it:
// skopeo and berthd (driven by the real docker CLI) pull through it from Distribution 2.8
// (Debian's docker-registry), Docker Engine 20.10 from another berth registry; then the upstream
// is stopped and the same images still pull from the cache.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { includes, ok } from '../helpers/assert.js';
import { compatNeeds, startDaemon, type Daemon } from '../helpers/daemon.js';
import { run } from '../helpers/exec.js';
import { tmpParent } from '../helpers/paths.js';
import { skipReason } from '../helpers/prereq.js';
import { startPeerDockerd, type PeerDockerd } from '../helpers/peer-dockerd.js';
import { distributionBin, startDistribution, type Distribution } from '../helpers/distribution.js';
import { makeImage, sha256, startRegistry, writeOciLayout, type Registry, type TestImage } from '../helpers/registry.js';

describe('compat: skopeo through the berth pull-through cache of Distribution', { skip: skipReason({ cli: true, binaries: ['skopeo', distributionBin] }) }, () => {
  let dir: string;
  let dist: Distribution;
  let proxy: Registry;
  let img: TestImage;
  const skopeo = (...args: string[]) => run('skopeo', ['--insecure-policy', ...args], { timeoutMs: 60_000 });

  before(async () => {
    dir = await mkdtemp(join(tmpParent, 'bprx-'));
    dist = await startDistribution(join(dir, 'dist'));
    img = await makeImage([1_200_000, 30_000]);
    await writeOciLayout(join(dir, 'src'), img, 'v1');
    ok(await skopeo('copy', '--dest-tls-verify=false', `oci:${join(dir, 'src')}:v1`, `docker://${dist.addr}/lib/img:v1`));
    proxy = await startRegistry({ args: ['--proxy-remote-url', `http://${dist.addr}`] });
  });
  after(async () => {
    await proxy?.cleanup();
    await dist?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function assertCopied(to: string): Promise<void> {
    const blobs = (await readdir(join(to, 'blobs', 'sha256'))).sort();
    assert.deepEqual(blobs, [img.manifest, img.config, ...img.layers].map((b) => sha256(b).slice(7)).sort());
    for (const l of img.layers) assert.ok((await readFile(join(to, 'blobs', 'sha256', sha256(l).slice(7)))).equals(l));
  }

  it('copies an image out through the cache', async () => {
    ok(await skopeo('copy', '--src-tls-verify=false', `docker://${proxy.addr}/lib/img:v1`, `oci:${join(dir, 'one')}:v1`));
    await assertCopied(join(dir, 'one'));
    const tags = JSON.parse(ok(await skopeo('list-tags', '--tls-verify=false', `docker://${proxy.addr}/lib/img`))) as { Tags: string[] };
    assert.deepEqual(tags.Tags, ['v1']);
  });

  it('refuses a push', async () => {
    const r = await skopeo('copy', '--dest-tls-verify=false', `oci:${join(dir, 'src')}:v1`, `docker://${proxy.addr}/lib/img:v2`);
    assert.notEqual(r.code, 0);
  });

  it('copies the same image again with Distribution stopped', async () => {
    await dist.stop();
    ok(await skopeo('copy', '--src-tls-verify=false', `docker://${proxy.addr}/lib/img:v1`, `oci:${join(dir, 'two')}:v1`));
    await assertCopied(join(dir, 'two'));
    const raw = ok(await skopeo('inspect', '--tls-verify=false', '--raw', `docker://${proxy.addr}/lib/img:v1`));
    assert.equal(sha256(raw), img.manifestDigest);
  });
});

describe('compat: berthd pulls through the berth pull-through cache of Distribution', { skip: skipReason({ ...compatNeeds, binaries: [...(compatNeeds.binaries ?? []), distributionBin] }) }, () => {
  let d: Daemon;
  let dist: Distribution;
  let proxy: Registry;

  before(async () => {
    d = await startDaemon();
    dist = await startDistribution(join(d.base, 'distribution'));
    proxy = await startRegistry({ args: ['--proxy-remote-url', `http://${dist.addr}`] });
  });
  after(async () => {
    await proxy?.cleanup();
    await dist?.stop();
    await d?.stop();
  });

  it('pulls and runs an image through the cache, and again from the cache alone', async () => {
    ok(await d.docker(['tag', 'busybox', `${dist.addr}/mirror/busybox:1`]));
    ok(await d.docker(['push', `${dist.addr}/mirror/busybox:1`]));
    const ref = `${proxy.addr}/mirror/busybox:1`;
    includes(ok(await d.docker(['pull', ref])), `Status: Downloaded newer image for ${ref}`);
    assert.equal(ok(await d.docker(['run', '--rm', ref, 'echo', 'through-proxy'])), 'through-proxy\n');

    await dist.stop();
    ok(await d.docker(['rmi', ref]));
    includes(ok(await d.docker(['pull', ref])), `Status: Downloaded newer image for ${ref}`);
    assert.equal(ok(await d.docker(['run', '--rm', ref, 'echo', 'from-cache'])), 'from-cache\n');
  });
});

describe('compat: Docker Engine 20.10 pulls through the berth pull-through cache of a berth registry', { skip: skipReason({ root: true, cli: true, docker: true, binaries: ['dockerd', 'busybox', 'tar'] }) }, () => {
  let upstream: Registry;
  let proxy: Registry;
  let peer: PeerDockerd;
  const dk = (...args: string[]) => peer.dk(args);

  before(async () => {
    upstream = await startRegistry();
    proxy = await startRegistry({ args: ['--proxy-remote-url', upstream.url] });
    peer = await startPeerDockerd('bdkp-');
  });
  after(async () => {
    await peer?.stop();
    await proxy?.cleanup();
    await upstream?.cleanup();
  });

  it('pulls the same image through the cache, and again with the upstream stopped', async () => {
    const id = ok(await dk('image', 'inspect', '-f', '{{.Id}}', 'bb:latest')).trim();
    ok(await dk('tag', 'bb:latest', `${upstream.addr}/dk/bb:v1`));
    const digest = /v1: digest: (sha256:[0-9a-f]{64})/.exec(ok(await dk('push', `${upstream.addr}/dk/bb:v1`)))?.[1];
    assert.ok(digest);
    ok(await dk('rmi', `${upstream.addr}/dk/bb:v1`, 'bb:latest'));

    const ref = `${proxy.addr}/dk/bb:v1`;
    includes(ok(await dk('pull', ref)), `Digest: ${digest}`);
    assert.equal(ok(await dk('image', 'inspect', '-f', '{{.Id}}', ref)).trim(), id);
    ok(await dk('rmi', ref));

    await upstream.stop();
    includes(ok(await dk('pull', ref)), `Digest: ${digest}`);
    assert.equal(ok(await dk('image', 'inspect', '-f', '{{.Id}}', ref)).trim(), id);
    const missing = await dk('pull', `${proxy.addr}/dk/other:v1`);
    assert.notEqual(missing.code, 0);
  });
});
