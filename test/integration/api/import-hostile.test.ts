// Hostile and unusual tarballs through `docker import`: every one gets an answer within seconds
// with the daemon's own status and message (never a cut connection), nothing lands outside the
// layer, and a refused import leaves no staged layer and no image behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync, closeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../../helpers/daemon.js';
import { findBinary } from '../../helpers/prereq.js';

const needs = { ...compatNeeds, binaries: [...(compatNeeds.binaries ?? []), 'python3', 'tar', 'busybox'] };
const answerWithinMs = 30_000;

/** Runs a Python script that builds a tar archive with tarfile and writes it to `path`. */
function pythonTar(path: string, body: string): void {
  const script = `import io, tarfile\nwith tarfile.open(${JSON.stringify(path)}, 'w', format=tarfile.PAX_FORMAT) as t:\n${body}`;
  const r = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

describe('integration: docker import of hostile tarballs', { skip: skipReason(needs) }, () => {
  let d: Daemon;
  let work: string;
  before(async () => {
    d = await startDaemon();
    work = mkdtempSync(join(tmpdir(), 'berth-import-'));
  });
  after(async () => {
    await d?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const stagedLayers = () => readdirSync(join(d.dataRoot, 'overlay/tmp'));

  async function importFails(file: string, message: RegExp): Promise<void> {
    const ref = `refused:${randomBytes(4).toString('hex')}`;
    const r = await d.docker(['import', file, ref], { timeoutMs: answerWithinMs });
    assert.equal(r.timedOut, false, 'the import got an answer');
    assert.equal(r.code, 1, `${r.command}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^Error response from daemon: /m, `the daemon's reply reached the CLI: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /EOF|broken pipe|connection reset/);
    assert.deepEqual(stagedLayers(), [], 'no staged layer left');
    const inspect = await d.docker(['image', 'inspect', ref]);
    assert.notEqual(inspect.code, 0, 'no image was made');
  }

  it('answers a file written through a symlink that climbs out of the layer, and writes nothing outside', async () => {
    const leaf = `berth-escape-${randomBytes(6).toString('hex')}`;
    const file = join(work, 'climb.tar');
    pythonTar(file, [
      "    d = tarfile.TarInfo('d'); d.type = tarfile.DIRTYPE; d.mode = 0o755; t.addfile(d)",
      "    s = tarfile.TarInfo('d/up'); s.type = tarfile.SYMTYPE; s.linkname = '../../../../../../../tmp'; t.addfile(s)",
      `    f = tarfile.TarInfo('d/up/${leaf}'); f.size = 3; t.addfile(f, io.BytesIO(b'abc'))`,
      `    t.add(${JSON.stringify(findBinary('busybox'))}, 'bin/busybox')`,
    ].join('\n'));
    const r = await d.docker(['import', file, 'rel:1'], { timeoutMs: answerWithinMs });
    assert.equal(r.timedOut, false);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(join('/tmp', leaf)), false, 'nothing written outside the layer');
    const run = await d.docker(['run', '--rm', 'rel:1', '/bin/busybox', 'cat', `/tmp/${leaf}`], { timeoutMs: answerWithinMs });
    assert.equal(run.stdout, 'abc', `the file stays inside the image: ${run.stderr}`);
    assert.deepEqual(stagedLayers(), []);
  });

  it('answers a zstd body with 400 "unsupported layer compression" instead of cutting the connection', async () => {
    for (const size of [1000, 8 << 20]) {
      const file = join(work, `zstd-${size}.bin`);
      writeFileSync(file, Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), randomBytes(size)]));
      await importFails(file, /unsupported layer compression: zstd/);
    }
    const raw = await d.api({ method: 'POST', path: '/v1.50/images/create?fromSrc=-&repo=z', body: Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), randomBytes(1 << 20)]), headers: { 'content-type': 'application/x-tar' } });
    assert.equal(raw.status, 400);
    assert.match(raw.json<{ message: string }>().message, /unsupported layer compression/);
  });

  it('refuses a truncated gzip archive and one that is not a tar', async () => {
    const src = join(work, 'big.tar');
    pythonTar(src, "    f = tarfile.TarInfo('f'); data = bytes(range(256)) * 4096; f.size = len(data); t.addfile(f, io.BytesIO(data))");
    const gz = spawnSync('gzip', ['-c', src]).stdout;
    const cut = join(work, 'cut.tar.gz');
    writeFileSync(cut, gz.subarray(0, gz.length >> 1));
    await importFails(cut, /invalid layer archive: unexpected end of file/);
    const junk = join(work, 'junk.tar');
    writeFileSync(junk, Buffer.concat([Buffer.from('not a tar'), randomBytes(3 << 20)]));
    await importFails(junk, /invalid layer archive/);
  });

  it('refuses negative owners instead of making them root', async () => {
    const file = join(work, 'negative-uid.tar');
    pythonTar(file, "    f = tarfile.TarInfo('etc/shadow'); f.uid = -1; f.size = 1; t.addfile(f, io.BytesIO(b'x'))");
    await importFails(file, /invalid tar entry "etc\/shadow": negative uid/);
    const dev = join(work, 'negative-dev.tar');
    const r = spawnSync('python3', ['-c', [
      'import tarfile',
      `with tarfile.open(${JSON.stringify(dev)}, 'w', format=tarfile.GNU_FORMAT) as t:`,
      "    f = tarfile.TarInfo('dev/x'); f.type = tarfile.CHRTYPE; f.devmajor = -1; t.addfile(f)",
    ].join('\n')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    await importFails(dev, /invalid device numbers for "dev\/x"/);
  });

  it('refuses a sparse map it cannot honour, with the reason', async () => {
    const file = join(work, 'bad-sparse.tar');
    pythonTar(file, [
      "    f = tarfile.TarInfo('GNUSparseFile.1/f'); f.size = 20",
      "    f.pax_headers = {'GNU.sparse.name': 'f', 'GNU.sparse.size': '100', 'GNU.sparse.map': '0,10,5,10'}",
      "    t.addfile(f, io.BytesIO(b'x' * 20))",
    ].join('\n'));
    await importFails(file, /invalid sparse file "f": map regions overlap/);
  });

  for (const [label, args] of [['old-style GNU', ['--format=gnu']], ['PAX 1.0', ['--format=posix']], ['PAX 0.0', ['--format=posix', '--sparse-version=0.0']]] as const) {
    it(`imports a ${label} sparse file with its real size, content and holes`, async () => {
      const src = join(work, `sparse-${label.replace(/\W/g, '')}`);
      mkdirSync(join(src, 'bin'), { recursive: true });
      copyFileSync(findBinary('busybox')!, join(src, 'bin/busybox'));
      const fd = openSync(join(src, 'sparse.bin'), 'w');
      writeSync(fd, Buffer.alloc(5000, 'A'), 0, 5000, 1 << 20);
      writeSync(fd, Buffer.alloc(100, 'B'), 0, 100, 3 << 20);
      ftruncateSync(fd, 5 << 20);
      closeSync(fd);
      const tarFile = join(work, `sparse-${label.replace(/\W/g, '')}.tar`);
      const tar = spawnSync('tar', ['-C', src, '--sparse', ...args, '-cf', tarFile, 'bin', 'sparse.bin'], { encoding: 'utf8' });
      assert.equal(tar.status, 0, tar.stderr);
      const ref = `sparse:${label.replace(/\W/g, '').toLowerCase()}`;
      const imp = await d.docker(['import', tarFile, ref], { timeoutMs: answerWithinMs });
      assert.equal(imp.code, 0, imp.stderr);
      const want = spawnSync('md5sum', [join(src, 'sparse.bin')], { encoding: 'utf8' }).stdout.split(' ')[0];
      const run = await d.docker(['run', '--rm', ref, '/bin/busybox', 'sh', '-c', 'ls /; /bin/busybox stat -c "%s %b" /sparse.bin; /bin/busybox md5sum /sparse.bin'], { timeoutMs: answerWithinMs });
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.trim().split('\n');
      assert.ok(!lines.some((l) => l.startsWith('GNUSparseFile')), run.stdout);
      const [size, blocks] = lines[lines.length - 2]!.split(' ').map(Number);
      assert.equal(size, 5 << 20);
      assert.ok(blocks! * 512 < (1 << 20), `holes stay holes: ${blocks} blocks`);
      assert.equal(lines[lines.length - 1]!.split(' ')[0], want);
    });
  }
});
