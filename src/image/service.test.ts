import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isConflict, isInvalidArgument, isNotFound } from '../lib/errors/index.js';
import { makeTar } from '../lib/tar/test-helpers.js';
import { OverlaySnapshotter } from '../snapshot/overlay.js';
import { sha256Digest } from '../oci/index.js';
import { LocalImageService } from './service.js';
import { skipUnlessRoot } from '../lib/testing/needs-root.js';

const skip = skipUnlessRoot('chown, mknod, overlay mounts');
const noUsers = { usedBy: () => [] as string[] };

async function newService(dir: string, seed = false): Promise<{ images: LocalImageService; snap: OverlaySnapshotter }> {
  const snap = new OverlaySnapshotter({ root: join(dir, 'overlay') });
  const images = new LocalImageService({ root: join(dir, 'image'), snapshotter: snap, seedBusybox: seed });
  await images.init();
  return { images, snap };
}

async function rootfs(files: Record<string, string>): Promise<Readable> {
  return Readable.from([await makeTar(Object.entries(files).map(([name, body]) => ({ name, body, mtime: new Date(0) })))]);
}

describe('LocalImageService', { skip }, () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'berth-image-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  describe('busybox seed', () => {
    let images: LocalImageService;
    let snap: OverlaySnapshotter;
    before(async () => ({ images, snap } = await newService(join(dir, 'seed'), true)));
    after(async () => { await snap.remove('c1'); });

    it('seeds busybox:latest with Cmd and Env, and a rootfs that runs', async () => {
      const img = images.get('busybox');
      assert.deepEqual(img.repoTags, ['busybox:latest']);
      assert.deepEqual(img.config.config?.Cmd, ['sh']);
      assert.deepEqual(img.config.config?.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
      assert.equal(img.config.created, '2024-01-01T00:00:00.000Z');
      assert.equal(img.layers.length, 1);
      assert.ok(img.size > 100_000);
      await snap.prepare('c1', img.layers);
      const merged = await snap.mount('c1');
      assert.match(await readFile(join(merged, 'etc/passwd'), 'utf8'), /^root:x:0:0:root:\/root:\/bin\/sh$/m);
      const out = execFileSync('chroot', [merged, '/bin/sh', '-c', 'echo hello from $(whoami); ls -ld /tmp'], { encoding: 'utf8' });
      assert.match(out, /hello from root/);
      assert.match(out, /^drwxrwxrwt/m);
    });

    it('gives the same image id on every host run (fixed mtimes and created)', async () => {
      const other = await newService(join(dir, 'seed2'), true);
      assert.equal(other.images.get('busybox:latest').id, images.get('busybox:latest').id);
    });

    it('does not seed again when present, and reloads from disk', async () => {
      const again = await newService(join(dir, 'seed'), true);
      assert.equal(again.images.list().length, 1);
      assert.deepEqual(again.images.history('busybox')[0]!.Tags, ['busybox:latest']);
    });
  });

  describe('import, get, tag, remove', () => {
    let images: LocalImageService;
    let snap: OverlaySnapshotter;
    let id: string;
    before(async () => ({ images, snap } = await newService(join(dir, 'main'))));

    it('imports a gzip rootfs with changes and a message', async () => {
      const tar = await makeTar([{ name: 'hello.txt', body: 'hi', mtime: new Date(0) }]);
      const img = await images.importImage({
        source: Readable.from([gzipSync(tar)]),
        reference: 'myimg:1',
        changes: ['CMD ["/hello"]', 'ENV A=b', 'EXPOSE 8080', 'WORKDIR /w'],
        message: 'my import',
      });
      id = img.id;
      assert.match(img.id, /^sha256:[a-f0-9]{64}$/);
      assert.deepEqual(img.repoTags, ['myimg:1']);
      assert.deepEqual(img.config.config?.Cmd, ['/hello']);
      assert.deepEqual(img.config.config?.ExposedPorts, { '8080/tcp': {} });
      assert.equal(img.config.history?.[0]?.comment, 'my import');
      assert.equal(img.size, 2);
      assert.equal(await readFile(join(snap.layerDir(img.layers[0]!), 'hello.txt'), 'utf8'), 'hi');
      const h = images.history('myimg:1');
      assert.equal(h.length, 1);
      assert.equal(h[0]!.Id, img.id);
      assert.equal(h[0]!.Comment, 'my import');
      assert.equal(h[0]!.Size, 2);
    });

    it('defaults the import comment to "Imported from -"', async () => {
      const img = await images.importImage({ source: await rootfs({ a: '1' }) });
      assert.equal(img.config.history?.[0]?.comment, 'Imported from -');
      assert.deepEqual(img.repoTags, []);
    });

    it('resolves ids, prefixes and names', () => {
      const hex = id.slice(7);
      for (const ref of [id, hex, hex.slice(0, 12), `sha256:${hex.slice(0, 5)}`, 'myimg:1', 'docker.io/library/myimg:1']) {
        assert.equal(images.get(ref).id, id, ref);
      }
      assert.throws(() => images.get('myimg'), (e: unknown) => isNotFound(e) && (e as Error).message === 'No such image: myimg:latest');
      assert.throws(() => images.get('0'.repeat(64)), (e: unknown) => (e as Error).message === `No such image: sha256:${'0'.repeat(64)}`);
      assert.throws(() => images.get('docker.io/library/x@sha256:' + '0'.repeat(64)), (e: unknown) => (e as Error).message === `No such image: x@sha256:${'0'.repeat(64)}`);
      assert.throws(() => images.get('nope:1'), (e: unknown) => isNotFound(e) && (e as Error).message === 'No such image: nope:1');
      assert.throws(() => images.get('Bad:Ref'), (e: unknown) => isInvalidArgument(e) && /invalid reference format/.test((e as Error).message));
    });

    it('refuses an invalid reference before reading the stream', async () => {
      await assert.rejects(images.importImage({ source: await rootfs({ a: '1' }), reference: 'UP' }), isInvalidArgument);
      await assert.rejects(images.importImage({ source: await rootfs({ a: '1' }), changes: ['RUN x'] }), isInvalidArgument);
    });

    it('leaves nothing behind when a layer is hostile', async () => {
      const before = await snap.listLayers();
      const evil = Readable.from([await makeTar([{ name: 'ok', body: 'x' }, { name: '../escape', body: 'x' }])]);
      await assert.rejects(images.importImage({ source: evil, reference: 'evil:1' }), isInvalidArgument);
      assert.deepEqual(await snap.listLayers(), before);
      assert.deepEqual(await readdir(snap.paths.tmp), []);
      assert.throws(() => images.get('evil:1'), isNotFound);
    });

    it('tags, untags one of several tags, and deletes with the last one', async () => {
      await images.tag('myimg:1', 'myimg:2');
      await images.tag(id, 'localhost:5000/other');
      assert.deepEqual(images.get(id).repoTags.sort(), ['localhost:5000/other:latest', 'myimg:1', 'myimg:2']);
      await assert.rejects(images.tag('myimg:1', `x@sha256:${'a'.repeat(64)}`), isInvalidArgument);
      await assert.rejects(images.tag('missing', 'x'), isNotFound);
      // By id with tags in several repositories: must be forced.
      await assert.rejects(images.remove(id.slice(7, 19), noUsers), (e: unknown) => isConflict(e)
        && (e as Error).message === `conflict: unable to delete ${id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`);
      assert.deepEqual(await images.remove('myimg:2', noUsers), [{ Untagged: 'myimg:2' }]);
      assert.deepEqual(await images.remove('localhost:5000/other', noUsers), [{ Untagged: 'localhost:5000/other:latest' }]);
      const layer = images.get(id).layers[0]!;
      const res = await images.remove('myimg:1', noUsers);
      assert.deepEqual(res.slice(0, 2), [{ Untagged: 'myimg:1' }, { Deleted: id }]);
      assert.deepEqual(res[2], { Deleted: layer });
      assert.throws(() => images.get(id), isNotFound);
      assert.equal(await snap.hasLayer(layer), false);
      await assert.rejects(images.remove('myimg:1', noUsers), (e: unknown) => isNotFound(e) && (e as Error).message === 'No such image: myimg:1');
    });

    it('refuses to remove images containers use, as docker words it', async () => {
      const img = await images.importImage({ source: await rootfs({ used: 'x' }), reference: 'used:1' });
      const short = img.id.slice(7, 19);
      const usedBy = () => ['0123456789abcdef0123'];
      await assert.rejects(images.remove('used:1', { usedBy }), (e: unknown) => isConflict(e)
        && (e as Error).message === `conflict: unable to remove repository reference "used:1" (must force) - container 0123456789ab is using its referenced image ${short}`);
      await assert.rejects(images.remove(img.id, { usedBy, runningUsedBy: usedBy, force: true }), (e: unknown) => isConflict(e)
        && (e as Error).message === `conflict: unable to delete ${short} (cannot be forced) - image is being used by running container 0123456789ab`);
      await assert.rejects(images.remove(img.id, { usedBy }), (e: unknown) => isConflict(e) && /must be forced\) - image is being used by stopped container/.test((e as Error).message));
      // The container's snapshot keeps the layer alive after a forced delete.
      await snap.prepare('user', img.layers);
      const res = await images.remove('used:1', { usedBy, force: true });
      assert.deepEqual(res, [{ Untagged: 'used:1' }, { Deleted: img.id }]);
      assert.equal(await snap.hasLayer(img.layers[0]!), true);
      await snap.remove('user');
    });

    it('takes untagged parents along unless told not to, stopping at one that is named, used or has another child', async () => {
      const base = await images.importImage({ source: await rootfs({ base: '1' }), reference: 'pbase:1' });
      const made = new Set<string>([base.id]);
      const step = async (parent: string, file: string, reference?: string) => {
        const img = await images.commitImage({
          parent, layer: await rootfs({ [file]: file }), config: {}, containerId: 'c0', containerConfig: {}, createdBy: `touch ${file}`, ...(reference ? { reference } : {}),
        });
        made.add(img.id);
        return img;
      };
      // The untag and image records (layer records may include layers earlier tests let go).
      const imageRecords = (res: Array<{ Untagged?: string; Deleted?: string }>) => res.filter((r) => r.Untagged !== undefined || made.has(r.Deleted!));
      // A build's chain: base <- s1 <- s2 <- top, only base and top tagged.
      const s1 = await step(base.id, 's1');
      const s2 = await step(s1.id, 's2');
      const top = await step(s2.id, 'top', 'ptop:1');
      assert.deepEqual(imageRecords(await images.remove('ptop:1', { ...noUsers, noPrune: true })), [{ Untagged: 'ptop:1' }, { Deleted: top.id }]);
      assert.equal(images.get(s2.id).id, s2.id);

      const again = await step(s2.id, 'again', 'ptop:2');
      const sibling = await step(s1.id, 'sibling');
      const res = await images.remove('ptop:2', noUsers);
      assert.deepEqual(imageRecords(res), [{ Untagged: 'ptop:2' }, { Deleted: again.id }, { Deleted: s2.id }]);
      for (const gone of [again, s2]) assert.equal(await snap.hasLayer(gone.layers.at(-1)!), false);
      // s1 has another child; base is tagged.
      assert.equal(images.get(s1.id).id, s1.id);

      // A container of s1 keeps it when its last child goes.
      const usedBy = (imageId: string): string[] => (imageId === s1.id ? ['0123456789abcdef0123'] : []);
      assert.deepEqual(imageRecords(await images.remove(sibling.id, { usedBy })), [{ Deleted: sibling.id }]);
      assert.equal(images.get(s1.id).id, s1.id);
      assert.equal(await snap.hasLayer(s1.layers.at(-1)!), true);
      await images.remove(s1.id, noUsers);
      await images.remove('pbase:1', noUsers);
    });

    it('prunes dangling images only, unless asked for all unused ones', async () => {
      const dangling = await images.importImage({ source: await rootfs({ d: '1' }) });
      const tagged = await images.importImage({ source: await rootfs({ t: '12' }), reference: 'keep:1', changes: ['LABEL keep=yes'] });
      const r = await images.prune({ danglingOnly: true, ...noUsers });
      assert.ok(r.ImagesDeleted.some((d) => d.Deleted === dangling.id));
      assert.ok(r.SpaceReclaimed >= 1);
      assert.equal(images.get('keep:1').id, tagged.id);
      const none = await images.prune({ danglingOnly: false, labelsNot: ['keep=yes'], ...noUsers });
      assert.deepEqual(none.ImagesDeleted, []);
      const all = await images.prune({ danglingOnly: false, labels: ['keep'], ...noUsers });
      assert.deepEqual(all.ImagesDeleted.slice(0, 2), [{ Untagged: 'keep:1' }, { Deleted: tagged.id }]);
      assert.deepEqual(images.list(), []);
    });

    it('skips damaged records at start and drops tags pointing at them', async () => {
      const img = await images.importImage({ source: await rootfs({ z: '1' }), reference: 'damaged:1' });
      await writeFile(images.paths.blob(img.id.slice(7)), '{"tampered":true}');
      const warnings: string[] = [];
      const snap2 = new OverlaySnapshotter({ root: join(dir, 'main', 'overlay') });
      const again = new LocalImageService({ root: join(dir, 'main', 'image'), snapshotter: snap2, seedBusybox: false, onWarning: (m) => warnings.push(m) });
      await again.init();
      assert.throws(() => again.get('damaged:1'), isNotFound);
      assert.equal(warnings.length, 1);
      // Its now-unreferenced layer is collected at start.
      assert.equal(await snap2.hasLayer(img.layers[0]!), false);
    });
  });

  it('adds multi-layer images: whiteouts and opaque dirs hide lower content, shared layers are reused', async () => {
    const { images, snap } = await newService(join(dir, 'multi'));
    const l0 = await makeTar([
      { name: 'd/', type: 'directory', mode: 0o755 },
      { name: 'd/old', body: 'old' },
      { name: 'f', body: 'f' },
      { name: 'keep', body: 'k' },
    ]);
    const l1 = await makeTar([
      { name: 'd/', type: 'directory', mode: 0o755 },
      { name: 'd/.wh..wh..opq', body: '' },
      { name: 'd/new', body: 'new' },
      { name: '.wh.f', body: '' },
    ]);
    const diff = (b: Buffer): string => sha256Digest(b);
    const config = (layers: Buffer[], cmd: string): Buffer => Buffer.from(JSON.stringify({
      architecture: 'amd64', os: 'linux', config: { Cmd: [cmd] }, rootfs: { type: 'layers', diff_ids: layers.map(diff) },
    }));
    const opened: number[] = [];
    const openLayer = (bufs: Buffer[]) => async (i: number): Promise<Readable> => {
      opened.push(i);
      return Readable.from([i === 1 ? gzipSync(bufs[i]!) : bufs[i]!]);
    };
    const img = await images.addImage({ config: config([l0, l1], 'a'), openLayer: openLayer([l0, l1]), references: ['multi:1'] });
    assert.deepEqual(opened, [0, 1]);
    assert.equal(img.id, sha256Digest(config([l0, l1], 'a')));
    assert.equal(img.layers.length, 2);
    await snap.prepare('m', img.layers);
    try {
      const merged = await snap.mount('m');
      assert.deepEqual((await readdir(merged)).sort(), ['d', 'keep']);
      assert.deepEqual(await readdir(join(merged, 'd')), ['new']);
    } finally {
      await snap.remove('m');
    }
    // A second image on the same base opens only its new layer.
    opened.length = 0;
    const l2 = await makeTar([{ name: 'other', body: 'o' }]);
    await images.addImage({ config: config([l0, l2], 'b'), openLayer: openLayer([l0, l2]) });
    assert.deepEqual(opened, [1]);
    // A layer that does not match its DiffID is refused and leaves nothing.
    const layersBefore = (await snap.listLayers()).sort();
    const l3 = await makeTar([{ name: 'x', body: 'x' }]);
    await assert.rejects(images.addImage({ config: config([l0, l3], 'c'), openLayer: async () => Readable.from([l2]) }),
      (e: unknown) => isInvalidArgument(e) && /does not match the image config/.test((e as Error).message));
    assert.deepEqual((await snap.listLayers()).sort(), layersBefore);
    await assert.rejects(images.addImage({ config: Buffer.from('{"rootfs":{"diff_ids":["../x"]}}'), openLayer: openLayer([]) }), isInvalidArgument);
  });

  it('unpacks two new layers at once, and a layer failing half-way leaves no layer of the image', async () => {
    const { images, snap } = await newService(join(dir, 'parallel'));
    const layer = (n: number): Promise<Buffer> => makeTar(Array.from({ length: 50 }, (_, j) => ({ name: `l${n}/f${j}`, body: `${n}.${j}` })));
    const good = await Promise.all([0, 1, 2, 3].map(layer));
    const config = (layers: Buffer[]): Buffer => Buffer.from(JSON.stringify({
      architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map((b) => sha256Digest(b)) },
    }));
    // Layer 0's stream ends only once layer 1 was opened: one layer at a time would wait here
    // for the fallback timer, and the test sees it.
    let secondOpened: () => void = () => undefined;
    const second = new Promise<void>((resolve) => { secondOpened = resolve; });
    let overlapped = false;
    const img = await images.addImage({
      config: config(good),
      openLayer: async (i) => {
        if (i === 1) secondOpened();
        if (i !== 0) return Readable.from([good[i]!]);
        const s = new PassThrough();
        s.write(good[0]!.subarray(0, 1024));
        const timer = setTimeout(secondOpened, 3000);
        void second.then(() => {
          overlapped = timer.hasRef();
          clearTimeout(timer);
          s.end(good[0]!.subarray(1024));
        });
        return s;
      },
    });
    assert.ok(overlapped, 'layer 1 was not opened while layer 0 was still unpacking');
    assert.equal(img.layers.length, 4);

    // A new image whose layer 2 is hostile while layer 3 is still streaming: everything stops,
    // and neither the layers that made it nor the staged ones stay.
    const { images: other, snap: otherSnap } = await newService(join(dir, 'parallel-fail'));
    const hostile = await makeTar([{ name: '../escape', body: 'x' }]);
    const layers = [good[0]!, good[1]!, hostile, good[3]!];
    const hanging = new PassThrough();
    hanging.write(good[3]!.subarray(0, 512));
    await assert.rejects(other.addImage({
      config: config(layers),
      openLayer: async (i) => (i === 3 ? hanging : Readable.from([layers[i]!])),
    }), isInvalidArgument);
    assert.deepEqual(await otherSnap.listLayers(), []);
    assert.deepEqual(await readdir(otherSnap.paths.tmp), []);
    assert.ok((await snap.listLayers()).length >= 4);
  });

  it('stores one image and one layer when the same rootfs is imported concurrently', async () => {
    const { images, snap } = await newService(join(dir, 'concurrent'));
    const tar = await makeTar([{ name: 'same', body: 'x', mtime: new Date(0) }]);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => images.importImage({ source: Readable.from([tar]), reference: `c:${n}` })));
    assert.equal(new Set(results.map((r) => r.layers[0])).size, 1);
    assert.equal((await snap.listLayers()).length, 1);
    assert.deepEqual(await readdir(snap.paths.tmp), []);
    assert.equal(images.list().reduce((n, i) => n + i.repoTags.length, 0), 5);
  });

  it('clears temp files a crash left behind', async () => {
    const root = join(dir, 'crash');
    const first = await newService(root);
    await first.images.importImage({ source: await rootfs({ a: '1' }), reference: 'crash:1' });
    await writeFile(join(root, 'image', 'repositories.json.tmp-1-abc'), '{"tags":');
    await writeFile(join(first.images.paths.blobs, `${'e'.repeat(64)}.tmp-1-abc`), 'partial');
    const again = await newService(root);
    assert.equal(again.images.get('crash:1').repoTags[0], 'crash:1');
    assert.deepEqual((await readdir(join(root, 'image'))).filter((n) => n.includes('.tmp-')), []);
    assert.deepEqual((await readdir(again.images.paths.blobs)).filter((n) => n.includes('.tmp-')), []);
  });

  it('imports images with no files at all', async () => {
    const { images, snap } = await newService(join(dir, 'empty'));
    const img = await images.importImage({ source: Readable.from([await makeTar([])]), reference: 'empty' });
    await snap.prepare('e', img.layers);
    const merged = await snap.mount('e');
    assert.deepEqual(await readdir(merged), []);
    await snap.remove('e');
    await access(snap.layerDir(img.layers[0]!));
  });
});
