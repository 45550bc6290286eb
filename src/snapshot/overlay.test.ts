import { strict as assert } from 'node:assert';
import { access, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isConflict, isNotFound } from '../lib/errors/index.js';
import { isMounted } from '../sys/mount.js';
import { Readable } from 'node:stream';
import { unpackLayer } from '../lib/tar/unpack-layer.js';
import { sha256Digest } from '../oci/index.js';
import { OverlaySnapshotter } from './overlay.js';
import { snapshotterConformance } from './testsuite.js';
import { skipUnlessRoot } from '../lib/testing/needs-root.js';

const skip = skipUnlessRoot('overlay mounts');
const L1 = `sha256:${'1'.repeat(64)}`;
const L2 = `sha256:${'2'.repeat(64)}`;

describe('OverlaySnapshotter', { skip }, () => {
  let root: string;
  let snap: OverlaySnapshotter;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-snap-'));
    snap = new OverlaySnapshotter({ root });
    await snap.init();
    const s1 = await snap.stageLayer();
    await writeFile(join(s1.dir, 'a'), 'from l1');
    await writeFile(join(s1.dir, 'b'), 'from l1');
    assert.deepEqual(await s1.commit({ chainId: L1, diffId: L1, size: 14 }), { created: true });
    const s2 = await snap.stageLayer();
    await writeFile(join(s2.dir, 'b'), 'from l2');
    await s2.commit({ chainId: L2, diffId: `sha256:${'3'.repeat(64)}`, size: 7 });
  });

  after(async () => {
    for (const key of ['c1', 'c2', 'empty']) await snap.remove(key).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  it('commits layers once and reports their info', async () => {
    const dup = await snap.stageLayer();
    assert.deepEqual(await dup.commit({ chainId: L1, diffId: L1, size: 0 }), { created: false });
    assert.deepEqual((await snap.listLayers()).sort(), [L1, L2]);
    assert.equal((await snap.layerInfo(L2)).size, 7);
    assert.deepEqual(await readdir(join(root, 'tmp')), []);
  });

  it('stacks layers top first, writes to the upper dir, and mounts idempotently', async () => {
    await snap.prepare('c1', [L1, L2]);
    assert.equal(snap.exists('c1'), true);
    const merged = await snap.mount('c1');
    assert.equal(await snap.mount('c1'), merged);
    assert.equal(await isMounted(merged), true);
    assert.equal(await readFile(join(merged, 'a'), 'utf8'), 'from l1');
    assert.equal(await readFile(join(merged, 'b'), 'utf8'), 'from l2');
    await writeFile(join(merged, 'new'), '12345');
    await rm(join(merged, 'a'));
    assert.equal(await readFile(join(snap.layerDir(L1), 'a'), 'utf8'), 'from l1');
    assert.ok((await lstat(join(root, 'snapshots/c1/upper/a'))).isCharacterDevice());
    assert.equal(await snap.usage('c1'), 5);
    await snap.unmount('c1');
    await snap.unmount('c1');
    assert.equal(await isMounted(merged), false);
    // Mounting again shows the same changes.
    await snap.mount('c1');
    assert.equal(await readFile(join(merged, 'new'), 'utf8'), '12345');
  });

  it('refuses to remove a layer a snapshot uses', async () => {
    await assert.rejects(snap.removeLayer(L1), isConflict);
  });

  it('supports images without layers', async () => {
    await snap.prepare('empty', []);
    const merged = await snap.mount('empty');
    assert.deepEqual(await readdir(merged), []);
    await writeFile(join(merged, 'x'), 'y');
    await snap.remove('empty');
    assert.equal(snap.exists('empty'), false);
  });

  it('refuses duplicates and unknown layers, leaving nothing behind', async () => {
    await assert.rejects(snap.prepare('c1', [L1]), isConflict);
    await assert.rejects(snap.prepare('c2', [`sha256:${'9'.repeat(64)}`]), isNotFound);
    assert.equal(snap.exists('c2'), false);
    await assert.rejects(access(join(root, 'snapshots/c2')));
    assert.deepEqual(await readdir(join(root, 'tmp')), []);
  });

  it('remove unmounts and deletes, and is idempotent', async () => {
    const merged = await snap.mount('c1');
    await snap.remove('c1');
    await snap.remove('c1');
    assert.equal(await isMounted(merged), false);
    assert.equal(snap.exists('c1'), false);
    await assert.rejects(access(join(root, 'snapshots/c1')));
  });

  it('reloads snapshots at start and removes unused layers', async () => {
    await snap.prepare('c2', [L1]);
    const again = new OverlaySnapshotter({ root });
    await mkdir(join(root, 'tmp/leftover'));
    await again.init();
    assert.equal(again.exists('c2'), true);
    assert.deepEqual(await readdir(join(root, 'tmp')), []);
    await again.remove('c2');
    await again.removeLayer(L2);
    assert.equal(await again.hasLayer(L2), false);
    await again.trashEmptied();
    assert.deepEqual(await readdir(join(root, 'trash')), []);
  });

  it('starts without waiting for a crash\'s leftovers, and never takes them for layers', async () => {
    const other = await mkdtemp(join(tmpdir(), 'berth-snap-trash-'));
    try {
      // What kill -9 during a layer removal leaves: a whole layer (metadata included) in tmp/.
      const hex = 'c'.repeat(64);
      const doomed = join(other, 'tmp', `${hex}-removing-0123`);
      await mkdir(join(doomed, 'diff', 'many'), { recursive: true });
      await writeFile(join(doomed, 'layer.json'), JSON.stringify({ chainId: `sha256:${hex}`, diffId: `sha256:${hex}`, size: 1 }));
      for (let i = 0; i < 20_000; i++) await writeFile(join(doomed, 'diff', 'many', String(i)), '');
      // Deletion is held until released: init must resolve all the same.
      let release!: () => void;
      const gate = new Promise<void>((r) => { release = r; });
      const removed: string[] = [];
      const snap2 = new OverlaySnapshotter({ root: other, removeTree: async (p) => { await gate; removed.push(p); await rm(p, { recursive: true, force: true }); } });
      await snap2.init();
      assert.deepEqual(removed, []);
      assert.deepEqual(await readdir(join(other, 'tmp')), []);
      assert.equal(await snap2.hasLayer(`sha256:${hex}`), false);
      assert.deepEqual(await snap2.listLayers(), []);
      // A new layer can be staged and committed while the old tree still waits in the trash.
      const s = await snap2.stageLayer();
      await writeFile(join(s.dir, 'f'), 'x');
      await s.commit({ chainId: L1, diffId: L1, size: 1 });
      assert.deepEqual(await snap2.listLayers(), [L1]);
      release();
      await snap2.trashEmptied();
      assert.equal(removed.length, 1);
      assert.deepEqual(await readdir(join(other, 'trash')), []);
      // With the real remover (rm -rf), the same leftovers go away in the background too.
      await mkdir(join(other, 'tmp', 'leftover', 'a'), { recursive: true });
      const snap3 = new OverlaySnapshotter({ root: other });
      await snap3.init();
      await snap3.trashEmptied();
      assert.deepEqual(await readdir(join(other, 'trash')), []);
      assert.deepEqual(await snap3.listLayers(), [L1]);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('mounts long layer stacks past the one-page mount data limit', async () => {
    const many: string[] = [];
    for (let i = 0; i < 60; i++) {
      const id = `sha256:${i.toString(16).padStart(64, 'a')}`;
      const s = await snap.stageLayer();
      await writeFile(join(s.dir, `f${i}`), String(i));
      await s.commit({ chainId: id, diffId: id, size: 1 });
      many.push(id);
    }
    await snap.prepare('deep', many);
    try {
      const merged = await snap.mount('deep');
      assert.equal((await readdir(merged)).length, 60);
    } finally {
      await snap.remove('deep');
    }
  });
});

snapshotterConformance('overlay', async () => {
  const root = await mkdtemp(join(tmpdir(), 'berth-snap-conf-'));
  const snapshotter = new OverlaySnapshotter({ root });
  await snapshotter.init();
  return {
    snapshotter,
    async addLayer(tar, parents) {
      const staged = await snapshotter.stageLayer();
      const r = await unpackLayer(Buffer.isBuffer(tar) ? Readable.from([tar]) : tar, staged.dir, { allowDevices: true, lowerDirs: snapshotter.lowerDirs(parents) });
      // Chain id: the parent's chain id and this diff id, as the OCI image spec defines it.
      const id = parents.length === 0 ? r.diffId : sha256Digest(`${parents[parents.length - 1]} ${r.diffId}`);
      await staged.commit({ chainId: id, diffId: r.diffId, size: r.size });
      return id;
    },
    async cleanup() {
      await snapshotter.trashEmptied();
      await rm(root, { recursive: true, force: true });
    },
  };
}, skip);
