import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access, lstat, mkdir, mkdtemp, readFile, readlink, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isInvalidArgument } from '../errors/index.js';
import { makeTar, needs, pythonTar } from './test-helpers.js';
import { unpackLayer } from './unpack-layer.js';

// Owners, whiteouts (0/0 devices) and device nodes need root; the breakout cases do not.
const rootOnly = needs({ root: true });

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
  it('answers at once for a file written through a symlink that climbs far above the root', needs({ tools: ['python3'] }), async () => {
    const { dest } = await fresh();
    const leaf = `berth-escape-${randomBytes(6).toString('hex')}`;
    const tar = pythonTar(`
with tarfile.open(fileobj=buf, mode='w') as t:
    d = tarfile.TarInfo('d'); d.type = tarfile.DIRTYPE; d.mode = 0o755; t.addfile(d)
    s = tarfile.TarInfo('d/up'); s.type = tarfile.SYMTYPE; s.linkname = '../../../../../../../tmp'; t.addfile(s)
    f = tarfile.TarInfo('d/up/${leaf}'); f.size = 3; t.addfile(f, io.BytesIO(b'abc'))
`);
    await unpackLayer(Readable.from([tar]), dest);
    assert.equal(await readFile(join(dest, 'tmp', leaf), 'utf8'), 'abc');
    await assert.rejects(access(join('/tmp', leaf)));
  });

  it('leaves a source it refuses open and drains it, so an HTTP caller can still answer', async () => {
    const source = new PassThrough();
    source.write(Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), randomBytes(1000)]));
    await assert.rejects(unpackLayer(source, (await fresh()).dest), /unsupported layer compression: zstd/);
    assert.equal(source.destroyed, false);
    const ended = new Promise((resolve) => source.once('end', resolve));
    source.end(randomBytes(1 << 20));
    await ended;

    // The same when the failure comes mid-archive.
    const tarSource = new PassThrough();
    tarSource.write(await makeTar([{ name: '../escape', body: 'x' }]));
    await assert.rejects(unpackLayer(tarSource, (await fresh()).dest), (err: unknown) => isInvalidArgument(err));
    assert.equal(tarSource.destroyed, false);
    const tarEnded = new Promise((resolve) => tarSource.once('end', resolve));
    tarSource.end(randomBytes(1 << 20));
    await tarEnded;
  });

  it('refuses negative or oversized ids and device numbers instead of making them root', needs({ tools: ['python3'] }), async () => {
    const pax = (field: string, value: number) => pythonTar(`
with tarfile.open(fileobj=buf, mode='w', format=tarfile.PAX_FORMAT) as t:
    f = tarfile.TarInfo('f'); f.${field} = ${value}; f.size = 1; t.addfile(f, io.BytesIO(b'x'))
`);
    const gnu = (field: string, value: number, type = 'REGTYPE') => pythonTar(`
with tarfile.open(fileobj=buf, mode='w', format=tarfile.GNU_FORMAT) as t:
    f = tarfile.TarInfo('f'); f.type = tarfile.${type}; f.${field} = ${value}; t.addfile(f)
`);
    for (const tar of [pax('uid', -1), pax('gid', -1), pax('uid', 2 ** 32), gnu('uid', -1), gnu('gid', -5), gnu('devmajor', -1, 'CHRTYPE'), gnu('devminor', -1, 'BLKTYPE')]) {
      // allowDevices false: device entries are skipped, but a bogus one still condemns the archive.
      await rejects(unpackLayer(Readable.from([tar]), (await fresh()).dest));
    }
    const { dest } = await fresh();
    await unpackLayer(Readable.from([pax('uid', 70000)]), dest, { chown: false });
    assert.equal(await readFile(join(dest, 'f'), 'utf8'), 'x');
  });

  it('applies a large uid from a PAX record', rootOnly, async () => {
    const { dest } = await fresh();
    await unpackLayer(Readable.from([await makeTar([{ name: 'f', body: 'x', pax: { uid: '3000000000', gid: '70000' } }])]), dest);
    const st = await stat(join(dest, 'f'));
    assert.equal(st.uid, 3000000000);
    assert.equal(st.gid, 70000);
  });

  it('refuses entry types it cannot represent instead of writing them as files', async () => {
    const tar = await makeTar([{ name: 'v', body: 'xyz' }]);
    tar[156] = 'V'.charCodeAt(0);
    // Fix the header checksum for the changed type flag.
    tar.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += tar[i]!;
    tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const { dest } = await fresh();
    await assert.rejects(unpackLayer(Readable.from([tar]), dest), /unsupported entry type/);
    assert.deepEqual(await readdir(dest), []);
  });

  it('lets a later entry of the layer create what an earlier whiteout named', rootOnly, async () => {
    const { dest } = await fresh();
    const tar = await makeTar([
      { name: '.wh.a', body: '' },
      { name: 'a/b', body: 'inside' },
      { name: 'c/.wh.d', body: '' },
      { name: 'c/d', body: 'mine' },
    ]);
    await unpackLayer(Readable.from([tar]), dest);
    assert.equal(await readFile(join(dest, 'a/b'), 'utf8'), 'inside');
    assert.equal(await readFile(join(dest, 'c/d'), 'utf8'), 'mine');
    assert.deepEqual((await readdir(dest)).sort(), ['a', 'c']);
  });

  it('never marks a directory outside opaque when the opaque dir is replaced by a symlink', rootOnly, async () => {
    const { dest, victim } = await fresh();
    const tar = await makeTar([
      { name: 'd/', type: 'directory' },
      { name: 'd/.wh..wh..opq', body: '' },
      { name: 'd', type: 'symlink', linkname: victim },
      { name: 'e/.wh.x', body: '' },
      { name: 'e', type: 'symlink', linkname: victim },
    ]);
    await unpackLayer(Readable.from([tar]), dest);
    await victimIntact(victim);
    const attr = spawnSync('getfattr', ['-n', 'trusted.overlay.opaque', victim], { encoding: 'utf8' });
    assert.notEqual(attr.status, 0, attr.stdout);
  });
  it('gives later entries the name a whiteout took, however the whiteouts are batched', rootOnly, async () => {
    const { dest } = await fresh();
    const filler = Array.from({ length: 5000 }, (_, i) => ({ name: `z/.wh.n${i}`, body: '' }));
    const tar = await makeTar([
      { name: '.wh.a', body: '' },
      { name: '.wh.o', body: '' },
      ...filler,
      { name: 'a/b', body: 'inside' },
      { name: 'o/.wh..wh..opq', body: '' },
      { name: 'o/kept', body: 'k' },
    ]);
    await unpackLayer(Readable.from([tar]), dest);
    assert.equal(await readFile(join(dest, 'a/b'), 'utf8'), 'inside');
    assert.equal(await readFile(join(dest, 'o/kept'), 'utf8'), 'k');
    assert.equal((await readdir(join(dest, 'z'))).length, 5000);
  });

  it('lets the last of duplicate entries win', async () => {
    const { dest } = await fresh();
    const tar = await makeTar([
      { name: 'f', body: 'first' },
      { name: 'f', body: 'second' },
      { name: 'fd', body: 'file' },
      { name: 'fd/', type: 'directory' },
      { name: 'df/', type: 'directory' },
      { name: 'df/x', body: 'x' },
      { name: 'df', body: 'file now' },
    ]);
    await unpackLayer(Readable.from([tar]), dest);
    assert.equal(await readFile(join(dest, 'f'), 'utf8'), 'second');
    assert.ok((await lstat(join(dest, 'fd'))).isDirectory());
    assert.equal(await readFile(join(dest, 'df'), 'utf8'), 'file now');
  });

  it('never applies overlay xattrs that an archive carries', needs({ root: true, tools: ['getfattr'] }), async () => {
    const { dest } = await fresh();
    const tar = await makeTar([{ name: 'd', type: 'directory', pax: { 'SCHILY.xattr.trusted.overlay.opaque': 'y' } }]);
    await unpackLayer(Readable.from([tar]), dest);
    const attr = spawnSync('getfattr', ['-n', 'trusted.overlay.opaque', join(dest, 'd')], { encoding: 'utf8' });
    assert.notEqual(attr.status, 0, attr.stdout);
  });

  it('follows a parent that a later entry turned into a symlink, never the one it was before', async () => {
    const { dest, victim } = await fresh();
    const tar = await makeTar([
      { name: 'a/', type: 'directory' },
      { name: 'b/', type: 'directory' },
      { name: 'd/', type: 'directory' },
      { name: 'd/one', body: '1' },
      { name: 'd', type: 'symlink', linkname: victim },
      { name: 'd/two', body: '2' },
      { name: 'x', type: 'symlink', linkname: 'a' },
      { name: 'x/f', body: 'f' },
      { name: 'x', type: 'symlink', linkname: 'b' },
      { name: 'x/g', body: 'g' },
      { name: 'h', type: 'symlink', linkname: 'a' },
      { name: 'y', type: 'link', linkname: 'h' },
      { name: 'y/k', body: 'k' },
    ]);
    await unpackLayer(Readable.from([tar]), dest);
    await victimIntact(victim);
    assert.equal(await readFile(join(dest, victim, 'two'), 'utf8'), '2');
    assert.deepEqual((await readdir(join(dest, 'a'))).sort(), ['f', 'k']);
    assert.deepEqual(await readdir(join(dest, 'b')), ['g']);
  });

  it('stops mid-layer when aborted, with the abort reason, and drains the source', async () => {
    const { dest } = await fresh();
    const source = new PassThrough();
    const tar = await makeTar([{ name: 'first', body: 'x' }, { name: 'big', body: randomBytes(4 << 20) }]);
    source.write(tar.subarray(0, 1 << 20));
    const ac = new AbortController();
    const unpacking = unpackLayer(source, dest, { signal: ac.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    ac.abort(new Error('client went away'));
    await assert.rejects(unpacking, /client went away/);
    assert.equal(source.destroyed, false);
    const ended = new Promise((resolve) => source.once('end', resolve));
    source.end(tar.subarray(1 << 20));
    await ended;
  });

  it('keeps host errors apart from archive errors across the worker', async () => {
    const { dest } = await fresh();
    const tar = await makeTar([{ name: 'f', body: 'x' }]);
    await assert.rejects(unpackLayer(Readable.from([tar]), join(dest, 'missing')), (err: NodeJS.ErrnoException) => {
      assert.equal(err.code, 'ENOENT');
      assert.equal(isInvalidArgument(err), false);
      return true;
    });
    // A source that fails is reported with the source's own error, not the worker's view of it.
    const disk = Object.assign(new Error('no space left on device'), { code: 'ENOSPC', syscall: 'write' });
    const source = new PassThrough();
    source.write(tar.subarray(0, 512));
    const unpacking = unpackLayer(source, (await fresh()).dest);
    setTimeout(() => source.destroy(disk), 50);
    await assert.rejects(unpacking, (err: unknown) => err === disk);
    // One without an errno is a bad archive stream.
    const cut = new PassThrough();
    cut.write(tar.subarray(0, 512));
    const cutting = unpackLayer(cut, (await fresh()).dest);
    setTimeout(() => cut.destroy(new Error('unexpected end of file')), 50);
    await rejects(cutting);
  });

  it('unpacks layers in parallel, each in its own worker, and reports each its own result', async () => {
    const tars = await Promise.all([0, 1, 2, 3].map((i) => makeTar(Array.from({ length: 200 }, (_, j) => ({ name: `d${j % 7}/f${j}`, body: `${i}:${j}` })))));
    const dests = await Promise.all(tars.map(async () => (await fresh()).dest));
    const results = await Promise.all(tars.map((t, i) => unpackLayer(Readable.from([t]), dests[i]!)));
    for (const [i, r] of results.entries()) {
      assert.equal(r.diffId, `sha256:${createHash('sha256').update(tars[i]!).digest('hex')}`);
      assert.equal(await readFile(join(dests[i]!, 'd3/f199'), 'utf8'), `${i}:199`);
    }
  });

  it('clamps mtimes before 1970 and after 9999, from headers and PAX records', async () => {
    const { dest } = await fresh();
    const tar = await makeTar([
      { name: 'old', body: '', pax: { mtime: '-62135596800.5' } },
      { name: 'future', body: '', pax: { mtime: '99999999999999' } },
      { name: 'exact', body: '', pax: { mtime: '1600000000.25' } },
    ]);
    await unpackLayer(Readable.from([tar]), dest);
    assert.equal((await lstat(join(dest, 'old'))).mtimeMs, 0);
    // Clamped to 9999 here; ext4 then stores its own maximum (2446).
    assert.ok((await lstat(join(dest, 'future'))).mtime.getUTCFullYear() > 2400);
    assert.equal((await lstat(join(dest, 'exact'))).mtimeMs, 1600000000250);
  });
});
