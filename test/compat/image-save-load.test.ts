// docker save / docker load against berthd with the real docker CLI: round trip, several images
// sharing a layer, a pipe from save into load, archives exchanged with Docker Engine 20.10 in
// both directions, and hostile archives refused with the store left as it was.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { compatNeeds, docker, ping, run, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { findBinary } from '../helpers/prereq.js';
import { dockerBin } from '../helpers/paths.js';
import { fails, lines, ok } from '../helpers/assert.js';
import { makeTar } from '../../src/lib/tar/test-helpers.js';

interface Member { name: string; type?: 'file' | 'symlink' | 'directory'; body?: Buffer | string; linkname?: string }

async function readTar(tar: Buffer): Promise<Member[]> {
  const out: Member[] = [];
  const x = tarStream.extract();
  Readable.from([tar]).pipe(x as unknown as NodeJS.WritableStream);
  for await (const e of x) {
    const chunks: Buffer[] = [];
    for await (const c of e as unknown as AsyncIterable<Buffer>) chunks.push(c);
    out.push({ name: e.header.name, type: e.header.type as Member['type'], body: Buffer.concat(chunks), linkname: e.header.linkname ?? undefined });
  }
  return out;
}

/** Docker Engine 20.10 on its own roots and socket, with no bridge and no iptables. */
async function startDockerd(base: string): Promise<{ host: string; stop: () => Promise<void> }> {
  mkdirSync(base, { recursive: true });
  const socket = join(base, 'd.sock');
  const log = openSync(join(base, 'dockerd.log'), 'a');
  const child: ChildProcess = spawn(findBinary('dockerd')!, [
    '-H', `unix://${socket}`, '--data-root', join(base, 'data'), '--exec-root', join(base, 'exec'), '--pidfile', join(base, 'd.pid'),
    '--bridge', 'none', '--iptables=false', '--ip-masq=false', '--log-level', 'warn',
  ], { stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]) === false) child.kill('SIGKILL');
      await exited;
    }
  };
  const deadline = Date.now() + 30_000;
  while (!(await ping(socket, 1_000))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`dockerd did not start: ${readFileSync(join(base, 'dockerd.log'), 'utf8').slice(-2000)}`);
    }
    await sleep(100);
  }
  return { host: `unix://${socket}`, stop };
}

describe('compat: docker save and load', { skip: skipReason({ ...compatNeeds, binaries: [...(compatNeeds.binaries ?? []), 'sh'] }) }, () => {
  let d: Daemon;
  let dir: string;
  const images = async (): Promise<string[]> => lines(ok(await d.docker(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']))).sort();

  before(async () => {
    d = await startDaemon();
    dir = join(d.base, 'files');
    mkdirSync(dir);
    // A second image on top of busybox: a file added and one removed (a whiteout), by commit.
    ok(await d.docker(['run', '--name', 'mk', 'busybox', 'sh', '-c', 'echo second > /hello && rm /bin/vi']));
    ok(await d.docker(['commit', 'mk', 'two:1']));
    ok(await d.docker(['rm', 'mk']));
  });
  after(async () => {
    await d?.stop();
  });

  it('round trip: save -o, rmi, load -i, run', async () => {
    const file = join(dir, 'two.tar');
    ok(await d.docker(['save', 'two:1', '-o', file]));
    const id = ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'two:1'])).trim();
    ok(await d.docker(['rmi', 'two:1']));
    assert.equal(ok(await d.docker(['load', '-i', file])).trim(), 'Loaded image: two:1');
    assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'two:1'])).trim(), id);
    assert.equal(ok(await d.docker(['run', '--rm', 'two:1', 'sh', '-c', 'cat /hello; test -e /bin/vi || echo gone'])), 'second\ngone\n');
  });

  it('several images in one archive: the layer they share is written once, in both layouts', async () => {
    const file = join(dir, 'both.tar');
    ok(await d.docker(['save', '-o', file, 'busybox', 'two:1']));
    const members = await readTar(readFileSync(file));
    const names = members.map((m) => m.name);
    const base = ok(await d.docker(['image', 'inspect', '-f', '{{index .RootFS.Layers 0}}', 'busybox'])).trim();
    assert.equal(names.filter((n) => n === `blobs/sha256/${base.slice(7)}`).length, 1);
    for (const n of ['oci-layout', 'index.json', 'manifest.json', 'repositories']) assert.ok(names.includes(n), n);
    const manifest = JSON.parse(String(members.find((m) => m.name === 'manifest.json')!.body)) as Array<{ RepoTags: string[]; Layers: string[] }>;
    assert.deepEqual(manifest.map((m) => m.RepoTags), [['busybox:latest'], ['two:1']]);
    assert.equal(manifest[1]!.Layers[0], `blobs/sha256/${base.slice(7)}`);
    const index = JSON.parse(String(members.find((m) => m.name === 'index.json')!.body)) as { manifests: Array<{ annotations: Record<string, string> }> };
    assert.deepEqual(index.manifests.map((m) => m.annotations['io.containerd.image.name']), ['docker.io/library/busybox:latest', 'docker.io/library/two:1']);
  });

  it('docker save | docker load, and berth save | berth load', async () => {
    const env = { ...process.env, ...d.env };
    const viaDocker = await run('sh', ['-c', `"${dockerBin}" save busybox two:1 | "${dockerBin}" load`], { env });
    assert.deepEqual(lines(ok(viaDocker)), ['Loaded image: busybox:latest', 'Loaded image: two:1']);
    const file = join(dir, 'b.tar');
    ok(await d.berth(['save', '-o', file, 'two:1']));
    ok(await d.berth(['rmi', 'two:1']));
    assert.equal(ok(await d.berth(['load', '-q', '-i', file])).trim(), 'Loaded image: two:1');
    assert.equal(ok(await d.docker(['run', '--rm', 'two:1', 'cat', '/hello'])), 'second\n');
  });

  it('an image saved by id loads untagged, and says so', async () => {
    const id = ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'two:1'])).trim();
    const file = join(dir, 'byid.tar');
    ok(await d.docker(['save', '-o', file, id.slice(7, 19)]));
    ok(await d.docker(['rmi', 'two:1']));
    assert.equal(ok(await d.docker(['load', '-i', file])).trim(), `Loaded image ID: ${id}`);
    ok(await d.docker(['tag', id, 'two:1']));
  });

  it('refuses hostile archives with a clear error and leaves the image list as it was', async () => {
    const good = await readTar(readFileSync(join(dir, 'two.tar')));
    const files = good.filter((m) => m.type === 'file');
    const without = (name: string): Member[] => files.filter((m) => m.name !== name);
    const manifest = JSON.parse(String(files.find((m) => m.name === 'manifest.json')!.body)) as Array<{ Layers: string[] }>;
    const top = manifest[0]!.Layers.at(-1)!;
    const topBody = files.find((m) => m.name === top)!.body as Buffer;
    const tampered = Buffer.from(topBody);
    tampered[tampered.length - 1100] ^= 0x01;
    ok(await d.docker(['rmi', 'two:1']));
    const before = await images();
    const wholeTar = await makeTar(files);
    const cases: Array<[string, Buffer, RegExp]> = [
      ['.. entry', await makeTar([...files, { name: '../../escape', body: 'x' }]), /invalid archive entry "\.\.\/\.\.\/escape": path leaves the archive/],
      ['symlinked manifest.json', await makeTar([...without('manifest.json'), { name: 'manifest.json', type: 'symlink', linkname: 'repositories' }]), /manifest "manifest.json" is a link/],
      ['symlink to the host', await makeTar([...files, { name: 'evil', type: 'symlink', linkname: '/etc/passwd' }]), /invalid archive entry "evil": link to absolute path/],
      ['diff_id mismatch', await makeTar([...without(top), { name: top, body: tampered }]), /layer 1 does not match the image config: its diff id is sha256:[0-9a-f]{64}, the config says sha256:/],
      ['truncated tar', wholeTar.subarray(0, wholeTar.length - 5000), /truncated or corrupt/],
    ];
    try {
      for (const [what, tar, message] of cases) {
        const f = join(dir, `hostile-${what.replace(/\W+/g, '-')}.tar`);
        writeFileSync(f, tar);
        const r = await d.docker(['load', '-i', f]);
        fails(r);
        assert.match(r.stderr, message, what);
        assert.deepEqual(await images(), before, what);
      }
    } finally {
      ok(await d.docker(['load', '-i', join(dir, 'two.tar')]));
    }
  });

  describe('with Docker Engine 20.10', { skip: skipReason({ root: true, binaries: ['dockerd'] }) }, () => {
    let peer: { host: string; stop: () => Promise<void> } | undefined;
    const onPeer = (args: string[]) => docker(['-H', peer!.host, ...args]);
    before(async () => { peer = await startDockerd(join(d.base, 'dk')); });
    after(async () => { await peer?.stop(); });

    it('berth saves, Docker 20.10 loads and runs', async () => {
      const file = join(dir, 'for-docker.tar');
      ok(await d.docker(['save', '-o', file, 'busybox', 'two:1']));
      assert.deepEqual(lines(ok(await onPeer(['load', '-i', file]))), ['Loaded image: busybox:latest', 'Loaded image: two:1']);
      assert.equal(ok(await onPeer(['run', '--rm', '--network', 'none', 'two:1', 'sh', '-c', 'cat /hello; test -e /bin/vi || echo gone'])), 'second\ngone\n');
      assert.equal(ok(await onPeer(['image', 'inspect', '-f', '{{.Id}}', 'two:1'])), ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'two:1'])));
    });

    it('Docker 20.10 saves (its own layout, with a linked layer.tar), berth loads and runs', async () => {
      ok(await onPeer(['run', '--name', 'mk3', '--network', 'none', 'two:1', 'sh', '-c', 'echo third > /third']));
      ok(await onPeer(['commit', 'mk3', 'three:1']));
      ok(await onPeer(['tag', 'busybox', 'alias:1']));
      const file = join(dir, 'from-docker.tar');
      ok(await onPeer(['save', '-o', file, 'three:1', 'alias:1']));
      assert.ok((await readTar(readFileSync(file))).some((m) => /\/layer\.tar$/.test(m.name)), 'Docker 20.10 writes <id>/layer.tar');
      assert.deepEqual(lines(ok(await d.docker(['load', '-i', file]))).sort(), ['Loaded image: alias:1', 'Loaded image: three:1']);
      assert.equal(ok(await d.docker(['run', '--rm', 'three:1', 'sh', '-c', 'cat /hello /third'])), 'second\nthird\n');
    });
  });

  it('loads a pure OCI layout with gzip layers, named by its annotation', async () => {
    const layer = await makeTar([{ name: 'oci.txt', body: 'from an OCI layout\n' }]);
    const gz = gzipSync(layer);
    const baseLayer = ok(await d.docker(['image', 'inspect', '-f', '{{index .RootFS.Layers 0}}', 'busybox'])).trim();
    const saved = await readTar(readFileSync(join(dir, 'two.tar')));
    const baseTar = saved.find((m) => m.name === `blobs/sha256/${baseLayer.slice(7)}`)!.body as Buffer;
    const { createHash } = await import('node:crypto');
    const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['cat', '/oci.txt'] }, rootfs: { type: 'layers', diff_ids: [baseLayer, sha(layer)] } }));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: baseLayer, size: baseTar.length },
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(gz), size: gz.length },
      ],
    }));
    const blob = (b: Buffer): Member => ({ name: `blobs/sha256/${sha(b).slice(7)}`, body: b });
    const index = { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length, annotations: { 'io.containerd.image.name': 'docker.io/library/oci:1', 'org.opencontainers.image.ref.name': '1' } }] };
    const file = join(dir, 'oci.tar');
    writeFileSync(file, await makeTar([{ name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' }, { name: 'index.json', body: JSON.stringify(index) }, blob(config), blob(manifest), blob(baseTar), blob(gz)]));
    assert.equal(ok(await d.docker(['load', '-i', file])).trim(), 'Loaded image: oci:1');
    assert.equal(ok(await d.docker(['run', '--rm', 'oci:1'])), 'from an OCI layout\n');
  });
});
