import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { isInvalidArgument, isNotFound } from '../lib/errors/index.js';
import { skipUnlessRoot } from '../lib/testing/needs-root.js';
import { makeTar } from '../lib/tar/test-helpers.js';
import { MediaType, sha256Digest } from '../oci/index.js';
import { OverlaySnapshotter } from '../snapshot/overlay.js';
import { LocalImageService } from './service.js';

const skip = skipUnlessRoot('overlay layers');

async function drain(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function members(tar: Buffer): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const x = tarStream.extract();
  Readable.from([tar]).pipe(x as unknown as NodeJS.WritableStream);
  for await (const e of x) out.set(e.header.name, await drain(e as unknown as Readable));
  return out;
}

async function newService(root: string): Promise<LocalImageService> {
  const images = new LocalImageService({ root: join(root, 'image'), snapshotter: new OverlaySnapshotter({ root: join(root, 'overlay') }), seedBusybox: false });
  await images.init();
  return images;
}

const configFor = (diffIds: string[], n = 0): Buffer => Buffer.from(JSON.stringify({
  architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'], Env: [`N=${n}`] }, rootfs: { type: 'layers', diff_ids: diffIds },
}));

describe('save and load through the image store', { skip }, () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'berth-saveload-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('saves imported, pulled (gzip) and loaded layers as their uncompressed tars, and loads them back', async () => {
    const images = await newService(join(dir, 'a'));
    const imported = await images.importImage({ source: Readable.from([await makeTar([{ name: 'imp', body: 'imported' }])]), reference: 'imp:1' });
    const tar = await makeTar([{ name: 'pulled', body: 'from a registry' }]);
    const gz = gzipSync(tar);
    const pulled = await images.addImage({
      config: configFor([sha256Digest(tar)]), references: ['reg.example/app:1'],
      layers: [{ mediaType: MediaType.ociLayerGzip, digest: sha256Digest(gz), size: gz.length }], openLayer: async () => Readable.from([gz]),
    });
    const saved = await drain(await images.saveImages(['imp:1', 'reg.example/app']));
    const m = await members(saved);
    assert.ok(m.get(`blobs/sha256/${sha256Digest(tar).slice(7)}`)!.equals(tar));
    assert.equal(sha256Digest(m.get(`blobs/sha256/${imported.config.rootfs.diff_ids[0]!.slice(7)}`)!), imported.config.rootfs.diff_ids[0]);

    const other = await newService(join(dir, 'b'));
    const layers: string[] = [];
    const loaded = await other.loadImages(Readable.from([saved]), { onLayer: (p) => { if (p.current === p.total) layers.push(p.diffId); } });
    assert.deepEqual(loaded.map((l) => [l.id, l.refs]), [[imported.id, ['imp:1']], [pulled.id, ['reg.example/app:1']]]);
    assert.equal(new Set(layers).size, 2);
    assert.deepEqual(other.list().map((i) => i.repoTags).sort(), [['imp:1'], ['reg.example/app:1']]);
    // The loaded layer is kept as it came, so saving it again copies the same bytes.
    const again = await members(await drain(await other.saveImages(['reg.example/app:1'])));
    assert.ok(again.get(`blobs/sha256/${sha256Digest(tar).slice(7)}`)!.equals(tar));
    assert.deepEqual(await readdir(other.paths.ingest), []);
  });

  it('says which name is unknown before any byte is written', async () => {
    const images = await newService(join(dir, 'c'));
    await assert.rejects(images.saveImages(['nope:1']), (e: unknown) => isNotFound(e) && /No such image: nope:1/.test((e as Error).message));
  });

  it('loads all or nothing: a bad second image takes the first one out again, and tags stay where they were', async () => {
    const images = await newService(join(dir, 'd'));
    const keep = await images.importImage({ source: Readable.from([await makeTar([{ name: 'old', body: 'old' }])]), reference: 'good:1' });
    const good = await makeTar([{ name: 'good', body: 'good' }]);
    const bad = await makeTar([{ name: 'bad', body: 'bad' }]);
    const c1 = configFor([sha256Digest(good)], 1);
    const c2 = configFor([sha256Digest(good), sha256Digest(await makeTar([{ name: 'claimed', body: 'x' }]))], 2);
    const archive = await makeTar([
      { name: 'l1.tar', body: good }, { name: 'l2.tar', body: bad }, { name: 'c1.json', body: c1 }, { name: 'c2.json', body: c2 },
      { name: 'manifest.json', body: JSON.stringify([
        { Config: 'c1.json', RepoTags: ['good:1'], Layers: ['l1.tar'] },
        { Config: 'c2.json', RepoTags: ['bad:1'], Layers: ['l1.tar', 'l2.tar'] },
      ]) },
    ]);
    await assert.rejects(images.loadImages(Readable.from([archive])),
      (e: unknown) => isInvalidArgument(e) && /failed to load image bad:1: layer 1 does not match the image config: its diff id is sha256:/.test((e as Error).message));
    assert.deepEqual(images.list().map((i) => [i.id, i.repoTags]), [[keep.id, ['good:1']]]);
    assert.deepEqual(await readdir(images.paths.ingest), []);
    assert.deepEqual((await readdir(images.paths.blobs)).sort(), [keep.id.slice(7)]);

    // The good image alone loads, takes good:1 from the old image and says so; the old one is left dangling.
    const alone = await makeTar([{ name: 'l1.tar', body: good }, { name: 'c1.json', body: c1 }, { name: 'manifest.json', body: JSON.stringify([{ Config: 'c1.json', RepoTags: ['good:1'], Layers: ['l1.tar'] }]) }]);
    const [loaded] = await images.loadImages(Readable.from([alone]));
    assert.deepEqual(loaded, { id: sha256Digest(c1), refs: ['good:1'], replaced: [{ ref: 'good:1', id: keep.id }] });
    assert.deepEqual(images.get(keep.id).repoTags, []);
  });
});
