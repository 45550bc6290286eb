import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readlink, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isInvalidArgument } from '../errors/index.js';
import { makeTar } from './test-helpers.js';
import { unpackLayer } from './unpack-layer.js';

const isRoot = process.getuid?.() === 0;
// Owners, whiteouts (0/0 devices) and device nodes need root; the breakout cases do not.
const rootOnly = { skip: isRoot ? false : 'needs root (chown, mknod)' };

let base: string;
let n = 0;
/** A fresh dest dir beside a "victim" sibling that hostile archives try to reach. */
async function fresh(): Promise<{ dest: string; victim: string }> {
  const dir = join(base, `case${n++}`);
  const dest = join(dir, 'dest');
  const victim = join(dir, 'victim');
  await mkdir(dest, { recursive: true });
  await mkdir(victim);
  await writeFile(join(victim, 'hello'), 'original');
  return { dest, victim };
}

async function victimIntact(victim: string): Promise<void> {
  assert.deepEqual((await readdir(victim)).sort(), ['hello']);
  assert.equal(await readFile(join(victim, 'hello'), 'utf8'), 'original');
}

async function rejects(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (err: unknown) => isInvalidArgument(err));
}

describe('unpackLayer', () => {
  before(async () => { base = await mkdtemp(join(tmpdir(), 'berth-tar-')); });
  after(async () => { await rm(base, { recursive: true, force: true }); });

  it('unpacks files, dirs, links with modes, owners and mtimes, and returns the DiffID', rootOnly, async () => {
    const { dest } = await fresh();
    const mtime = new Date('2020-01-02T03:04:05Z');
    const tar = await makeTar([
      { name: 'etc/', type: 'directory', mode: 0o750, uid: 0, gid: 0, mtime },
      { name: 'etc/motd', body: 'hi\n', mode: 0o640, uid: 1000, gid: 1001, mtime },
      { name: 'bin/tool', body: 'x', mode: 0o4755, mtime },
      { name: 'etc/link', type: 'symlink', linkname: 'motd', mtime },
      { name: 'etc/hard', type: 'link', linkname: 'etc/motd' },
    ]);
    const r = await unpackLayer(Readable.from([tar]), dest);
    assert.equal(r.diffId, `sha256:${createHash('sha256').update(tar).digest('hex')}`);
    assert.equal(r.tarSize, tar.length);
    assert.equal(r.size, 4);
    assert.equal(r.compression, 'none');
    const motd = await stat(join(dest, 'etc/motd'));
    assert.equal(motd.mode & 0o7777, 0o640);
    assert.equal(motd.uid, 1000);
    assert.equal(motd.gid, 1001);
    assert.equal(motd.mtime.getTime(), mtime.getTime());
    assert.equal(motd.nlink, 2);
    assert.equal((await stat(join(dest, 'bin/tool'))).mode & 0o7777, 0o4755);
    assert.equal((await stat(join(dest, 'etc'))).mode & 0o7777, 0o750);
    assert.equal((await stat(join(dest, 'etc'))).mtime.getTime(), mtime.getTime());
    assert.equal(await readlink(join(dest, 'etc/link')), 'motd');
  });

  it('detects gzip, bzip2 and xz by content; the DiffID is of the uncompressed tar', async () => {
    const tar = await makeTar([{ name: 'a', body: 'a'.repeat(10000) }]);
    const want = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
    const bz = spawnSync('bzip2', ['-c'], { input: tar }).stdout;
    const xz = spawnSync('xz', ['-c'], { input: tar }).stdout;
    for (const [kind, data] of [['gzip', gzipSync(tar)], ['bzip2', bz], ['xz', xz]] as const) {
      const { dest } = await fresh();
      const r = await unpackLayer(Readable.from([data]), dest);
      assert.equal(r.compression, kind);
      assert.equal(r.diffId, want);
      assert.equal(await readFile(join(dest, 'a'), 'utf8'), 'a'.repeat(10000));
    }
  });

  it('rejects a truncated gzip stream, a non-tar stream and zstd', async () => {
    const tar = await makeTar([{ name: 'a', body: 'a'.repeat(100000) }]);
    const gz = gzipSync(tar);
    await rejects(unpackLayer(Readable.from([gz.subarray(0, gz.length / 2)]), (await fresh()).dest));
    await rejects(unpackLayer(Readable.from([Buffer.from('not a tar '.repeat(100))]), (await fresh()).dest));
    const zstd = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(100)]);
    await assert.rejects(unpackLayer(Readable.from([zstd]), (await fresh()).dest), /unsupported layer compression: zstd/);
  });

  it('stores absolute names under the root', async () => {
    const { dest } = await fresh();
    await unpackLayer(Readable.from([await makeTar([{ name: '/etc/x', body: 'x' }])]), dest);
    assert.equal(await readFile(join(dest, 'etc/x'), 'utf8'), 'x');
  });

  for (const name of ['../victim/x', '/../victim/x', '..', '../../pwned', 'a/../../victim/x']) {
    it(`refuses the breakout name ${name}`, async () => {
      const { dest, victim } = await fresh();
      await rejects(unpackLayer(Readable.from([await makeTar([{ name, body: 'pwned' }])]), dest));
      await victimIntact(victim);
    });
  }

  it('keeps writes through symlinks inside the root (absolute, relative, two-hop)', async () => {
    const { dest, victim } = await fresh();
    const tar = await makeTar([
      { name: 'abs', type: 'symlink', linkname: victim },
      { name: 'abs/pwned', body: 'x' },
      { name: 'up', type: 'symlink', linkname: '../../..' },
      { name: 'up/victim/hello', body: 'overwritten?' },
      { name: 'inner/go_up', type: 'symlink', linkname: '..' },
      { name: 'inner/go_up/escape', type: 'symlink', linkname: '../victim' },
      { name: 'inner/go_up/escape/hello', body: 'two-hop' },
    ]);
    await unpackLayer(Readable.from([tar]), dest);
    await victimIntact(victim);
    assert.equal(await readFile(join(dest, victim, 'pwned'), 'utf8'), 'x');
    assert.equal(await readFile(join(dest, 'victim/hello'), 'utf8'), 'two-hop');
    assert.ok((await lstat(join(dest, 'abs'))).isSymbolicLink());
  });

  it('replaces a symlink named by a file entry instead of writing through it', async () => {
    const { dest, victim } = await fresh();
    const tar = await makeTar([
      { name: 'f', type: 'symlink', linkname: join(victim, 'hello') },
      { name: 'f', body: 'new' },
    ]);
    await unpackLayer(Readable.from([tar]), dest);
    await victimIntact(victim);
    assert.equal(await readFile(join(dest, 'f'), 'utf8'), 'new');
  });

  it('refuses hardlinks to host files and keeps hardlinks to escaping symlinks harmless', async () => {
    const before = await stat('/etc/passwd');
    for (const linkname of ['/etc/passwd', '../../../../../../etc/passwd']) {
      const { dest } = await fresh();
      await rejects(unpackLayer(Readable.from([await makeTar([{ name: 'pw', type: 'link', linkname }])]), dest));
    }
    const { dest, victim } = await fresh();
    const tar = await makeTar([
      { name: 's', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'h', type: 'link', linkname: 's' },
      { name: 'v', type: 'symlink', linkname: join(victim, 'hello') },
      { name: 'hv', type: 'link', linkname: 'v', mode: 0o777 },
    ]);
    await unpackLayer(Readable.from([tar]), dest);
    assert.ok((await lstat(join(dest, 'h'))).isSymbolicLink());
    const after = await stat('/etc/passwd');
    assert.equal(after.nlink, before.nlink);
    assert.equal(after.mode, before.mode);
    await victimIntact(victim);
    assert.equal((await stat(join(victim, 'hello'))).nlink, 1);
  });

  it('fails fast on a symlink loop', async () => {
    const { dest } = await fresh();
    const tar = await makeTar([
      { name: 'a', type: 'symlink', linkname: 'b' },
      { name: 'b', type: 'symlink', linkname: 'a' },
      { name: 'a/x', body: 'x' },
    ]);
    await rejects(unpackLayer(Readable.from([tar]), dest));
  });

  it('turns whiteouts into overlay whiteouts, keeping same-layer entries', rootOnly, async () => {
    const { dest } = await fresh();
    const tar = await makeTar([
      { name: 'etc/.wh.passwd', body: '' },
      { name: 'keep', body: 'mine' },
      { name: '.wh.keep', body: '' },
      { name: '.wh..wh.plnk', type: 'directory' },
    ]);
    await unpackLayer(Readable.from([tar]), dest);
    const wh = await lstat(join(dest, 'etc/passwd'));
    assert.ok(wh.isCharacterDevice());
    assert.equal(wh.rdev, 0);
    assert.equal(await readFile(join(dest, 'keep'), 'utf8'), 'mine');
    assert.deepEqual((await readdir(dest)).sort(), ['etc', 'keep']);
  });

  it('acts on whiteouts only inside the root, even through a symlinked parent', rootOnly, async () => {
    const { dest, victim } = await fresh();
    const tar = await makeTar([
      { name: 'localv', type: 'symlink', linkname: victim },
      { name: 'localv/.wh.hello', body: '' },
    ]);
    await unpackLayer(Readable.from([tar]), dest);
    await victimIntact(victim);
    assert.ok((await lstat(join(dest, victim, 'hello'))).isCharacterDevice());
  });

  for (const name of ['.wh.', '.wh..', '.wh...', 'etc/.wh..']) {
    it(`refuses the invalid whiteout ${name}`, async () => {
      const { dest } = await fresh();
      await rejects(unpackLayer(Readable.from([await makeTar([{ name, body: '' }])]), dest));
    });
  }

  it('makes opaque directories hide the lower layers only', rootOnly, async () => {
    const { dest: lower } = await fresh();
    await mkdir(join(lower, 'd'));
    await writeFile(join(lower, 'd/old1'), '');
    await writeFile(join(lower, 'd/same'), '');
    const { dest } = await fresh();
    const tar = await makeTar([
      { name: 'd/same', body: 'new' },
      { name: 'd/.wh..wh..opq', body: '' },
      { name: 'd/added', body: 'new' },
    ]);
    await unpackLayer(Readable.from([tar]), dest, { lowerDirs: [lower] });
    assert.equal(await readFile(join(dest, 'd/same'), 'utf8'), 'new');
    assert.equal(await readFile(join(dest, 'd/added'), 'utf8'), 'new');
    // Without setfattr the opaque dir is spelled as whiteouts of the lower names.
    const old = await lstat(join(dest, 'd/old1')).catch(() => null);
    if (old) assert.ok(old.isCharacterDevice());
  });

  it('skips device nodes unless allowed, and refuses impossible device numbers', rootOnly, async () => {
    const devs = [
      { name: 'null', type: 'character-device' as const, devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'fifo', type: 'fifo' as const, mode: 0o600 },
    ];
    const { dest } = await fresh();
    await unpackLayer(Readable.from([await makeTar(devs)]), dest);
    assert.deepEqual(await readdir(dest), []);
    const { dest: d2 } = await fresh();
    await unpackLayer(Readable.from([await makeTar(devs)]), d2, { allowDevices: true });
    assert.equal((await lstat(join(d2, 'null'))).rdev, (1 << 8) | 3);
    assert.ok((await lstat(join(d2, 'fifo'))).isFIFO());
    const { dest: d3 } = await fresh();
    const bad = await makeTar([{ name: 'bad', type: 'block-device', devmajor: 0o7777777, devminor: 0 }]);
    await rejects(unpackLayer(Readable.from([bad]), d3, { allowDevices: true }));
  });

  it('refuses names longer than the kernel allows', async () => {
    const { dest } = await fresh();
    await rejects(unpackLayer(Readable.from([await makeTar([{ name: 'x'.repeat(300), body: '' }])]), dest));
  });

  it('accepts an empty archive followed by zero padding', async () => {
    const { dest } = await fresh();
    const data = Buffer.concat([await makeTar([]), Buffer.alloc(1 << 20)]);
    const r = await unpackLayer(Readable.from([data]), dest);
    assert.equal(r.entries, 0);
    assert.equal(r.tarSize, data.length);
  });
});
