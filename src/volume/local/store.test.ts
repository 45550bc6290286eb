import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalVolumeService, validateLocalOptions } from './store.js';
import { kindOf } from '../../lib/errors/index.js';

const req = (name: string, extra: Partial<{ driver: string; labels: Record<string, string>; options: Record<string, string> }> = {}) =>
  ({ name, driver: 'local', labels: {}, options: {}, ...extra });

describe('LocalVolumeService', () => {
  let root: string;
  let svc: LocalVolumeService;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vol-'));
    svc = new LocalVolumeService(root);
    await svc.load();
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('creates <root>/<name>/_data with its metadata beside it, and gets it back', async () => {
    const v = await svc.create(req('data', { labels: { a: 'b' } }));
    assert.equal(v.mountpoint, join(root, 'data', '_data'));
    assert.ok((await stat(v.mountpoint)).isDirectory());
    assert.match(v.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const meta = JSON.parse(await readFile(join(root, 'data', 'volume.json'), 'utf8'));
    assert.deepEqual(meta.labels, { a: 'b' });
    // no temp file left behind by the atomic write
    assert.deepEqual((await readdir(join(root, 'data'))).sort(), ['_data', 'volume.json']);
    assert.deepEqual(svc.get('data'), v);
  });

  it('an empty name gets 64 random hex characters', async () => {
    const v = await svc.create({ ...req(''), anonymous: true });
    assert.match(v.name, /^[0-9a-f]{64}$/);
    assert.equal(v.anonymous, true);
  });

  it('creating an existing name returns it; a different driver is refused', async () => {
    const a = await svc.create(req('same', { labels: { x: '1' } }));
    const b = await svc.create(req('same', { labels: { x: '2' } }));
    assert.deepEqual(b, a);
    await assert.rejects(svc.create(req('same', { driver: 'other' })), (e) => kindOf(e) === 'conflict' && (e as Error).message === "create same: driver 'local' already has volume 'same': volume name must be unique");
  });

  it('concurrent creates of one name make one volume', async () => {
    const all = await Promise.all(Array.from({ length: 8 }, () => svc.create(req('shared'))));
    assert.equal(new Set(all.map((v) => v.createdAt + v.mountpoint)).size, 1);
    assert.equal(svc.list().length, 1);
  });

  it('validates names with Docker\'s messages', async () => {
    await assert.rejects(svc.create(req('a')), { message: 'volume name is too short, names should be at least two alphanumeric characters' });
    await assert.rejects(svc.create(req('_ab')), {
      message: '"_ab" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path',
    });
    await assert.rejects(svc.create(req('a/b')), (e) => kindOf(e) === 'invalid-argument');
    assert.equal(svc.list().length, 0);
  });

  it('accepts only type, device and o as local options', async () => {
    const v = await svc.create(req('tmp', { options: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' } }));
    assert.deepEqual(v.options, { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' });
    await assert.rejects(svc.create(req('bad', { options: { foo: 'x' } })), { message: 'invalid option key: "foo"' });
  });

  it('refuses to remove a volume in use, naming the containers; removes it once released', async () => {
    await svc.create(req('busy'));
    svc.addRef('busy', 'c1');
    svc.addRef('busy', 'c2');
    await assert.rejects(svc.remove('busy'), { message: 'remove busy: volume is in use - [c1, c2]' });
    svc.releaseRef('busy', 'c1');
    svc.releaseRef('busy', 'c2');
    await svc.remove('busy');
    assert.deepEqual(await readdir(root), []);
    await assert.rejects(svc.remove('busy'), { message: 'get busy: no such volume' });
    await svc.remove('busy', true);
    assert.throws(() => svc.get('busy'), { message: 'get busy: no such volume' });
  });

  it('load reads the volumes back; references are memory only', async () => {
    await svc.create(req('kept', { labels: { k: 'v' } }));
    svc.addRef('kept', 'c1');
    const again = new LocalVolumeService(root);
    await again.load();
    assert.deepEqual(again.get('kept'), svc.get('kept'));
    assert.deepEqual(again.refs('kept'), []);
  });

  it('size counts files without following symlinks', async () => {
    const v = await svc.create(req('sized'));
    await writeFile(join(v.mountpoint, 'f'), Buffer.alloc(1000));
    const outside = join(root, 'big');
    await writeFile(outside, Buffer.alloc(100000));
    await symlink(outside, join(v.mountpoint, 'link'));
    const n = await svc.size('sized');
    assert.ok(n >= 1000 && n < 2000, String(n));
  });
});

describe('validateLocalOptions', () => {
  const refuses = (opts: Record<string, string>, msg: string) => assert.throws(() => validateLocalOptions(opts), (e: Error) => kindOf(e) === 'invalid-argument' && e.message === msg);
  it('takes none, or type with device and optionally o', () => {
    validateLocalOptions({});
    validateLocalOptions({ type: 'tmpfs', device: 'tmpfs' });
    validateLocalOptions({ type: 'nfs', device: ':/export', o: 'addr=10.0.0.1,rw' });
  });
  it('refuses an unknown key, a half-given device, and a quota without quota support', () => {
    refuses({ foo: 'x' }, 'invalid option key: "foo"');
    refuses({ type: 'tmpfs' }, 'missing required option: "device"');
    refuses({ device: '/dev/sdb1' }, 'missing required option: "type"');
    refuses({ o: 'size=1m' }, 'missing required option: "device"');
    refuses({ size: '10G' }, 'quota size requested but no quota support');
  });
});
