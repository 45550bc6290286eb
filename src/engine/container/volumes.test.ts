import { after, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile, chown, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toInspect } from '../convert/container.js';
import { ContainerService } from './service.js';
import { fakeEngine, type FakeEngine } from './testing/fakes.js';
import { FakeVolumes } from './testing/fake-volumes.js';
import { ContainerStore } from './store.js';
import { copyUpIntoVolume } from './volume-copy.js';

describe('containers with volumes (fake volume service)', () => {
  let f: FakeEngine;
  let vols: FakeVolumes;
  let svc: ContainerService;
  let rootfs: string;
  const dirs: string[] = [];
  const engines: FakeEngine[] = [];

  beforeEach(async () => {
    f = await fakeEngine();
    engines.push(f);
    const tmp = await mkdtemp(join(tmpdir(), 'berth-volmount-'));
    dirs.push(tmp);
    vols = new FakeVolumes(join(tmp, 'volumes'));
    rootfs = join(tmp, 'rootfs');
    await mkdir(join(rootfs, 'etc'), { recursive: true });
    await writeFile(join(rootfs, 'etc', 'motd'), 'hello\n');
    // The fake rootfs is a real directory, so the first start can copy from it.
    f.snapshotter.mount = async () => rootfs;
    svc = new ContainerService({ ...f.deps, volumes: vols });
  });
  after(async () => {
    for (const e of engines) await e.cleanup();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  const create = async (extra: Record<string, unknown> = {}, name?: string): Promise<string> =>
    (await svc.create({ Image: 'busybox', Cmd: ['true'], ...extra }, name)).Id;

  it('-v name:/path creates the volume once, refs it, and inspect shows it as Docker does', async () => {
    const a = await create({ HostConfig: { Binds: ['data:/data'] } });
    const b = await create({ HostConfig: { Binds: ['data:/srv:ro'] } });
    assert.deepEqual(vols.list().map((v) => v.name), ['data']);
    assert.deepEqual(vols.refs('data').sort(), [a, b].sort());
    const ins = toInspect(svc.store.get(a), {}, '1.47');
    assert.deepEqual(ins.Mounts, [{ Type: 'volume', Name: 'data', Source: vols.get('data').mountpoint, Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' }]);
    assert.equal(toInspect(svc.store.get(b), {}, '1.47').Mounts?.[0]?.RW, false);
  });

  it('anonymous volumes (-v /p, --mount without source, image VOLUME) get random names and the anonymous label', async () => {
    const id = await create({ Volumes: { '/cache': {} }, HostConfig: { Mounts: [{ Type: 'volume', Target: '/m' }] } });
    const ms = svc.store.get(id).mounts.filter((m) => m.type === 'volume');
    assert.deepEqual(ms.map((m) => m.destination), ['/m', '/cache']);
    for (const m of ms) {
      assert.match(m.name!, /^[0-9a-f]{64}$/);
      assert.deepEqual(vols.get(m.name!).labels, { 'com.docker.volume.anonymous': '' });
      assert.equal(m.source, vols.get(m.name!).mountpoint);
    }
  });

  it('a failed create releases its refs and removes the anonymous volumes it made', async () => {
    const keep = await create({ HostConfig: { Binds: ['shared:/s'] } });
    vols.failName = 'boom';
    await assert.rejects(create({ HostConfig: { Binds: ['/anon', 'shared:/s', 'boom:/b'] } }), /create boom failed/);
    f.snapshotter.prepare = async () => { throw new Error('no space'); };
    await assert.rejects(create({ Volumes: { '/anon': {} }, HostConfig: { Binds: ['shared:/s'] } }), /no space/);
    assert.deepEqual(vols.list().map((v) => v.name), ['shared']);
    assert.deepEqual(vols.refs('shared'), [keep]);
    assert.deepEqual(svc.store.list().map((r) => r.id), [keep]);
  });

  it('rm releases named volumes; rm -v also removes the anonymous ones', async () => {
    const id = await create({ Volumes: { '/anon': {} }, HostConfig: { Binds: ['keep:/k'] } });
    const anon = svc.store.get(id).mounts.find((m) => m.destination === '/anon')!.name!;
    await svc.remove(id);
    assert.deepEqual(vols.list().map((v) => v.name).sort(), ['keep', anon].sort(), 'plain rm keeps every volume');
    assert.deepEqual(vols.refs('keep'), []);
    const id2 = await create({ Volumes: { '/anon': {} }, HostConfig: { Binds: ['keep:/k'] } });
    const anon2 = svc.store.get(id2).mounts.find((m) => m.destination === '/anon')!.name!;
    await svc.remove(id2, { volumes: true });
    assert.ok(!vols.list().some((v) => v.name === anon2), 'rm -v removed the anonymous volume');
    assert.ok(vols.list().some((v) => v.name === 'keep'), 'named volumes survive rm -v');
  });

  it('first start copies the image content into an empty volume; nocopy and a non-empty volume are left alone', async () => {
    const id = await create({ HostConfig: { Binds: ['conf:/etc', 'bare:/etc2:nocopy'] } });
    await mkdir(join(rootfs, 'etc2'));
    await writeFile(join(rootfs, 'etc2', 'x'), 'x');
    await svc.start(id);
    assert.equal(await readFile(join(vols.get('conf').mountpoint, 'motd'), 'utf8'), 'hello\n');
    assert.deepEqual(await readdir(vols.get('bare').mountpoint), []);
    assert.deepEqual(f.runtime.specs.get(id)!.mounts!.filter((m) => m.destination === '/etc'), [{ type: 'bind', source: vols.get('conf').mountpoint, destination: '/etc', options: ['rbind', 'rw'] }]);
  });

  it('restore gives the volume service back its refs', async () => {
    const id = await create({ HostConfig: { Binds: ['data:/data'] } });
    const fresh = new FakeVolumes(join(dirs[dirs.length - 1]!, 'volumes'));
    await fresh.create({ name: 'data', driver: 'local', labels: {}, options: {} });
    const svc2 = new ContainerService({ ...f.deps, store: new ContainerStore(f.root), volumes: fresh });
    await (await svc2.restore()).cleanup;
    assert.deepEqual(fresh.refs('data'), [id]);
    assert.deepEqual(svc2.volumeRefs(), [{ name: 'data', containerId: id }]);
  });
});

describe('copy-up into a volume', () => {
  it('keeps owners, modes and symlinks, and a symlink in the image cannot lead the copy out of the rootfs', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'berth-copyup-'));
    try {
      const root = join(tmp, 'root');
      const vol = join(tmp, 'vol');
      await mkdir(join(root, 'app', 'sub'), { recursive: true });
      await mkdir(vol);
      await writeFile(join(root, 'app', 'secret'), 's', { mode: 0o600 });
      await chown(join(root, 'app', 'secret'), 1234, 5678);
      await chmod(join(root, 'app'), 0o750);
      await chown(join(root, 'app'), 42, 43);
      await symlink('/etc/passwd', join(root, 'app', 'link'));
      // An image path that is a symlink to the host's /etc resolves inside the rootfs (absent there).
      await symlink('/etc', join(root, 'escape'));
      assert.equal(await copyUpIntoVolume(root, '/app', vol), true);
      const s = await stat(join(vol, 'secret'));
      assert.deepEqual([s.uid, s.gid, s.mode & 0o7777], [1234, 5678, 0o600]);
      const top = await stat(vol);
      assert.deepEqual([top.uid, top.gid, top.mode & 0o7777], [42, 43, 0o750]);
      assert.equal(await readlink(join(vol, 'link')), '/etc/passwd');
      assert.deepEqual((await readdir(join(vol, 'sub'))), []);
      const other = join(tmp, 'vol2');
      await mkdir(other);
      assert.equal(await copyUpIntoVolume(root, '/escape', other), false);
      assert.deepEqual(await readdir(other), []);
      assert.equal(await copyUpIntoVolume(root, '/app', vol), false, 'a volume with content is not copied into');
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
