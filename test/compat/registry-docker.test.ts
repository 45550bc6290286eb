// Docker Engine 20.10 (a peer dockerd on its own roots) pushing to and pulling from the berth registry.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ping } from '../helpers/api.js';
import { docker, type RunResult } from '../helpers/exec.js';
import { tmpParent } from '../helpers/paths.js';
import { findBinary, skipReason } from '../helpers/prereq.js';
import { http, startRegistry, type Registry } from '../helpers/registry.js';

function ok(r: RunResult): string {
  assert.equal(r.code, 0, `${r.command}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('compat: Docker Engine 20.10 against the berth registry', { skip: skipReason({ root: true, cli: true, docker: true, binaries: ['dockerd', 'busybox', 'tar'] }) }, () => {
  let reg: Registry;
  let base: string;
  let dockerd: ChildProcess | undefined;
  let env: Record<string, string>;
  const dk = (...args: string[]) => docker(args, { env, timeoutMs: 60_000 });

  before(async () => {
    reg = await startRegistry();
    base = await mkdtemp(join(tmpParent, 'bdk-'));
    const sock = join(base, 'd.sock');
    env = { DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: join(base, 'cfg') };
    // 127.0.0.0/8 is an insecure registry to Docker by default: plain HTTP on loopback needs no flag.
    dockerd = spawn(findBinary('dockerd')!, [
      '-H', `unix://${sock}`, '--data-root', join(base, 'data'), '--exec-root', join(base, 'exec'), '--pidfile', join(base, 'd.pid'),
      '--bridge', 'none', '--iptables=false', '--ip-masq=false', '--log-level', 'warn',
    ], { stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    while (!(await ping(sock, 1_000))) {
      if (Date.now() > deadline || dockerd.exitCode !== null) throw new Error('dockerd did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const rootfs = join(base, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    copyFileSync(findBinary('busybox')!, join(rootfs, 'bin', 'busybox'));
    const tar = execFileSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 << 20 });
    ok(await docker(['import', '-', 'bb:latest'], { env, input: tar }));
  });
  after(async () => {
    if (dockerd && dockerd.exitCode === null) {
      const d = dockerd;
      await new Promise<void>((r) => { d.once('exit', () => r()); d.kill('SIGTERM'); });
    }
    await reg?.cleanup();
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('pushes, and pulls back the same image by tag and by digest', async () => {
    const ref = `${reg.addr}/dk/bb:v1`;
    const id = ok(await dk('image', 'inspect', '-f', '{{.Id}}', 'bb:latest')).trim();
    ok(await dk('tag', 'bb:latest', ref));
    const push = ok(await dk('push', ref));
    const digest = /v1: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(push)?.[1];
    assert.ok(digest, push);
    assert.equal((await http('HEAD', `${reg.url}/v2/dk/bb/manifests/v1`)).headers['docker-content-digest'], digest);

    ok(await dk('rmi', ref, 'bb:latest'));
    const pull = ok(await dk('pull', ref));
    assert.match(pull, new RegExp(`Digest: ${digest}`));
    assert.equal(ok(await dk('image', 'inspect', '-f', '{{.Id}}', ref)).trim(), id);
    assert.match(ok(await dk('image', 'inspect', '-f', '{{.RepoDigests}}', ref)), new RegExp(`dk/bb@${digest}`));
    ok(await dk('rmi', ref));
    ok(await dk('pull', `${reg.addr}/dk/bb@${digest!}`));

    // The docker CLI reads the manifest from the registry itself.
    const inspected = JSON.parse(ok(await dk('manifest', 'inspect', '--insecure', ref))) as { mediaType: string; config: { digest: string } };
    assert.equal(inspected.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(inspected.config.digest, id);

    // A second repository gets the layer by cross-repository mount.
    ok(await dk('tag', `${reg.addr}/dk/bb@${digest!}`, `${reg.addr}/dk/other:v2`));
    assert.match(ok(await dk('push', `${reg.addr}/dk/other:v2`)), /Mounted from dk\/bb/);
  });

  it('answers a pull of a missing repository or tag so that docker says so', async () => {
    const r = await dk('pull', `${reg.addr}/dk/nothing:v1`);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /not found|does not exist|unknown/i);
  });
});
