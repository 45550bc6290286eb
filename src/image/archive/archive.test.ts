import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { isInvalidArgument } from '../../lib/errors/index.js';
import { makeTar } from '../../lib/tar/test-helpers.js';
import { MediaType, sha256Digest } from '../../oci/index.js';
import { readArchiveImages } from './read.js';
import { archivePath, MAX_ARCHIVE_JSON, SpooledArchive } from './spool.js';
import { planArchive, writeImageArchive, type SaveImage } from './write.js';

async function drain(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The members of a tar, by name. */
async function members(tar: Buffer): Promise<Map<string, { type: string; data: Buffer; linkname?: string | null }>> {
  const out = new Map<string, { type: string; data: Buffer; linkname?: string | null }>();
  const x = tarStream.extract();
  Readable.from([tar]).pipe(x as unknown as NodeJS.WritableStream);
  for await (const e of x) out.set(e.header.name, { type: e.header.type ?? 'file', data: await drain(e as unknown as Readable), linkname: e.header.linkname });
  return out;
}

const configFor = (diffIds: string[], extra: Record<string, unknown> = {}): Buffer => Buffer.from(JSON.stringify({
  architecture: 'amd64', os: 'linux', ...extra, rootfs: { type: 'layers', diff_ids: diffIds },
}));

function image(layers: Buffer[], tags: string[], extra: Record<string, unknown> = {}): SaveImage {
  const config = configFor(layers.map((l) => sha256Digest(l)), extra);
  return {
    id: sha256Digest(config), config, tags,
    layers: layers.map((l) => ({ diffId: sha256Digest(l), size: l.length, open: async () => Readable.from([l]) })),
  };
}

describe('image archives', () => {
  let dir: string;
  let n = 0;
  let base: Buffer;
  let top: Buffer;
  const spool = (tar: Buffer): Promise<SpooledArchive> => SpooledArchive.read(Readable.from([tar]), join(dir, `s${n++}`));
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-archive-'));
    base = await makeTar([{ name: 'bin/', type: 'directory', mode: 0o755 }, { name: 'bin/sh', body: 'shell' }]);
    top = await makeTar([{ name: 'app', body: 'app' }]);
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('writes Docker 25\'s layout: manifest.json and index.json over one set of blobs, a shared layer once', async () => {
    const a = image([base], ['busybox:latest', 'busybox:1']);
    const b = image([base, top], ['me/app:2']);
    const tar = await drain(writeImageArchive([a, b]));
    const m = await members(tar);
    const layerName = (l: Buffer): string => `blobs/sha256/${sha256Digest(l).slice(7)}`;
    assert.ok(m.get(layerName(base))!.data.equals(base));
    assert.equal([...m.keys()].filter((k) => k === layerName(base)).length, 1);
    assert.deepEqual(JSON.parse(m.get('oci-layout')!.data.toString()), { imageLayoutVersion: '1.0.0' });
    const manifest = JSON.parse(m.get('manifest.json')!.data.toString()) as Array<{ Config: string; RepoTags: string[]; Layers: string[] }>;
    assert.deepEqual(manifest, [
      { Config: `blobs/sha256/${a.id.slice(7)}`, RepoTags: ['busybox:latest', 'busybox:1'], Layers: [layerName(base)] },
      { Config: `blobs/sha256/${b.id.slice(7)}`, RepoTags: ['me/app:2'], Layers: [layerName(base), layerName(top)] },
    ]);
    const index = JSON.parse(m.get('index.json')!.data.toString()) as { manifests: Array<{ digest: string; annotations: Record<string, string> }> };
    assert.deepEqual(index.manifests.map((d) => d.annotations), [
      { 'io.containerd.image.name': 'docker.io/library/busybox:latest', 'org.opencontainers.image.ref.name': 'latest' },
      { 'io.containerd.image.name': 'docker.io/library/busybox:1', 'org.opencontainers.image.ref.name': '1' },
      { 'io.containerd.image.name': 'docker.io/me/app:2', 'org.opencontainers.image.ref.name': '2' },
    ]);
    const oci = JSON.parse(m.get(`blobs/sha256/${index.manifests[2]!.digest.slice(7)}`)!.data.toString()) as { config: { digest: string }; layers: Array<{ mediaType: string; digest: string; size: number }> };
    assert.equal(oci.config.digest, b.id);
    assert.deepEqual(oci.layers[1], { mediaType: MediaType.ociLayer, digest: sha256Digest(top), size: top.length });
    assert.deepEqual(JSON.parse(m.get('repositories')!.data.toString()), {
      busybox: { latest: sha256Digest(base).slice(7), 1: sha256Digest(base).slice(7) }, 'me/app': { 2: sha256Digest(top).slice(7) },
    });
  });

  it('an image saved by id has no tags and no repositories entry', () => {
    const names = planArchive([image([base], [])]).map((m) => m.name);
    assert.ok(!names.includes('repositories'));
  });

  it('cuts the stream short when a layer does not match its diff id', async () => {
    const bad = image([base], ['x:1']);
    bad.layers[0]!.open = async () => Readable.from([top.subarray(0, base.length)]);
    await assert.rejects(drain(writeImageArchive([bad])), /does not match what is stored/);
  });

  it('reads back what it writes, through a spool, with the blob descriptors', async () => {
    const a = image([base, top], ['me/app:2']);
    const archive = await spool(await drain(writeImageArchive([a])));
    try {
      const [img, ...rest] = await readArchiveImages(archive);
      assert.equal(rest.length, 0);
      assert.equal(img!.id, a.id);
      assert.deepEqual(img!.refs, ['me/app:2']);
      assert.deepEqual(img!.layers.map((l) => l.descriptor), [
        { mediaType: MediaType.ociLayer, digest: sha256Digest(base), size: base.length },
        { mediaType: MediaType.ociLayer, digest: sha256Digest(top), size: top.length },
      ]);
      assert.ok((await drain(img!.layers[1]!.open())).equals(top));
    } finally {
      await archive.remove();
    }
  });

  it('reads Docker 20.10\'s layout, following the link Docker makes for a shared layer.tar', async () => {
    const config = configFor([sha256Digest(base), sha256Digest(base)]);
    const id = sha256Digest(config);
    const tar = await makeTar([
      { name: 'aaa/', type: 'directory', mode: 0o755 },
      { name: 'aaa/layer.tar', body: base },
      { name: 'bbb/', type: 'directory', mode: 0o755 },
      { name: 'bbb/layer.tar', type: 'symlink', linkname: '../aaa/layer.tar' },
      { name: `${id.slice(7)}.json`, body: config },
      { name: 'manifest.json', body: JSON.stringify([{ Config: `${id.slice(7)}.json`, RepoTags: ['old:1'], Layers: ['aaa/layer.tar', 'bbb/layer.tar'] }]) },
    ]);
    const archive = await spool(tar);
    try {
      const [img] = await readArchiveImages(archive);
      assert.equal(img!.id, id);
      assert.ok((await drain(img!.layers[1]!.open())).equals(base));
    } finally {
      await archive.remove();
    }
  });

  it('reads a pure OCI layout, named by its annotations, with gzip layers kept as blobs', async () => {
    const gz = gzipSync(top);
    const config = configFor([sha256Digest(top)]);
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: sha256Digest(config), size: config.length },
      layers: [{ mediaType: MediaType.ociLayerGzip, digest: sha256Digest(gz), size: gz.length }],
    }));
    const blob = (b: Buffer): { name: string; body: Buffer } => ({ name: `blobs/sha256/${sha256Digest(b).slice(7)}`, body: b });
    const index = { schemaVersion: 2, manifests: [
      { mediaType: MediaType.ociManifest, digest: sha256Digest(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'reg.example/app:3' } },
    ] };
    const archive = await spool(await makeTar([blob(config), blob(manifest), blob(gz), { name: 'index.json', body: JSON.stringify(index) }, { name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' }]));
    try {
      const [img] = await readArchiveImages(archive);
      assert.deepEqual(img!.refs, ['reg.example/app:3']);
      assert.deepEqual(img!.layers[0]!.descriptor, { mediaType: MediaType.ociLayerGzip, digest: sha256Digest(gz), size: gz.length });
    } finally {
      await archive.remove();
    }
  });

  it('refuses hostile archives with a clear error and leaves no spool behind', async () => {
    const ok = await drain(writeImageArchive([image([base], ['x:1'])]));
    const okMembers = [...(await members(ok))].filter(([, v]) => v.type === 'file').map(([name, v]) => ({ name, body: v.data }));
    const without = (name: string): typeof okMembers => okMembers.filter((e) => e.name !== name);
    const cases: Array<[string, Buffer, RegExp]> = [
      ['a ".." entry', await makeTar([...okMembers, { name: '../evil', body: 'x' }]), /path leaves the archive/],
      ['an absolute entry', await makeTar([...okMembers, { name: '/etc/evil', body: 'x' }]), /absolute path/],
      ['a symlinked manifest.json', await makeTar([...without('manifest.json'), { name: 'manifest.json', type: 'symlink', linkname: 'index.json' }]), /is a link/],
      ['a manifest pointing outside', await makeTar([...without('manifest.json'), { name: 'manifest.json', body: JSON.stringify([{ Config: '../../etc/passwd', Layers: [] }]) }]), /leaves the archive/],
      ['a symlinked blob', await makeTar([...without('manifest.json').filter((e) => !e.name.startsWith('blobs/')), { name: 'manifest.json', body: JSON.stringify([{ Config: 'blobs/sha256/x', Layers: [] }]) }, { name: 'blobs/sha256/x', type: 'symlink', linkname: '/etc/passwd' }]), /link to absolute path/],
      ['an oversized manifest.json', await makeTar([...without('manifest.json'), { name: 'manifest.json', body: Buffer.alloc(MAX_ARCHIVE_JSON + 1, 0x20) }]), /more than the/],
      ['a device', await makeTar([...okMembers, { name: 'dev', type: 'character-device', devmajor: 1, devminor: 3 }]), /unexpected character-device/],
      ['a truncated tar', ok.subarray(0, Math.floor(ok.length / 2)), /truncated or corrupt/],
      ['no manifest at all', await makeTar([{ name: 'etc/passwd', body: 'root' }]), /not an image archive/],
    ];
    for (const [what, tar, message] of cases) {
      await assert.rejects(async () => {
        const a = await spool(tar);
        try {
          await readArchiveImages(a);
        } finally {
          await a.remove();
        }
      }, (e: unknown) => isInvalidArgument(e) && message.test((e as Error).message), what);
    }
    assert.deepEqual(await readdir(dir), []);
  });

  it('checks member names the way load does', () => {
    assert.equal(archivePath('./blobs//sha256/x'), 'blobs/sha256/x');
    assert.throws(() => archivePath('a/../../b'), isInvalidArgument);
    assert.throws(() => archivePath('a/../b'), isInvalidArgument);
  });
});
