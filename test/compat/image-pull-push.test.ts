// Pull, push and login with the real docker CLI against berthd, with a real Distribution 2.8
// (Debian's docker-registry) on loopback as the registry, and a small fake registry in this file
// for what Distribution will not do: the token flow with a login, a denied repository, and a
// layer whose bytes do not match its digest.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { fails, includes, lines, ok, waitFor } from '../helpers/assert.js';

const REGISTRY_BIN = '/usr/bin/docker-registry';
const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Distribution 2.8 serving on loopback with its own root dir. */
async function startDistribution(dir: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const port = await closedPort();
  mkdirSync(join(dir, 'root'), { recursive: true });
  const config = join(dir, 'config.yml');
  writeFileSync(config, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'root')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', config], { stdio: 'ignore' });
  await waitFor('Distribution to answer /v2/', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => undefined);
    return r?.status === 200;
  });
  return {
    port,
    stop: async () => {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
    },
  };
}

/** A one-layer image made here: a gzip layer holding /hello.txt, and its config. */
async function tinyImage(): Promise<{ layer: Buffer; config: Buffer }> {
  const pack = tar.pack();
  pack.entry({ name: 'hello.txt', mode: 0o644, mtime: new Date(0) }, 'hello from the fake registry\n');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  const plain = Buffer.concat(chunks);
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Cmd: ['/hello.txt'] }, rootfs: { type: 'layers', diff_ids: [sha256(plain)] },
  }));
  return { layer: gzipSync(plain), config };
}

/**
 * A registry with Docker Hub's token flow: /v2/ answers 401 with a Bearer challenge, /token
 * hands out a token for user "u" / password "p" (and an anonymous one), and manifests are
 * served only with a token. Repository "denied/x" is refused as Docker Hub refuses a missing
 * repository; "bad/x" serves a layer whose bytes are not what its digest says; "drop/x" drops
 * the connection half-way through the layer.
 */
async function startFakeRegistry(): Promise<{ port: number; blobGets: () => number; stop: () => Promise<void> }> {
  const { layer, config } = await tinyImage();
  const corrupt = Buffer.from(layer);
  corrupt[corrupt.length - 10] ^= 0xff;
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha256(config) },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: sha256(layer) }],
  }));
  let port = 0;
  let blobGets = 0;
  const deny = (res: ServerResponse, status: number, code: string, message: string): void => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...(status === 401 ? { 'WWW-Authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="fake"` } : {}) });
    res.end(JSON.stringify({ errors: [{ code, message }] }));
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token') {
      const basic = req.headers.authorization;
      if (basic && basic !== `Basic ${Buffer.from('u:p').toString('base64')}`) return deny(res, 401, 'UNAUTHORIZED', 'incorrect username or password');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token: basic ? 'user-token' : 'anon-token' }));
      return;
    }
    if (!/^Bearer (user|anon)-token$/.test(req.headers.authorization ?? '')) return deny(res, 401, 'UNAUTHORIZED', 'authentication required');
    if (url.pathname === '/v2/') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
      return;
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!m) return deny(res, 404, 'NOT_FOUND', 'not found');
    const [, repo, kind, target] = m;
    if (repo === 'denied/x') return deny(res, 403, 'DENIED', 'requested access to the resource is denied');
    if (repo !== 'good/x' && repo !== 'bad/x' && repo !== 'drop/x') return deny(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry');
    let body: Buffer | undefined;
    let type = 'application/octet-stream';
    if (kind === 'manifests' && (target === '1' || target === sha256(manifest))) {
      body = manifest;
      type = 'application/vnd.docker.distribution.manifest.v2+json';
    } else if (kind === 'blobs' && target === sha256(config)) {
      body = config;
    } else if (kind === 'blobs' && target === sha256(layer)) {
      blobGets++;
      body = repo === 'bad/x' ? corrupt : layer;
    }
    if (!body) return deny(res, 404, kind === 'manifests' ? 'MANIFEST_UNKNOWN' : 'BLOB_UNKNOWN', 'unknown');
    if (repo === 'drop/x' && body === layer) {
      // Half the layer, then the connection drops.
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length });
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
      return;
    }
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Docker-Content-Digest': sha256(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  return {
    port,
    blobGets: () => blobGets,
    stop: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

describe('compat: pull and push with a registry', { skip: skipReason({ ...compatNeeds, binaries: [...(compatNeeds.binaries ?? []), REGISTRY_BIN] }) }, () => {
  let d: Daemon;
  let dist: Awaited<ReturnType<typeof startDistribution>>;
  let fake: Awaited<ReturnType<typeof startFakeRegistry>>;
  let repo = '';
  let pushedDigest = '';

  before(async () => {
    d = await startDaemon();
    dist = await startDistribution(join(d.base, 'distribution'));
    fake = await startFakeRegistry();
    repo = `127.0.0.1:${dist.port}/test/busybox`;
  });
  after(async () => {
    await fake?.stop();
    await dist?.stop();
    await d?.stop();
  });

  const blobs = (): string[] => {
    const dir = join(d.dataRoot, 'image', 'blobs', 'sha256');
    return existsSync(dir) ? readdirSync(dir).sort() : [];
  };

  it('pushes busybox, then pulls it back after rmi and runs it', async () => {
    ok(await d.docker(['tag', 'busybox', `${repo}:1`]));
    const push = ok(await d.docker(['push', `${repo}:1`]));
    includes(push, `The push refers to repository [${repo}]`);
    includes(push, /: Pushed$/m);
    const m = /^1: digest: (sha256:[0-9a-f]{64}) size: (\d+)$/m.exec(push);
    assert.ok(m, push);
    pushedDigest = m[1]!;
    // The registry has it under that digest.
    const head = await fetch(`http://127.0.0.1:${dist.port}/v2/test/busybox/manifests/1`, { method: 'HEAD', headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    assert.equal(head.headers.get('docker-content-digest'), pushedDigest);
    // A second push finds every layer there.
    includes(ok(await d.docker(['push', `${repo}:1`])), /: Layer already exists$/m);

    ok(await d.docker(['rmi', `${repo}:1`, 'busybox']));
    const pull = ok(await d.docker(['pull', `${repo}:1`]));
    for (const want of ['1: Pulling from test/busybox', ': Pull complete', `Digest: ${pushedDigest}`, `Status: Downloaded newer image for ${repo}:1`]) includes(pull, want);
    assert.equal(ok(await d.docker(['run', '--rm', `${repo}:1`, 'echo', 'pulled-ok'])), 'pulled-ok\n');
    assert.deepEqual(JSON.parse(ok(await d.docker(['image', 'inspect', '-f', '{{json .RepoDigests}}', `${repo}:1`]))), [`${repo}@${pushedDigest}`]);
    const digests = lines(ok(await d.docker(['images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}', repo])));
    assert.deepEqual(digests, [`${repo} 1 ${pushedDigest}`]);
    includes(ok(await d.docker(['pull', `${repo}:1`])), `Status: Image is up to date for ${repo}:1`);
  });

  it('streams the progress messages the docker CLI draws', async () => {
    ok(await d.docker(['rmi', `${repo}:1`]));
    const r = await d.api({ method: 'POST', path: `/images/create?fromImage=${encodeURIComponent(repo)}&tag=1`, timeoutMs: 30_000 });
    assert.equal(r.status, 200);
    const msgs = r.body.split('\r\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { status?: string; id?: string; progressDetail?: { current?: number; total?: number } });
    const layerId = msgs.find((x) => x.status === 'Pulling fs layer')?.id;
    assert.match(layerId ?? '', /^[0-9a-f]{12}$/);
    const steps = msgs.filter((x) => x.id === layerId).map((x) => x.status).filter((s, i, a) => s !== a[i - 1]);
    assert.deepEqual(steps, ['Pulling fs layer', 'Downloading', 'Verifying Checksum', 'Download complete', 'Extracting', 'Pull complete']);
    const dl = msgs.filter((x) => x.status === 'Downloading').at(-1)!;
    assert.ok(dl.progressDetail!.total! > 0 && dl.progressDetail!.current === dl.progressDetail!.total);
    assert.deepEqual(msgs.at(-1), { status: `Status: Downloaded newer image for ${repo}:1` });
  });

  it('pulls by digest and runs pinned to it', async () => {
    ok(await d.docker(['rmi', `${repo}:1`]));
    const out = ok(await d.docker(['pull', `${repo}@${pushedDigest}`]));
    includes(out, `${pushedDigest}: Pulling from test/busybox`);
    includes(out, `Status: Downloaded newer image for ${repo}@${pushedDigest}`);
    assert.equal(ok(await d.docker(['run', '--rm', `${repo}@${pushedDigest}`, 'echo', 'pinned'])), 'pinned\n');
    assert.deepEqual(JSON.parse(ok(await d.docker(['image', 'inspect', '-f', '{{json .RepoDigests}} {{json .RepoTags}}', `${repo}@${pushedDigest}`])).split(' ')[0]!), [`${repo}@${pushedDigest}`]);
  });

  it('docker run of an image missing here pulls it from the registry', async () => {
    ok(await d.docker(['tag', `${repo}@${pushedDigest}`, `127.0.0.1:${dist.port}/test/other:2`]));
    ok(await d.docker(['push', `127.0.0.1:${dist.port}/test/other:2`]));
    ok(await d.docker(['rmi', '-f', `127.0.0.1:${dist.port}/test/other:2`, `${repo}@${pushedDigest}`]));
    const r = await d.docker(['run', '--rm', `127.0.0.1:${dist.port}/test/other:2`, 'echo', 'ran-after-pull']);
    assert.equal(ok(r), 'ran-after-pull\n');
    includes(r.stderr, `Unable to find image '127.0.0.1:${dist.port}/test/other:2' locally`);
    includes(r.stderr, `Status: Downloaded newer image for 127.0.0.1:${dist.port}/test/other:2`);
  });

  it('layers already here are not downloaded again', async () => {
    // A two-layer image: the pulled busybox plus a committed layer.
    const c = ok(await d.docker(['create', `${repo}:1`, 'sh', '-c', 'echo layered > /layered.txt'])).trim();
    ok(await d.docker(['start', '-a', c]));
    const two = `127.0.0.1:${dist.port}/test/two:1`;
    ok(await d.docker(['commit', c, two]));
    ok(await d.docker(['rm', c]));
    ok(await d.docker(['push', two]));
    ok(await d.docker(['rmi', two]));
    const out = ok(await d.docker(['pull', two]));
    assert.equal(out.match(/: Already exists$/gm)?.length, 1, out);
    assert.equal(out.match(/: Pull complete$/gm)?.length, 1, out);
    assert.equal(ok(await d.docker(['run', '--rm', two, 'cat', '/layered.txt'])), 'layered\n');
  });

  it('pull --all-tags pulls every tag of the repository', async () => {
    const multi = `127.0.0.1:${dist.port}/test/multi`;
    ok(await d.docker(['tag', `127.0.0.1:${dist.port}/test/two:1`, `${multi}:a`]));
    ok(await d.docker(['tag', `${repo}:1`, `${multi}:b`]));
    ok(await d.docker(['push', '--all-tags', multi]));
    ok(await d.docker(['rmi', `${multi}:a`, `${multi}:b`]));
    const out = ok(await d.docker(['pull', '--all-tags', multi]));
    for (const want of ['a: Pulling from test/multi', 'b: Pulling from test/multi', `Status: Downloaded newer image for ${multi}`]) includes(out, want);
    assert.deepEqual(lines(ok(await d.docker(['images', '--format', '{{.Tag}}', multi]))).sort(), ['a', 'b']);
  });

  it('a repository the registry does not have: 404 before the stream, with Docker\'s words', async () => {
    const r = await d.docker(['pull', `127.0.0.1:${dist.port}/nosuch/repo:1`]);
    assert.equal(r.code, 1);
    includes(r.stderr, `Error response from daemon: manifest for 127.0.0.1:${dist.port}/nosuch/repo:1 not found: manifest unknown: manifest unknown`);
    const api = await d.api({ method: 'POST', path: `/images/create?fromImage=127.0.0.1:${dist.port}/nosuch/repo&tag=1` });
    assert.equal(api.status, 404);
    const run = await d.docker(['run', '--rm', `127.0.0.1:${dist.port}/nosuch/repo:1`]);
    assert.equal(run.code, 125);
  });

  it('an unreachable registry is an error within seconds', async () => {
    const port = await closedPort();
    const r = await d.docker(['pull', `127.0.0.1:${port}/x/y:1`], { timeoutMs: 20_000 });
    assert.equal(r.code, 1);
    includes(r.stderr, `Error response from daemon: Get "http://127.0.0.1:${port}/v2/": dial tcp 127.0.0.1:${port}: connect: connection refused`);
    assert.ok(r.durationMs < 5_000, `took ${r.durationMs} ms`);
  });

  it('logs in and pulls through the token flow; a denied repository reads "pull access denied"', async () => {
    const host = `127.0.0.1:${fake.port}`;
    const bad = await d.docker(['login', '-u', 'u', '--password-stdin', host], { input: 'wrong\n' });
    fails(bad);
    includes(bad.stderr, 'incorrect username or password');
    includes(ok(await d.docker(['login', '-u', 'u', '--password-stdin', host], { input: 'p\n' })), 'Login Succeeded');
    includes(ok(await d.docker(['pull', `${host}/good/x:1`])), `Status: Downloaded newer image for ${host}/good/x:1`);
    const denied = await d.docker(['pull', `${host}/denied/x:1`]);
    assert.equal(denied.code, 1);
    includes(denied.stderr, `Error response from daemon: pull access denied for ${host}/denied/x, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`);
  });

  it('bin/berth pull, push, login and logout work as the docker CLI does', async () => {
    const other = `127.0.0.1:${dist.port}/test/other:2`;
    const name = `127.0.0.1:${dist.port}/test/cli:1`;
    ok(await d.berth(['tag', other, name]));
    const push = ok(await d.berth(['push', name]));
    includes(push, `The push refers to repository [127.0.0.1:${dist.port}/test/cli]`);
    includes(push, /^1: digest: sha256:[0-9a-f]{64} size: \d+$/m);
    ok(await d.berth(['rmi', name]));
    ok(await d.docker(['rmi', other]));
    const pull = ok(await d.berth(['pull', name]));
    includes(pull, `Status: Downloaded newer image for ${name}`);
    assert.equal(lines(pull).at(-1), name);

    const host = `127.0.0.1:${fake.port}`;
    assert.equal(ok(await d.berth(['logout', host])), `Removing login credentials for ${host}\n`);
    // Without credentials the fake registry still hands out an anonymous token.
    const login = await d.berth(['login', '-u', 'u', '--password-stdin', host], { input: 'p\n' });
    assert.equal(ok(login), 'Login Succeeded\n');
    includes(ok(await d.berth(['pull', `${host}/good/x:1`])), `${host}/good/x:1`);
    fails(await d.berth(['login', '-u', 'u', '--password-stdin', host], { input: 'nope\n' }));
  });

  it('a layer that does not match its digest, or is cut off, fails the pull and leaves nothing behind', async () => {
    const host = `127.0.0.1:${fake.port}`;
    ok(await d.docker(['rmi', `${host}/good/x:1`]));
    const before = blobs();
    const gets = fake.blobGets();
    const r = await d.docker(['pull', `${host}/bad/x:1`]);
    assert.equal(r.code, 1);
    assert.ok(fake.blobGets() > gets, 'the layer was fetched');
    includes(r.stderr, /filesystem layer verification failed for digest sha256:[0-9a-f]{64}/);
    assert.deepEqual(blobs(), before);
    assert.deepEqual(lines(ok(await d.docker(['images', '-q', `${host}/bad/x`]))), []);
    const dropped = await d.docker(['pull', `${host}/drop/x:1`]);
    assert.equal(dropped.code, 1);
    includes(dropped.stderr, /failed to download layer sha256:[0-9a-f]{64}: unexpected EOF/);
    assert.deepEqual(blobs(), before);
    // The good image still pulls (the same layer digest, served right).
    includes(ok(await d.docker(['pull', `${host}/good/x:1`])), 'Pull complete');
  });
});
