// The berth registry as a pull-through cache of Distribution 2.8 (Debian's docker-registry), as a
// machine without outside access would use it: skopeo and berthd (driven by the real docker CLI)
// pull through it, then the upstream is stopped and the same images still pull from the cache.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { includes, ok, waitFor } from '../helpers/assert.js';
import { compatNeeds, startDaemon, type Daemon } from '../helpers/daemon.js';
import { run } from '../helpers/exec.js';
import { tmpParent } from '../helpers/paths.js';
import { skipReason } from '../helpers/prereq.js';
import { makeImage, sha256, startRegistry, writeOciLayout, type Registry, type TestImage } from '../helpers/registry.js';

const REGISTRY_BIN = '/usr/bin/docker-registry';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Distribution 2.8 on loopback with its own root. */
async function startDistribution(dir: string): Promise<{ url: string; addr: string; stop: () => Promise<void> }> {
  const port = await freePort();
  mkdirSync(join(dir, 'root'), { recursive: true });
  const config = join(dir, 'config.yml');
  writeFileSync(config, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'root')}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', config], { stdio: 'ignore' });
  await waitFor('Distribution to answer /v2/', async () => (await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => undefined))?.status === 200);
  return {
    url: `http://127.0.0.1:${port}`,
    addr: `127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

describe('compat: skopeo through the berth pull-through cache of Distribution', { skip: skipReason({ cli: true, binaries: ['skopeo', REGISTRY_BIN] }) }, () => {
  let dir: string;
  let dist: Awaited<ReturnType<typeof startDistribution>>;
  let proxy: Registry;
  let img: TestImage;
  const skopeo = (...args: string[]) => run('skopeo', ['--insecure-policy', ...args], { timeoutMs: 60_000 });

  before(async () => {
    dir = await mkdtemp(join(tmpParent, 'bprx-'));
    dist = await startDistribution(join(dir, 'dist'));
    img = await makeImage([1_200_000, 30_000]);
    await writeOciLayout(join(dir, 'src'), img, 'v1');
    ok(await skopeo('copy', '--dest-tls-verify=false', `oci:${join(dir, 'src')}:v1`, `docker://${dist.addr}/lib/img:v1`));
    proxy = await startRegistry({ args: ['--proxy-remote-url', dist.url] });
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

describe('compat: berthd pulls through the berth pull-through cache of Distribution', { skip: skipReason({ ...compatNeeds, binaries: [...(compatNeeds.binaries ?? []), REGISTRY_BIN] }) }, () => {
  let d: Daemon;
  let dist: Awaited<ReturnType<typeof startDistribution>>;
  let proxy: Registry;

  before(async () => {
    d = await startDaemon();
    dist = await startDistribution(join(d.base, 'distribution'));
    proxy = await startRegistry({ args: ['--proxy-remote-url', dist.url] });
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
