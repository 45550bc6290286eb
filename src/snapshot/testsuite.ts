import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { appendFile, lstat, mkdir, readdir, readFile, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import tarStream from 'tar-stream';
import { makeTar } from '../lib/tar/test-helpers.js';
import { ChangeKind, type LayerExporter, type SnapshotDiffer, type Snapshotter, type SnapshotViewer } from './types.js';

/** Everything the suite exercises. */
export type FullSnapshotter = Snapshotter & SnapshotDiffer & SnapshotViewer & LayerExporter;

/** What an implementation hands the suite: a fresh snapshotter and a way to add layers to it. */
export interface SnapshotterUnderTest {
  snapshotter: FullSnapshotter;
  /** Unpacks a layer tar on top of `parents` (chain ids, bottom first); returns its chain id. */
  addLayer(tar: Buffer | Readable, parents: string[]): Promise<string>;
  /** Deletes everything the snapshotter made. */
  cleanup(): Promise<void>;
}

async function bytes(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function tarNames(tar: Buffer): Promise<string[]> {
  const names: string[] = [];
  const ex = tarStream.extract();
  const done = (async () => {
    for await (const e of ex) {
      names.push(e.header.name);
      e.resume();
    }
  })();
  ex.end(tar);
  await done;
  return names;
}

/** A listing of a tree: path, type, and content or link target, for comparing two views. */
async function listing(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(join(dir, rel))).sort()) {
    const p = rel ? `${rel}/${name}` : name;
    const st = await lstat(join(dir, p));
    if (st.isDirectory()) out.push(`${p}/`, ...(await listing(dir, p)));
    else if (st.isSymbolicLink()) out.push(`${p} -> ${await readlink(join(dir, p))}`);
    else out.push(`${p} = ${(await readFile(join(dir, p))).toString()}`);
  }
  return out;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * The behaviour every snapshotter must show, run against each implementation (containerd's model:
 * one suite, many implementations). Needs root: it mounts.
 */
export function snapshotterConformance(name: string, make: () => Promise<SnapshotterUnderTest>, skip: string | false = false): void {
  describe(`snapshotter conformance: ${name}`, { skip }, () => {
    let t: SnapshotterUnderTest;
    let s: FullSnapshotter;
    let base: string[];

    before(async () => {
      t = await make();
      s = t.snapshotter;
      const l0 = await t.addLayer(await makeTar([
        { name: 'etc/', type: 'directory', mode: 0o755, mtime: new Date(1e12) },
        { name: 'etc/passwd', body: 'root:x:0:0\n', mtime: new Date(1e12) },
        { name: 'etc/hosts', body: '127.0.0.1 localhost\n' },
        { name: 'data/', type: 'directory', mode: 0o755 },
        { name: 'data/a', body: 'a' },
        { name: 'data/b', body: 'b' },
        { name: 'gone', body: 'bye' },
        { name: 'srv/', type: 'directory', mode: 0o755, mtime: new Date(1e12) },
        { name: 'srv/app.conf', body: 'a=1\n' },
        { name: 'link', type: 'symlink', linkname: 'etc/hosts' },
      ]), []);
      const l1 = await t.addLayer(await makeTar([{ name: 'etc/', type: 'directory', mode: 0o755, mtime: new Date(1e12) }, { name: 'etc/motd', body: 'hello' }]), [l0]);
      base = [l0, l1];
    });
    after(async () => {
      for (const k of ['conf-c1', 'conf-c2', 'conf-v1', 'conf-v0']) await s.remove(k).catch(() => undefined);
      await t.cleanup();
    });

    it('stacks layers under a writable snapshot, leaving the layers untouched', async () => {
      await s.prepare('conf-c1', base);
      const root = await s.mount('conf-c1');
      assert.equal(await readFile(join(root, 'etc/motd'), 'utf8'), 'hello');
      assert.equal(await readFile(join(root, 'data/a'), 'utf8'), 'a');
      await appendFile(join(root, 'etc/passwd'), 'me:x:1000:1000\n');
      // An addition in /etc, with /etc's mtime put back: /etc is still listed, as its parent.
      await writeFile(join(root, 'etc/new.conf'), 'x');
      await utimes(join(root, 'etc'), 1e9, 1e9);
      await writeFile(join(root, 'new'), 'n');
      // Changed in place: /srv is copied up with its mtime, and is not listed.
      await appendFile(join(root, 'srv/app.conf'), 'b=2\n');
      await rm(join(root, 'gone'));
      await rm(join(root, 'data'), { recursive: true });
      await mkdir(join(root, 'data'));
      await writeFile(join(root, 'data/c'), 'c');
      await rm(join(root, 'link'));
      await symlink('etc/motd', join(root, 'link'));
      assert.ok(await s.usage('conf-c1') > 0);
    });

    it('lists the changes as docker diff does', async () => {
      assert.deepEqual(await s.changes('conf-c1'), [
        { path: '/data', kind: ChangeKind.Deleted },
        { path: '/data/c', kind: ChangeKind.Added },
        { path: '/etc', kind: ChangeKind.Modified },
        { path: '/etc/new.conf', kind: ChangeKind.Added },
        { path: '/etc/passwd', kind: ChangeKind.Modified },
        { path: '/gone', kind: ChangeKind.Deleted },
        { path: '/link', kind: ChangeKind.Modified },
        { path: '/new', kind: ChangeKind.Added },
        { path: '/srv/app.conf', kind: ChangeKind.Modified },
      ]);
    });

    it('exports the changes as a deterministic OCI layer with whiteouts', async () => {
      const tar = await bytes(s.exportChanges('conf-c1'));
      assert.equal(sha(await bytes(s.exportChanges('conf-c1'))), sha(tar));
      assert.deepEqual(await tarNames(tar), ['data/', 'data/.wh..wh..opq', 'data/c', 'etc/', 'etc/new.conf', 'etc/passwd', '.wh.gone', 'link', 'new', 'srv/', 'srv/app.conf']);
    });

    it('commits the exported changes as a layer that reproduces the container\'s view', async () => {
      const top = await t.addLayer(s.exportChanges('conf-c1'), base);
      await s.prepare('conf-c2', [...base, top]);
      const committed = await s.mount('conf-c2');
      const original = await s.mount('conf-c1');
      assert.deepEqual(await listing(committed), await listing(original));
      assert.deepEqual(await s.changes('conf-c2'), []);
      // Re-exporting the committed layer gives the very bytes it was made from.
      assert.equal(sha(await bytes(s.exportLayer(top))), sha(await bytes(s.exportChanges('conf-c1'))));
    });

    it('gives read-only views of layer stacks, including an empty one', async () => {
      const v = await s.view('conf-v1', base);
      assert.equal(await readFile(join(v, 'etc/motd'), 'utf8'), 'hello');
      assert.equal(await readFile(join(v, 'gone'), 'utf8'), 'bye');
      await assert.rejects(writeFile(join(v, 'x'), 'x'), (e: NodeJS.ErrnoException) => e.code === 'EROFS');
      await assert.rejects(s.changes('conf-v1'));
      const empty = await s.view('conf-v0', []);
      assert.deepEqual(await readdir(empty), []);
      await s.remove('conf-v1');
      await s.remove('conf-v0');
      assert.equal(s.exists('conf-v1'), false);
      await assert.rejects(readFile(join(v, 'etc/motd')));
    });

    it('removes snapshots idempotently', async () => {
      await s.remove('conf-c2');
      await s.remove('conf-c2');
      assert.equal(s.exists('conf-c2'), false);
    });
  });
}
