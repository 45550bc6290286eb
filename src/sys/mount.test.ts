import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { skipUnlessRoot } from '../lib/testing/needs-root.js';
import { isMounted, listMounts, mount, parseMountInfo, unmount } from './mount.js';

describe('parseMountInfo', () => {
  it('reads fields and decodes octal escapes', () => {
    const text = '36 35 98:0 /mnt1 /mnt/with\\040space rw,noatime master:1 - overlay overlay rw,lowerdir=/a:/b\n';
    const [m] = parseMountInfo(text);
    assert.equal(m!.id, 36);
    assert.equal(m!.parentId, 35);
    assert.equal(m!.mountPoint, '/mnt/with space');
    assert.equal(m!.fsType, 'overlay');
    assert.equal(m!.source, 'overlay');
    assert.equal(m!.superOptions, 'rw,lowerdir=/a:/b');
    assert.deepEqual(m!.optional, ['master:1']);
  });

  it('lists the root mount of this process', async () => {
    assert.ok((await listMounts()).some((m) => m.mountPoint === '/'));
  });
});

describe('mount/unmount', { skip: skipUnlessRoot('mounts') }, () => {
  it('mounts a tmpfs, reports it, and unmounts idempotently', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-mount-'));
    const target = join(dir, 'mnt');
    await mkdir(target);
    try {
      assert.equal(await isMounted(target), false);
      await mount('tmpfs', target, 'tmpfs', ['size=1m', 'mode=0755']);
      assert.equal(await isMounted(target), true);
      await writeFile(join(target, 'f'), 'x');
      assert.equal(await readFile(join(target, 'f'), 'utf8'), 'x');
      await unmount(target);
      assert.equal(await isMounted(target), false);
      await unmount(target);
    } finally {
      await unmount(target).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a failed mount with the stderr of mount', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-mount-'));
    try {
      await assert.rejects(mount('none', join(dir, 'missing'), 'tmpfs', []), /mount/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
