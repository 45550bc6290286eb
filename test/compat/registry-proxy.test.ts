// The berth registry as a pull-through cache, as a machine without outside access would use it:
// skopeo and berthd (driven by the real docker CLI) pull through it from Distribution 2.8
// (Debian's docker-registry), Docker Engine 20.10 from another berth registry; then the upstream
// is stopped and the same images still pull from the cache.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ping } from '../helpers/api.js';
import { includes, ok, waitFor } from '../helpers/assert.js';
import { compatNeeds, startDaemon, type Daemon } from '../helpers/daemon.js';
import { docker, run } from '../helpers/exec.js';
import { tmpParent } from '../helpers/paths.js';
import { findBinary, skipReason } from '../helpers/prereq.js';
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

describe('compat: Docker Engine 20.10 pulls through the berth pull-through cache of a berth registry', { skip: skipReason({ root: true, cli: true, docker: true, binaries: ['dockerd', 'busybox', 'tar'] }) }, () => {
  let upstream: Registry;
  let proxy: Registry;
  let base: string;
  let dockerd: ChildProcess | undefined;
  let env: Record<string, string>;
  const dk = (...args: string[]) => docker(args, { env, timeoutMs: 60_000 });

  before(async () => {
    upstream = await startRegistry();
    proxy = await startRegistry({ args: ['--proxy-remote-url', upstream.url] });
    base = await mkdtemp(join(tmpParent, 'bdkp-'));
    const sock = join(base, 'd.sock');
    env = { DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: join(base, 'cfg') };
    dockerd = spawn(findBinary('dockerd')!, [
      '-H', `unix://${sock}`, '--data-root', join(base, 'data'), '--exec-root', join(base, 'exec'), '--pidfile', join(base, 'd.pid'),
      '--bridge', 'none', '--iptables=false', '--ip-masq=false', '--log-level', 'warn',
    ], { stdio: 'ignore' });
    const d = dockerd;
    await waitFor('dockerd to answer', async () => {
      if (d.exitCode !== null) throw new Error('dockerd exited');
      return ping(sock, 1_000);
    }, 30_000);
    const rootfs = join(base, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    copyFileSync(findBinary('busybox')!, join(rootfs, 'bin', 'busybox'));
    ok(await docker(['import', '-', 'bb:latest'], { env, input: execFileSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 << 20 }) }));
  });
  after(async () => {
    if (dockerd && dockerd.exitCode === null && dockerd.signalCode === null) {
      const d = dockerd;
      await new Promise<void>((r) => { d.once('exit', () => r()); d.kill('SIGTERM'); });
    }
    await proxy?.cleanup();
    await upstream?.cleanup();
    if (base) await rm(base, { recursive: true, force: true });
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
