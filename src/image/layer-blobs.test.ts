import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { isConflict, isInvalidArgument } from '../lib/errors/index.js';
import { makeTar } from '../lib/tar/test-helpers.js';
import { chainIds, MediaType, sha256Digest } from '../oci/index.js';
import { OverlaySnapshotter } from '../snapshot/overlay.js';
import { LocalImageService } from './service.js';
import { skipUnlessRoot } from '../lib/testing/needs-root.js';

const skip = skipUnlessRoot('chown, mknod, overlay');

async function drain(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function newService(root: string): Promise<{ images: LocalImageService; snap: OverlaySnapshotter }> {
  const snap = new OverlaySnapshotter({ root: join(root, 'overlay') });
  const images = new LocalImageService({ root: join(root, 'image'), snapshotter: snap, seedBusybox: false });
  await images.init();
  return { images, snap };
}

const configFor = (diffIds: string[]): Buffer => Buffer.from(JSON.stringify({
  architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: diffIds },
}));

describe('layer blobs: kept, made once, reproduced', { skip }, () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'berth-blobs-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('an imported layer keeps no blob until pushed, then is gzipped once and kept', async () => {
    const { images, snap } = await newService(join(dir, 'import'));
    const tar = await makeTar([{ name: 'etc/', type: 'directory', mode: 0o755 }, { name: 'etc/hello', body: 'hello', mtime: new Date(1e12) }]);
    const img = await images.importImage({ source: Readable.from([gzipSync(tar)]), reference: 'local:1' });
    assert.deepEqual(await images.diskUsage(), { blobBytes: (await stat(images.paths.blob(img.id.slice(7)))).size, layerBlobBytes: 0, blobCount: 1 });
    // The diff id is the digest of berth's own packing, which the layer can always be made into again.
    const diffId = img.config.rootfs.diff_ids[0]!;
    assert.equal(sha256Digest(await drain(snap.exportLayer(img.layers[0]!))), diffId);
    const blob = await images.layerBlob('local:1', 0);
    assert.equal(blob.mediaType, MediaType.ociLayerGzip);
    const gz = await drain(await images.openBlob(blob.digest));
    assert.equal(sha256Digest(gz), blob.digest);
    assert.equal(sha256Digest(gunzipSync(gz)), diffId);
    const made = (await stat(images.paths.blob(blob.digest.slice(7)))).mtimeMs;
    // A second push sends the same blob: nothing is compressed again.
    assert.deepEqual(await images.layerBlob(img.id, 0), blob);
    assert.equal((await stat(images.paths.blob(blob.digest.slice(7)))).mtimeMs, made);
    const usage = await images.diskUsage();
    assert.equal(usage.layerBlobBytes, blob.size);
    assert.equal(usage.blobCount, 2);
    // It survives a restart, and goes with the image.
    const again = await newService(join(dir, 'import'));
    assert.deepEqual(await again.images.layerBlob('local:1', 0), blob);
    await again.images.remove('local:1', { usedBy: () => [] });
    assert.deepEqual(await again.images.diskUsage(), { blobBytes: 0, layerBlobBytes: 0, blobCount: 0 });
  });

  it('a pulled layer keeps its compressed blob byte for byte, checked against its descriptor', async () => {
    const { images } = await newService(join(dir, 'pull'));
    const tar = await makeTar([{ name: 'pulled', body: 'from a registry' }]);
    const gz = gzipSync(tar, { level: 9 });
    const diffId = sha256Digest(tar);
    const desc = { mediaType: MediaType.dockerLayerGzip, digest: sha256Digest(gz), size: gz.length };
    const img = await images.addImage({ config: configFor([diffId]), layers: [desc], openLayer: async () => Readable.from([gz]), references: ['reg.example/app:1'] });
    assert.deepEqual(await images.layerBlob(img.id, 0), desc);
    assert.ok((await drain(await images.openBlob(desc.digest))).equals(gz));
  });

  it('refuses a blob that does not match its descriptor and keeps nothing', async () => {
    const { images, snap } = await newService(join(dir, 'bad'));
    const tar = await makeTar([{ name: 'x', body: 'x' }]);
    const gz = gzipSync(tar);
    const desc = { mediaType: MediaType.ociLayerGzip, digest: sha256Digest('something else'), size: gz.length };
    await assert.rejects(images.addImage({ config: configFor([sha256Digest(tar)]), layers: [desc], openLayer: async () => Readable.from([gz]) }),
      (e: unknown) => isInvalidArgument(e) && /digest mismatch/.test((e as Error).message));
    await assert.rejects(images.addImage({ config: configFor([sha256Digest(tar)]), layers: [{ ...desc, mediaType: 'text/plain' }], openLayer: async () => Readable.from([gz]) }), isInvalidArgument);
    await assert.rejects(images.addImage({ config: configFor([sha256Digest(tar)]), layers: [{ ...desc, digest: sha256Digest(tar), size: tar.length }], openLayer: async () => Readable.from([tar]) }),
      (e: unknown) => isInvalidArgument(e) && /uncompressed but its media type/.test((e as Error).message));
    assert.deepEqual(images.list(), []);
    assert.deepEqual(await snap.listLayers(), []);
    assert.deepEqual(await readdir(images.paths.blobs), []);
    assert.deepEqual(await readdir(images.paths.ingest), []);
  });

  it('an uncompressed layer from an archive is gzipped once on the way in, and decompresses to its diff id', async () => {
    const { images } = await newService(join(dir, 'load'));
    const tar = await makeTar([{ name: 'loaded', body: 'from docker save' }]);
    const img = await images.addImage({ config: configFor([sha256Digest(tar)]), openLayer: async () => Readable.from([tar]) });
    const blob = await images.layerBlob(img.id, 0);
    assert.equal(blob.mediaType, MediaType.ociLayerGzip);
    assert.ok(gunzipSync(await drain(await images.openBlob(blob.digest))).equals(tar));
  });

  it('reads a data root from before the content store, and says why its imported layers cannot be pushed', async () => {
    // The layout berth wrote before: configs in blobs/, records, repositories.json, layers by chain id.
    const root = join(dir, 'legacy');
    const diffId = sha256Digest('a tarball berth never made');
    const config = configFor([diffId]);
    const id = sha256Digest(config);
    const [chain] = chainIds([diffId]) as [string];
    await mkdir(join(root, 'image', 'blobs', 'sha256'), { recursive: true });
    await mkdir(join(root, 'image', 'images'), { recursive: true });
    await writeFile(join(root, 'image', 'blobs', 'sha256', id.slice(7)), config);
    await writeFile(join(root, 'image', 'images', `${id.slice(7)}.json`), JSON.stringify({ id, layers: [chain], parent: '', addedAt: 1, size: 3 }));
    await writeFile(join(root, 'image', 'repositories.json'), JSON.stringify({ tags: { 'old:1': id }, digests: {} }));
    const layer = join(root, 'overlay', 'layers', chain.slice(7));
    await mkdir(join(layer, 'diff'), { recursive: true });
    await writeFile(join(layer, 'diff', 'f'), 'old');
    await writeFile(join(layer, 'layer.json'), JSON.stringify({ chainId: chain, diffId, size: 3 }));
    const { images, snap } = await newService(root);
    assert.equal(images.get('old:1').id, id);
    assert.equal(await snap.hasLayer(chain), true);
    await assert.rejects(images.layerBlob('old:1', 0), (e: unknown) => isConflict(e) && /cannot be reproduced/.test((e as Error).message));
    assert.equal((await images.diskUsage()).blobCount, 1);
    assert.deepEqual(await readdir(images.paths.ingest), []);
  });
});
